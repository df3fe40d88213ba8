"""Reading the settings from the environment: numbers parsed with a message naming the variable, secrets without
surrounding blanks, and a warning for a ``TONGDAI_*`` name no setting reads (a misspelt one is otherwise ignored)."""

from __future__ import annotations

import difflib
import logging
import os
from collections.abc import Mapping
from dataclasses import fields

from app.config.constants import NUMBERS, STRIPPED, ConfigError
from app.config.fields import Fields

log = logging.getLogger(__name__)


def read(env: Mapping[str, str] | None, overrides: Mapping[str, object]) -> dict[str, object]:
    """The values of the settings ``env`` (default: the environment) sets, ``overrides`` (by name) over them; numbers
    parsed, secrets stripped. Raises ``ConfigError`` naming a variable that cannot be read."""
    source = os.environ if env is None else env
    values: dict[str, object] = {}
    for f in fields(Fields):
        number = NUMBERS.get(str(f.type))
        if f.name in overrides and not (isinstance(overrides[f.name], str) and number):
            values[f.name] = overrides[f.name]
        elif f.name in overrides or f.name in source:  # text, as the environment gives it
            raw = str(overrides[f.name] if f.name in overrides else source[f.name])
            if number is None:
                values[f.name] = raw
                continue
            try:
                values[f.name] = number[0](raw.strip())
            except ValueError:
                raise ConfigError(f"{f.name} must be {number[1]}, got {raw!r}") from None
    for name in STRIPPED & values.keys():
        values[name] = str(values[name]).strip()
    warn_unknown(source)
    return values


PREFIX = "TONGDAI_"
NOT_SETTINGS = ("TONGDAI_TEST_",)  # the test suite's own switches (tests/redis_kit.py)
_warned: set[str] = set()  # once per process: create_app runs again in every test and every worker


def unknown_names(env: Mapping[str, str]) -> list[tuple[str, str | None]]:
    """``TONGDAI_*`` variables no setting reads, each with the known name it most resembles (or None)."""
    known = {f.name for f in fields(Fields) if f.name.startswith(PREFIX)}
    tails = {name[len(PREFIX):]: name for name in known}  # compared without the prefix every name shares

    def nearest(name: str) -> str | None:
        found = difflib.get_close_matches(name[len(PREFIX):], tails, n=1, cutoff=0.6)
        return tails[found[0]] if found else None

    return [(name, nearest(name)) for name in sorted(env)
            if name.startswith(PREFIX) and name not in known and not name.startswith(NOT_SETTINGS)]


def warn_unknown(env: Mapping[str, str]) -> None:
    """A misspelt setting is otherwise silently ignored: say so, naming the one it was probably meant to be."""
    for name, near in unknown_names(env):
        if name not in _warned:
            _warned.add(name)
            log.warning("%s is not a tongdai setting and is ignored%s", name,
                        f"; did you mean {near}?" if near else "")
