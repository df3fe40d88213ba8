"""Any declared table (``datapackage.json`` + a CSV, JSON or JSON lines file): records typed by the Table Schema.

A record is a dict from field name to value: ``str`` for text (and for types read as text), ``int``,
``float``, ``bool``, ``date``, or None for an empty cell.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from lookups.datasets.base import DataError, DatasetMeta, Entry, content_hash, open_text, read_jsonl
from lookups.datasets.declared import FILE, Declaration, FieldSpec, parse

Record = dict[str, Any]
TRUE = frozenset({"true", "1", "yes", "co", "có", "x"})
FALSE = frozenset({"false", "0", "no", "khong", "không", ""})
ALIAS_SEPARATOR = ";"


@dataclass(frozen=True, slots=True)
class TableData:
    meta: DatasetMeta
    decl: Declaration  # the version's own declaration (its fields; keywords come from the dataset folder)
    records: Sequence[Record]  # a tuple when read from the source, else a mapped record store

    def entry(self, record: Record) -> Entry:
        decl = self.decl
        names = [text(record.get(decl.name))]
        if decl.alias_field:
            names += [a.strip() for a in text(record.get(decl.alias_field)).split(ALIAS_SEPARATOR) if a.strip()]
        places = [text(record.get(decl.where(k))) for k in ("address", "street", "ward", "district")
                  if decl.where(k)] + [text(record.get(q)) for q in decl.qualifiers]
        return Entry(text(record.get(decl.primary_key)), tuple(n for n in names if n),
                     tuple(dict.fromkeys(p for p in places if p)))


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def convert(spec: FieldSpec, raw: Any) -> Any:
    """A cell as the field's type (ValueError when it is not one)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if spec.type == "integer":
        return raw if isinstance(raw, int) and not isinstance(raw, bool) else int(str(raw).strip())
    if spec.type == "number":
        return float(raw)
    if spec.type == "boolean":
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().casefold()
        if word not in TRUE | FALSE:
            raise ValueError(f"not true or false: {raw!r}")
        return word in TRUE
    if spec.type == "date":
        return raw if isinstance(raw, date) else date.fromisoformat(str(raw).strip())
    return str(raw).strip() if isinstance(raw, str | int | float) else json.dumps(raw, ensure_ascii=False)


def rows(path: Path, decl: Declaration) -> Iterator[dict[str, Any]]:
    if decl.format == "jsonl":
        yield from read_jsonl(path)
        return
    if decl.format == "json":
        try:
            raw = json.loads(path.read_text(encoding=decl.encoding))
        except (OSError, ValueError) as exc:
            raise DataError(f"{path}: {exc}") from exc
        items = raw.get("data") if isinstance(raw, dict) else raw
        if not isinstance(items, list):
            raise DataError(f"{path}: expected a JSON array of records (or {{\"data\": [...]}})")
        yield from items
        return
    try:
        with open_text(path, decl.encoding.replace("utf-8", "utf-8-sig")) as handle:
            yield from csv.DictReader(handle)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"{path}: {exc}") from exc


def to_row(decl: Declaration, record: Record) -> list[Any]:
    """``record`` as the compact JSON array the record store keeps: values in field order, dates ISO."""
    return [value.isoformat() if isinstance(value, date) else value for value in (record[f.name] for f in decl.fields)]


def decoder(decl: Declaration) -> Callable[[list[Any]], Record]:
    """What reads a ``to_row`` array of ``decl``'s fields back into a record."""
    names = [f.name for f in decl.fields]
    dates = [n for n, f in enumerate(decl.fields) if f.type == "date"]

    def decode(row: list[Any]) -> Record:
        for n in dates:
            if row[n] is not None:
                row[n] = date.fromisoformat(row[n])
        return dict(zip(names, row, strict=True))

    return decode


def meta_of(decl: Declaration, files: list[Path]) -> DatasetMeta:
    if decl.as_of is None:
        raise DataError(f"{decl.path}: tongdai.as_of: is required")
    return DatasetMeta(decl.id, decl.title, decl.source, decl.licence, decl.as_of, decl.sample, decl.note,
                       content_hash(files))


def data_files(folder: Path, dataset: str) -> list[Path]:
    """The declaration and its data file: what a version's id hashes."""
    return [folder / FILE, folder / parse(folder, dataset).resource]


def load(folder: Path, dataset: str) -> TableData:
    decl = parse(folder, dataset)
    path = folder / decl.resource
    if not path.is_file():
        raise DataError(f"{decl.path}: resources[0].path: {path} does not exist")
    records: list[Record] = []
    seen: set[str] = set()
    for number, raw in enumerate(rows(path, decl), 1):
        if not isinstance(raw, dict):
            raise DataError(f"{path}: record {number}: not an object")
        record: Record = {}
        for spec in decl.fields:
            try:
                record[spec.name] = convert(spec, raw.get(spec.name))
            except (ValueError, TypeError) as exc:
                raise DataError(f"{path}: record {number}, field {spec.name}: {exc}") from exc
            if spec.required and record[spec.name] is None:
                raise DataError(f"{path}: record {number}: {spec.name} is required")
        key = text(record.get(decl.primary_key))
        if not key or key in seen:
            raise DataError(f"{path}: record {number}: {'missing' if not key else 'duplicate'} "
                            f"{decl.primary_key} {key!r}")
        seen.add(key)
        records.append(record)
    return TableData(meta_of(decl, [folder / FILE, path]), decl, tuple(records))


def export(data: TableData) -> Iterator[dict[str, Any]]:
    """Records under the declared field names, as the import reads them back."""
    for record in data.records:
        yield {name: (value.isoformat() if isinstance(value, date) else value) for name, value in record.items()}


def count(folder: Path, dataset: str) -> int:
    decl = parse(folder, dataset)
    path = folder / decl.resource
    if not path.is_file():
        return 0
    if decl.format == "json":
        return sum(1 for _ in rows(path, decl))
    with path.open("rb") as handle:
        lines = sum(1 for line in handle if line.strip())
    return lines if decl.format == "jsonl" else max(lines - 1, 0)
