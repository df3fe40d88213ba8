"""Regenerate the five catalogue datasets (schools, language_centres, transport, farmland_prices,
public_services), each a folder with a CSV and its datapackage.json: data only, no code per dataset.
Deterministic: the same gazetteer gives byte-identical files.

    .venv/bin/python data/tools/make_catalogue.py
"""

from __future__ import annotations

from sample_farmland import write_farmland
from sample_language import write_language
from sample_procedures import write_procedures
from sample_schools import write_schools
from sample_transport import write_transport


def main() -> None:
    print(f"schools: {write_schools()} rows")
    print(f"language_centres: {write_language()} rows")
    print(f"transport: {write_transport()} rows")
    print(f"farmland_prices: {write_farmland()} rows")
    print(f"public_services: {write_procedures()} rows")


if __name__ == "__main__":
    main()
