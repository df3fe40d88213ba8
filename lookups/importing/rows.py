"""One source row seen through the mapping: typed getters that record a problem instead of raising.

Converters (``records``) ask for fields by our names; a problem names the source column the value came
from, so the report speaks the file's language (``Ngày hết hạn``), not ours (``certificate.expires_on``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, TypeVar

from lookups.importing import values as v
from lookups.importing.mapping import Mapping
from lookups.importing.report import Problem
from lookups.text import fold

T = TypeVar("T")
UNSET: Any = object()  # "read the field's own cell", as opposed to a value (maybe None) from a list item


class Fields:
    def __init__(self, number: int, cells: dict[str, tuple[str, Any]], mapping: Mapping) -> None:
        self.number = number
        self.cells = cells  # field -> (source column, raw value)
        self.mapping = mapping
        self.problems: list[Problem] = []
        self._bad: set[str] = set()

    @property
    def ok(self) -> bool:
        return not self.problems

    def column(self, name: str) -> str:
        return self.cells[name][0] if name in self.cells else name

    def raw(self, name: str) -> Any:
        value = self.cells[name][1] if name in self.cells else None
        if v.blank(value):
            value = self.mapping.defaults.get(name)
        return self.mapping.value(name, value)

    def problem(self, name: str, reason: str, value: Any = UNSET) -> None:
        shown = v.text(self.raw(name) if value is UNSET else value)
        self.problems.append(Problem(self.number, self.column(name), reason, shown))
        self._bad.add(name)

    def bad(self, name: str) -> bool:
        return name in self._bad

    def _parsed(self, name: str, parse: Callable[[Any], T], raw: Any = UNSET) -> T | None:
        value = self.raw(name) if raw is UNSET else raw
        if v.blank(value):
            return None
        try:
            return parse(value)
        except ValueError as exc:
            self.problem(name, str(exc), value)
            return None

    def text(self, name: str) -> str:
        return v.text(self.raw(name))

    def date(self, name: str, raw: Any = UNSET) -> date | None:
        return self._parsed(name, v.parse_date, raw)

    def amount(self, name: str, what: str = "price", raw: Any = UNSET) -> int | None:
        found = self._parsed(name, v.parse_amount, raw)
        if found is not None and found < 0:
            self.problem(name, f"negative {what}", raw)
            return None
        return found

    def given(self, name: str) -> bool:
        """Whether the file itself has a value for the field (defaults do not count)."""
        return name in self.cells and not v.blank(self.cells[name][1])

    def decimal(self, name: str, low: float, high: float) -> float | None:
        found = self._parsed(name, v.parse_float)
        if found is not None and not low <= found <= high:
            self.problem(name, f"out of range {low:g}..{high:g}")
            return None
        return found

    def flag(self, name: str) -> bool:
        return bool(self._parsed(name, v.parse_bool))

    def items(self, name: str, separators: str = ";|\n") -> list[str]:
        return v.parse_list(self.raw(name), separators)

    def choice(self, name: str, allowed: Sequence[str], default: str | None = None) -> str:
        """One of ``allowed`` (after the mapping's value table); ``default`` when blank, else a problem."""
        value = self.text(name)
        if not value and default is not None:
            return default
        value = next((a for a in allowed if fold(a) == fold(value)), value)  # "Restaurant", "street food"
        if value not in allowed:
            self.problem(name, f"unknown {name} {value!r} (expected {', '.join(allowed)})" if value
                         else f"missing {name}")
        return value

    def objects(self, name: str) -> list[dict[str, Any]]:
        """A list of objects: a JSON list, or a JSON array typed into one cell."""
        raw = self.raw(name)
        if isinstance(raw, str) and raw.strip().startswith("["):
            try:
                raw = json.loads(raw)
            except ValueError:
                self.problem(name, "not a JSON list")
                return []
        if v.blank(raw):
            return []
        if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
            self.problem(name, "expected a list of objects")
            return []
        return raw
