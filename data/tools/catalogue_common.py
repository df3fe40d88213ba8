"""What the five catalogue datasets' generators share: the gazetteer, invented phones that cannot ring, and
writing a dataset folder (a CSV as a portal publishes it, and its datapackage.json)."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-01"
LICENCE = [{"name": "CC0-1.0", "title": "Dữ liệu mẫu / sample data"}]


def streets() -> list[dict[str, str]]:
    with (DATA / "gazetteer" / "streets.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def old_wards() -> dict[str, tuple[str, str]]:
    """Pre-July-2025 ward or commune -> (its ward now, its old district)."""
    found: dict[str, tuple[str, str]] = {}
    with (DATA / "gazetteer" / "wards.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for old in row["old_wards"].split(";"):
                found.setdefault(old, (row["ward"], row["old_district"].split(";")[-1]))
    return found


def phone(number: int) -> str:
    """An invented phone in a form no Vietnamese number takes (a subscriber number starting with 0000)."""
    return f"0236 0000 {number % 1000:03d}"


def house(rng: random.Random) -> str:
    return str(rng.randint(2, 420))


def field(name: str, kind: str, title: str, description: str = "", **constraints: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": name, "type": kind, "title": title}
    if description:
        spec["description"] = description
    if constraints:
        spec["constraints"] = constraints
    return spec


def shown(name: str, vi: str, en: str, sms: bool = True) -> dict[str, Any]:
    return {"field": name, "vi": vi, "en": en, **({} if sms else {"sms": False})}


def write(dataset: str, title: str, description: str, source: str, fields: list[dict[str, Any]],
          rows: list[dict[str, Any]], tongdai: dict[str, Any]) -> int:
    """Write ``data/<dataset>/<dataset>.csv`` and ``datapackage.json``; return the number of rows."""
    folder = DATA / dataset
    folder.mkdir(exist_ok=True)
    names = [f["name"] for f in fields]
    with (folder / f"{dataset}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, names, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    package = {
        "name": dataset, "title": title, "description": description, "sources": [{"title": source}],
        "licenses": LICENCE,
        "resources": [{"name": dataset, "path": f"{dataset}.csv", "format": "csv", "encoding": "utf-8",
                       "mediatype": "text/csv", "schema": {"fields": fields, "primaryKey": ["id"]}}],
        "tongdai": {**tongdai, "as_of": AS_OF, "sample": True, "source": source, "note": description},
    }
    (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n",
                                             encoding="utf-8")
    return len(rows)
