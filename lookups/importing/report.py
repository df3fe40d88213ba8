"""The validation report: rows read, rows accepted, and every rejected row with its column and reason.

The same lines are printed, saved as ``report.txt``, and (one problem per row) as ``report.csv`` with the
columns ``file,row,column,value,reason`` next to the version, or under ``refused/`` when nothing switched.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

MAX_PRINTED = 50  # problems printed; the CSV has all of them


@dataclass(frozen=True)
class Problem:
    row: int  # as the operator sees it in the file (see readers); 0 for the file as a whole
    column: str  # the source column (header as written), or our field name when the file has none
    reason: str
    value: str = ""
    file: str = ""  # member file of a GTFS feed

    def line(self) -> str:
        where = f"{self.file} row {self.row}" if self.file else f"row {self.row}"
        return f"{where}, {self.column}: {self.reason}"


@dataclass
class Report:
    dataset: str
    source: str
    how: str = ""
    rows_read: int = 0
    accepted: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len({(p.file, p.row) for p in self.problems})

    def lines(self) -> list[str]:
        out = [f"{self.dataset}: {self.source}" + (f" ({self.how})" if self.how else ""),
               f"read {self.rows_read} rows, accepted {self.accepted}, rejected {self.rejected}"]
        out += [p.line() for p in self.problems[:MAX_PRINTED]]
        if len(self.problems) > MAX_PRINTED:
            out.append(f"... and {len(self.problems) - MAX_PRINTED} more problems (all of them in report.csv)")
        out += [f"note: {n}" for n in self.notes]
        return out

    def save(self, folder: Path, outcome: list[str]) -> Path:
        """Write report.txt (what was printed, outcome included) and report.csv into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "report.txt").write_text("\n".join([*self.lines(), *outcome]) + "\n", encoding="utf-8")
        path = folder / "report.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:  # BOM: Excel then reads UTF-8 right
            writer = csv.writer(handle)
            writer.writerow(["file", "row", "column", "value", "reason"])
            for p in self.problems:
                writer.writerow([p.file, p.row, p.column, p.value, p.reason])
        return path
