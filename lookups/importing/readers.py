"""Readers: a CSV, XLSX or JSON file becomes rows of ``{source column: value}`` with their row numbers.

Row numbers are what the operator sees when opening the file: the spreadsheet row (the header row counts,
so the first data row under a header on row 1 is row 2), or the record's position in a JSON array
(line number for JSON lines). Rows are streamed, so a 100,000-row registry never sits in memory whole.
Header rows are found, not assumed: offices put a title and a blank line above the table, so the header
is the row among the first 20 with the most cells the mapping knows.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from lookups.datasets.base import DataError

Row = dict[str, Any] | None  # None: a JSON item that is not an object
HEAD_ROWS = 20
DELIMITERS = (",", ";", "\t", "|")
FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
           ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass
class Table:
    kind: str  # csv, xlsx, json, jsonl
    detail: str  # how it was read: encoding and delimiter, or sheet
    columns: list[str]  # the header as written ([] for JSON: keys may differ per record)
    rows: Iterator[tuple[int, Row]] = field(repr=False)


def sniff_encoding(head: bytes) -> str:
    """BOMs first; UTF-16 without BOM by its zero bytes; else UTF-8 if it decodes, else Windows-1258."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head and head[1::2].count(0) > len(head) // 4:
        return "utf-16-le"
    if head and head[0::2].count(0) > len(head) // 4:
        return "utf-16-be"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1258"


def _cell(value: Any) -> Any:
    # Windows-1258 decodes tones as combining marks and Mac tools write NFD: store NFC, which is what
    # replies show and what the records of the sample pack use.
    return unicodedata.normalize("NFC", value.strip()) if isinstance(value, str) else value


def _header_at(head: list[tuple[int, list[Any]]], known: Callable[[str], bool], given: int | None) -> int:
    """Index in ``head`` of the header row."""
    if given is not None:
        for i, (number, _) in enumerate(head):
            if number == given:
                return i
        raise DataError(f"header row {given} is not in the file")
    scores = [sum(1 for c in cells if c is not None and known(str(c))) for _, cells in head]
    if scores and max(scores) > 0:
        return scores.index(max(scores))
    return next((i for i, (_, cells) in enumerate(head) if any(not _blank(c) for c in cells)), 0)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _columns(cells: list[Any]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for cell in cells:
        name = _cell(str(cell)) if cell is not None else ""
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 or not name else f"{name} #{seen[name]}")
    return out


def _records(columns: list[str], rows: Iterator[tuple[int, list[Any]]]) -> Iterator[tuple[int, Row]]:
    for number, cells in rows:
        if all(_blank(c) for c in cells):
            continue
        yield number, {name: _cell(value) for name, value in zip(columns, cells, strict=False) if name}


def read_csv(path: Path, known: Callable[[str], bool], encoding: str | None = None,
             delimiter: str | None = None, header_row: int | None = None) -> Table:
    raw = path.open("rb")
    enc = encoding or sniff_encoding(raw.read(1 << 16))
    raw.seek(0)
    text = io.TextIOWrapper(raw, encoding=enc, newline="")
    try:
        lines = [line for line in (text.readline() for _ in range(HEAD_ROWS)) if line]
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not {enc} text ({exc.reason}); pass --encoding") from exc

    def parse(sep: str) -> list[tuple[int, list[Any]]]:
        return list(enumerate(csv.reader(lines, delimiter=sep), 1))

    def rank(sep: str) -> tuple[int, int]:
        head = parse(sep)
        at = _header_at(head, known, header_row) if head else 0
        cells = head[at][1] if head else []
        return sum(1 for c in cells if known(c)), len(cells)

    sep = delimiter or max(DELIMITERS, key=rank)
    head = parse(sep)
    at = _header_at(head, known, header_row) if head else 0
    columns = _columns(head[at][1]) if head else []

    def rows() -> Iterator[tuple[int, list[Any]]]:
        number = 0
        try:
            for number, cells in enumerate(csv.reader(chain(lines, text), delimiter=sep), 1):
                if number > at + 1:
                    yield number, list(cells)
        except UnicodeDecodeError as exc:
            raise DataError(f"{path}: row {number + 1}: not {enc} text; pass --encoding") from exc
        except csv.Error as exc:
            raise DataError(f"{path}: row {number + 1}: {exc}") from exc
        finally:
            text.close()

    shown = {"\t": "tab"}.get(sep, sep)
    return Table("csv", f"encoding {enc}, delimiter {shown!r}", columns, _records(columns, rows()))


