"""Rows of a table (CSV, XLSX, JSON) through a mapping and a dataset's checks, into the version's file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lookups.datasets.base import DataError
from lookups.importing.mapping import Mapping
from lookups.importing.readers import Table
from lookups.importing.records import Record, Schema
from lookups.importing.report import Problem, Report
from lookups.importing.rows import Fields
from lookups.importing.values import blank


def _require(table: Table, schema: Schema, mapping: Mapping, fields_of: dict[str, str | None]) -> None:
    """A table without a column for a required field is a wrong mapping, not a file of bad rows: say so once."""
    present = set(fields_of.values()) | set(mapping.defaults)
    for group in schema.required:
        if not present & set(group):
            headers = ", ".join(repr(c) for c in table.columns if c)
            raise DataError(f"no column maps to {' or '.join(group)}; the header has {headers}; "
                            f"map a column to it with --mapping (see data/mappings/example.toml)")


def check_table(table: Table, schema: Schema, mapping: Mapping, report: Report,
                write: Callable[[Record], Any]) -> int:
    """Check every row; write the accepted records; return how many were written."""
    fields_of: dict[str, str | None] = {c: mapping.field_of(c) for c in table.columns}
    if table.columns:
        _require(table, schema, mapping, fields_of)
    seen: dict[str, int] = {}  # casefolded id -> row where it was first accepted (ids match in any case)
    ignored: dict[str, None] = {}
    for number, row in table.rows:
        report.rows_read += 1
        if row is None:
            report.problems.append(Problem(number, "-", "not a JSON object"))
            continue
        cells: dict[str, tuple[str, Any]] = {}
        for header, value in row.items():
            if header not in fields_of:  # JSON keys vary from record to record
                fields_of[header] = mapping.field_of(header)
            name = fields_of[header]
            if name is None:
                if not mapping.ignored(header):
                    ignored[header] = None
            elif name not in cells or blank(cells[name][1]):
                cells[name] = (header, value)
        fields = Fields(number, cells, mapping)
        record = schema.convert(fields)
        if record is not None:
            key = str(record["id"]).casefold()
            if key in seen and fields.given("id"):
                fields.problem("id", f"duplicate id {record['id']!r} (first on row {seen[key]})")
            elif key in seen:
                fields.problem("name", f"duplicate record: {schema.what} row {seen[key]}", record.get("name", ""))
            else:
                seen[key] = number
                write(record)
                report.accepted += 1
        report.problems.extend(fields.problems)
    ignored.update({c: None for c, f in fields_of.items() if f is None and c and not mapping.ignored(c)})
    if ignored:
        report.notes.append(f"columns not imported (no field maps them): {', '.join(ignored)}")
    return report.accepted
