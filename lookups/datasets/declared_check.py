"""Typed reads of a declaration's JSON that fail with the file, the key and what is wrong."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from lookups.datasets.base import DataError
from lookups.text import fold

KEYWORD = re.compile(r"^[a-z][a-z0-9]{1,19}$")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


class Checker:
    """Reads keys under ``prefix`` (``tongdai.reply``) of the file ``path``."""

    def __init__(self, path: Path, prefix: str) -> None:
        self.path = path
        self.prefix = prefix

    def inside(self, key: str) -> Checker:
        return Checker(self.path, f"{self.prefix}.{key}" if self.prefix else key)

    def fail(self, key: str, problem: str) -> NoReturn:
        where = ".".join(p for p in (self.prefix, key) if p) or "(top level)"
        raise DataError(f"{self.path}: {where}: {problem}")

    def _get(self, raw: dict[str, Any], key: str, required: bool) -> Any:
        if not isinstance(raw, dict):
            self.fail("", "must be a JSON object")
        if key not in raw or raw[key] in (None, ""):
            if required:
                self.fail(key, "is required")
            return None
        return raw[key]

    def obj(self, raw: dict[str, Any], key: str, *, required: bool = False) -> dict[str, Any]:
        value = self._get(raw, key, required)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(key, f"must be an object, got {type(value).__name__}")
        return value

    def objects(self, raw: dict[str, Any], key: str, *, required: bool = False) -> list[dict[str, Any]]:
        value = self._get(raw, key, required)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(key, "must be a list of objects")
        return value

    def text(self, raw: dict[str, Any], key: str, *, required: bool = False) -> str:
        value = self._get(raw, key, required)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.fail(key, f"must be text, got {type(value).__name__}")
        return value.strip()

    def strings(self, raw: dict[str, Any], key: str) -> tuple[str, ...]:
        value = self._get(raw, key, False)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
            self.fail(key, "must be a list of text values")
        return tuple(str(v) for v in value)

    def name(self, raw: dict[str, Any], key: str) -> str:
        value = self.text(raw, key, required=True)
        if not NAME.match(value):
            self.fail(key, f"{value!r} is not a field name (letters, digits, _ and ., starting with a letter)")
        return value

    def choice(self, raw: dict[str, Any], key: str, allowed: Iterable[str], default: str) -> str:
        value = self.text(raw, key) or default
        if value not in allowed:
            self.fail(key, f"unknown value {value!r} (expected one of {', '.join(allowed)})")
        return value

    def number(self, raw: dict[str, Any], key: str) -> float | None:
        value = self._get(raw, key, False)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(key, f"must be a number, got {value!r}")
        return float(value)

    def flag(self, raw: dict[str, Any], key: str, *, default: bool) -> bool:
        value = self._get(raw, key, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(key, f"must be true or false, got {value!r}")
        return value

    def keyword(self, raw: dict[str, Any], key: str, *, required: bool = False) -> str:
        return self._keyword(key, self.text(raw, key, required=required))

    def _keyword(self, key: str, value: str) -> str:
        word = fold(value)
        if not value.isalnum() or not KEYWORD.match(word):
            self.fail(key, f"{value!r} is not a keyword: one word of 2 to 20 letters and digits, starting with a "
                           "letter")
        return word

    def keyword_list(self, raw: dict[str, Any], key: str) -> list[str]:
        return [self._keyword(key, v) for v in self.strings(raw, key)]

    def field(self, raw: dict[str, Any], key: str, names: set[str] | None, *, required: bool = False) -> str:
        value = self.text(raw, key, required=required)
        if value and names is not None and value not in names:
            self.fail(key, f"names {value!r}, which is not a field of the schema ({', '.join(sorted(names))})")
        return value

    def day(self, raw: dict[str, Any], key: str, *, required: bool = False) -> date | None:
        value = self.text(raw, key, required=required)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(key, f"must be a date as YYYY-MM-DD, got {value!r}")

    def unique(self, items: list[str], key: str, what: str) -> None:
        seen: set[str] = set()
        for item in items:
            if item in seen:
                self.fail(key, f"{what} {item!r} appears twice")
            seen.add(item)