def read_xlsx(path: Path, known: Callable[[str], bool], sheet: str | None = None,
              header_row: int | None = None) -> Table:
    import openpyxl  # only imports need it; the service never loads it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors for broken files
        raise DataError(f"{path}: not a readable XLSX workbook ({exc})") from exc
    if sheet is not None and sheet not in book.sheetnames:
        raise DataError(f"{path}: no sheet {sheet!r}; sheets: {', '.join(book.sheetnames)}")
    ws = book[sheet] if sheet else book.worksheets[0]
    # Some tools write a wrong sheet dimension, and read-only mode stops at it: read to the real end.
    ws.reset_dimensions()
    # Read-only sheets yield every row from row 1, empty ones included, so counting gives sheet row numbers.
    numbered = ((number, list(cells)) for number, cells in enumerate(ws.iter_rows(values_only=True), 1))
    head = _take(numbered, HEAD_ROWS)
    at = _header_at(head, known, header_row) if head else 0
    columns = _columns(head[at][1]) if head else []

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            yield from head[at + 1:]
            yield from numbered
        finally:
            book.close()

    return Table("xlsx", f"sheet {ws.title!r}", columns, _records(columns, rows()))


def _take(rows: Iterator[tuple[int, list[Any]]], count: int) -> list[tuple[int, list[Any]]]:
    out = []
    for item in rows:
        out.append(item)
        if len(out) == count:
            break
    return out


def _flat(item: Any) -> Row:
    """A JSON record with nested objects one level flattened: ``{"certificate": {"number": ..}}`` gives the
    column ``certificate.number``; null values are left out (they are blank)."""
    if not isinstance(item, dict):
        return None
    out: dict[str, Any] = {}
    for key, value in item.items():
        if isinstance(value, dict):
            out.update({f"{key}.{k}": _cell(v) for k, v in value.items() if v is not None})
        elif value is not None:
            out[str(key)] = _cell(value)
    return out


def read_json(path: Path) -> Table:
    """A JSON array, the open-data portal's ``{"data": [...]}`` (or ``records``, ``result.records``), or
    JSON lines (what ``tongdai data export`` writes)."""
    if path.suffix.lower() not in (".jsonl", ".ndjson"):
        try:
            with path.open(encoding="utf-8-sig") as handle:
                doc = json.load(handle)
        except json.JSONDecodeError as exc:
            if exc.msg != "Extra data":  # "Extra data" after the first object: it is JSON lines
                raise DataError(f"{path}: line {exc.lineno}: {exc.msg}") from exc
        else:
            items = _items(doc)
            if items is None:
                raise DataError(f"{path}: expected a JSON array or an object with a \"data\" array")
            return Table("json", "", [], ((n, _flat(item)) for n, item in enumerate(items, 1)))
    return Table("jsonl", "", [], _lines(path))


def _items(doc: Any) -> list[Any] | None:
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        for key in ("data", "records", "result"):
            if isinstance(doc.get(key), list):
                return list(doc[key])
            if key == "result" and isinstance(doc.get(key), dict):
                return _items(doc[key])
    return None


def _lines(path: Path) -> Iterator[tuple[int, Row]]:
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    yield number, _flat(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise DataError(f"{path}: line {number}: {exc.msg}") from exc


def read_table(path: Path, known: Callable[[str], bool], *, encoding: str | None = None,
               delimiter: str | None = None, sheet: str | None = None, header_row: int | None = None) -> Table:
    kind = FORMATS.get(path.suffix.lower())
    if path.suffix.lower() == ".xls":
        raise DataError(f"{path}: old binary .xls; save it as .xlsx or CSV (UTF-8) and import that")
    if kind is None:
        raise DataError(f"{path}: unknown format; give a .csv, .xlsx, .json or .jsonl file")
    if kind == "csv":
        return read_csv(path, known, encoding, delimiter, header_row)
    if kind == "xlsx":
        return read_xlsx(path, known, sheet, header_row)
    return read_json(path)
