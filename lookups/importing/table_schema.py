"""Import checks of a declared table, from its Table Schema: types, ``required``, ``enum``, ``minimum`` and
``maximum``; ids from the primary key, else derived from the name and address (stable from one import to
the next). Headers match a field's name or its ``title`` (the Vietnamese header a portal publishes)."""

from __future__ import annotations

from lookups.datasets.declared import Declaration, FieldSpec
from lookups.importing.mapping import Mapping
from lookups.importing.records import Record, Schema, derived_id
from lookups.importing.rows import Fields
from lookups.text import fold


def _cell(f: Fields, spec: FieldSpec) -> str:
    """The value as the version's CSV stores it ("" for none), checked against the field's constraints."""
    name = spec.name
    low = spec.minimum if spec.minimum is not None else float("-inf")
    high = spec.maximum if spec.maximum is not None else float("inf")
    number: float | None = None
    if spec.type == "integer":
        found = f.amount(name, name)
        number, out = found, "" if found is None else str(found)
    elif spec.type == "number":
        number = f.decimal(name, low, high)
        out = "" if number is None else repr(number)
    elif spec.type == "date":
        day = f.date(name)
        out = "" if day is None else day.isoformat()
    elif spec.type == "boolean":
        out = "" if not f.given(name) and name not in f.mapping.defaults else str(f.flag(name)).lower()
    else:
        out = f.text(name)
        if out and spec.enum:
            match = next((e for e in spec.enum if fold(e) == fold(out)), None)
            if match is None:
                f.problem(name, f"{out!r} is not one of {', '.join(spec.enum)}")
            out = match or out
    if number is not None and spec.type == "integer" and not low <= number <= high:
        f.problem(name, f"out of range {low:g}..{high:g}")
    if spec.required and not out and not f.bad(name):
        f.problem(name, f"missing {name}")
    return out


def table_schema(decl: Declaration) -> Schema:
    place = decl.located("address", "street", "ward")

    def convert(f: Fields) -> Record | None:
        record: Record = {spec.name: _cell(f, spec) for spec in decl.fields}
        key = record.get(decl.primary_key) or derived_id(
            decl.keyword.upper()[:3], record.get(decl.name, ""), *(record.get(p, "") for p in place))
        record[decl.primary_key] = record["id"] = key  # "id": what duplicate checks read
        return record if f.ok else None

    required = tuple((f.name,) for f in decl.fields if f.required and f.name != decl.primary_key)
    return Schema(tuple(f.name for f in decl.fields), required, convert, "same name and address as")


def add_titles(mapping: Mapping, decl: Declaration) -> None:
    """Each field's ``title`` as a header for it, unless a mapping file says otherwise."""
    for spec in decl.fields:
        if spec.title:
            mapping.columns.setdefault(fold(spec.title), spec.name)
