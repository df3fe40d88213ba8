"""``tongdai data new``: a first declaration drafted from a city's own file, for a person to edit.

The file (CSV, XLSX or JSON) is read as an import reads it; each column becomes a Table Schema field whose
name is its header without accents (``Tên trường`` -> ``ten_truong``), whose title is the header as written
and whose type is inferred from the values. The likely name, alias, address, street, ward, district,
lat/lon and id columns are guessed from the headers, Vietnamese or English. The records are written next to
the declaration as a CSV under the new field names (dates as YYYY-MM-DD, ``12.500.000`` as 12500000), with
an ``id`` column added when the file has none, so the dataset answers at once.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from lookups.importing import values as v
from lookups.importing.readers import Table
from lookups.text import fold

DATE_TEXT = re.compile(r"^(\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{2}-\d{2})$")
SAMPLE = 200  # rows whose values decide a column's type
# role -> folded header words that suggest it (the whole header, or its first words)
ROLES: dict[str, tuple[str, ...]] = {
    "id": ("id", "ma", "ma so", "stt ma", "code"),
    "name": ("ten", "name", "ten co so", "ten don vi", "ho ten"),
    "aliases": ("ten khac", "ten goi khac", "aliases", "alias", "ten viet tat"),
    "address": ("dia chi", "address", "dia chi tru so"),
    "street": ("duong", "ten duong", "street", "duong pho"),
    "ward": ("phuong", "xa", "phuong xa", "ward", "phuong/xa"),
    "district": ("quan", "huyen", "quan huyen", "district"),
    "lat": ("vi do", "lat", "latitude"),
    "lon": ("kinh do", "lon", "lng", "longitude"),
}


def slug(header: str) -> str:
    """``Tên trường (cấp học)`` -> ``ten_truong_cap_hoc``: a field name without accents."""
    words = re.sub(r"[^a-z0-9]+", "_", fold(header)).strip("_")
    return words if words[:1].isalpha() else f"f_{words}" if words else "field"


def role_of(header: str) -> str:
    folded = " ".join(re.sub(r"[^a-z0-9/]+", " ", fold(header)).split())
    for role, words in ROLES.items():
        if folded in words:
            return role
    for role, words in ROLES.items():
        if any(folded.startswith(w + " ") for w in words if len(w) > 3):
            return role
    return ""


def _type(values: Iterable[Any]) -> str:
    seen = [x for x in values if not v.blank(x)]
    if not seen:
        return "string"
    if all(isinstance(x, date | datetime) or (isinstance(x, str) and DATE_TEXT.match(x.strip())) for x in seen):
        return "date"
    if all(isinstance(x, bool) or str(x).strip().casefold() in ("true", "false") for x in seen):
        return "boolean"
    if all(isinstance(x, int) and not isinstance(x, bool) or (isinstance(x, str) and _amount(x) is not None)
           for x in seen) and not any(isinstance(x, str) and x.strip().startswith("0") and len(x.strip()) > 1
                                      for x in seen):  # 0236..., 0905...: phone numbers stay text
        return "integer"
    if all(isinstance(x, int | float) and not isinstance(x, bool) for x in seen):
        return "number"
    return "string"


def _amount(text: str) -> int | None:
    try:
        return v.parse_amount(text)
    except ValueError:
        return None


def convert(kind: str, value: Any) -> str:
    if v.blank(value):
        return ""
    try:
        if kind == "date":
            return v.parse_date(value).isoformat()
        if kind == "integer":
            return str(value if isinstance(value, int) else v.parse_amount(value))
    except ValueError:
        pass
    return v.text(value)


def draft(dataset: str, table: Table, keyword: str, out_csv: Any) -> dict[str, Any]:
    """Write the records as CSV to ``out_csv`` (a text file) and return the datapackage as JSON-ready data."""
    rows = [row for _, row in table.rows if row is not None]
    headers = list(dict.fromkeys([*table.columns, *(k for row in rows for k in row)]))
    headers = [h for h in headers if h]
    names: dict[str, str] = {}
    for header in headers:
        name = slug(header)
        while name in names.values():
            name += "_2"
        names[header] = name
    kinds = {h: _type(row.get(h) for row in rows[:SAMPLE]) for h in headers}
    roles: dict[str, str] = {}
    for header in headers:
        role = role_of(header)
        if role and role not in roles and not (role in ("lat", "lon") and kinds[header] != "number"):
            roles[role] = names[header]
    if "name" not in roles:  # the first text column, failing a header that says so
        roles["name"] = next((names[h] for h in headers if kinds[h] == "string"), names[headers[0]])
    fields: list[dict[str, Any]] = [{"name": names[h], "type": kinds[h], "title": h} for h in headers]
    key = roles.get("id")
    if key is None or len({str(r.get(h, "")) for r in rows for h in headers if names[h] == key}) < len(rows):
        key = "id" if "id" not in names.values() else "record_id"
        fields.insert(0, {"name": key, "type": "string", "title": "Mã (do tongdai đánh số)"})
        prefix = keyword[:3].upper()
        rows = [{key: f"{prefix}{n:05d}", **row} for n, row in enumerate(rows, 1)]
        names[key] = key
    writer = csv.DictWriter(out_csv, [f["name"] for f in fields], lineterminator="\n")
    writer.writeheader()
    kind_of = {f["name"]: f["type"] for f in fields}
    for row in rows:
        writer.writerow({names[h]: convert(kind_of[names[h]], value) for h, value in row.items() if h in names})
    by_name = {f["name"]: f for f in fields}
    by_name[roles["name"]]["constraints"] = {"required": True}
    # A row counter (STT) is no fact about a record: leave it out of the reply.
    shown = [f["name"] for f in fields if f["name"] not in (key, roles["name"], roles.get("aliases"))
             and fold(f["title"]) not in ("stt", "tt", "so tt", "no")][:6]
    first = next((v.text(value) for h, value in (rows[0] if rows else {}).items() if names.get(h) == roles["name"]), "")
    return package(dataset, keyword, fields, key, roles, shown, table, fold(first))


def package(dataset: str, keyword: str, fields: list[dict[str, Any]], key: str, roles: dict[str, str],
            shown: list[str], table: Table, example: str) -> dict[str, Any]:
    title = {f["name"]: f["title"] for f in fields}
    subject = title[roles["name"]].lower()
    location = {r: roles[r] for r in ("address", "street", "ward", "district", "lat", "lon") if r in roles}
    return {
        "name": dataset, "title": f"{dataset} (bản nháp: sửa tiêu đề)", "description": "",
        "sources": [{"title": "(ghi nguồn dữ liệu)"}], "licenses": [{"name": "(ghi giấy phép, ví dụ CC-BY-4.0)"}],
        "resources": [{"name": dataset, "path": f"{dataset}.csv", "format": "csv", "encoding": "utf-8",
                       "schema": {"fields": fields, "primaryKey": [key]}}],
        "tongdai": {
            "keyword": keyword.upper(), "aliases": [], "english": [], "name": roles["name"],
            **({"alias_field": roles["aliases"]} if "aliases" in roles else {}), "location": location,
            "help": {"vi": f"{keyword.upper()} <{subject}>: (mô tả ngắn)",
                     "en": f"{keyword.upper()} <{subject}>: (short description)"},
            "example": f"{keyword.upper()} {example or subject}", "category": {"vi": "Khác", "en": "Other"},
            "reply": {"fields": [{"field": n, "vi": title[n], "en": title[n]} for n in shown],
                      "line": [location[r] for r in ("address", "street", "ward") if r in location][:2]},
            "as_of": date.today().isoformat(), "source": f"{table.kind}: (ghi nguồn)", "sample": False,
        },
    }
