"""Shared pieces of every dataset: metadata, the data directory, and what the matcher indexes."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any, TypeVar

T = TypeVar("T")


class DataError(Exception):
    """A data file is missing or malformed; the message names the file and the problem."""


@dataclass(frozen=True)
class DatasetMeta:
    id: str
    title: str
    source: str
    licence: str
    as_of: date
    sample: bool
    note: str
    version: str  # content hash of the files, so caches can key on it

    @classmethod
    def load(cls, folder: Path, files: list[Path]) -> DatasetMeta:
        path = folder / "metadata.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                id=str(raw["id"]),
                title=str(raw["title"]),
                source=str(raw["source"]),
                licence=str(raw["licence"]),
                as_of=date.fromisoformat(str(raw["as_of"])),
                sample=bool(raw.get("sample", False)),
                note=str(raw.get("note", "")),
                version=content_hash([path, *files]),
            )
        except (OSError, ValueError, KeyError) as exc:
            raise DataError(f"{path}: {exc}") from exc


@dataclass(frozen=True)
class Entry:
    """What the matcher sees of one record: names (name + aliases) and location phrases."""

    id: str
    names: tuple[str, ...]
    locations: tuple[str, ...] = ()


def content_hash(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.name.encode())
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()[:12]


BUNDLED_PACKAGE = "tongdai_data"  # the repository's data/, installed under this name (setup.py, pyproject.toml)


@functools.cache
def bundled_data_dir() -> Path:
    """The sample pack: where the ``tongdai_data`` package was installed (a wheel, or an editable install, which
    maps it to data/), else data/ beside the packages (a checkout run without installing). Found through the import
    system, not ``importlib.resources``, whose namespace-package support in Python 3.11 breaks on editable installs."""
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    for location in (spec.submodule_search_locations or []) if spec else []:
        if Path(location).is_dir():
            return Path(location).resolve()
    return Path(__file__).resolve().parents[2] / "data"


def parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# Data files are read in large blocks: a build reads each source file once, start to end.
READ_BUFFER = 1 << 20


def open_text(path: Path, encoding: str = "utf-8") -> IO[str]:
    """A data file opened for reading in large blocks (see READ_BUFFER); ``newline=""`` suits csv too."""
    handle = path.open(encoding=encoding, newline="", buffering=READ_BUFFER)
    handle._CHUNK_SIZE = READ_BUFFER  # type: ignore[attr-defined]  # TextIOWrapper's read size (CPython io)
    return handle


def read_records(path: Path, parse: Callable[[dict[str, Any]], T]) -> tuple[T, ...]:
    """Every record of a JSON-lines file through ``parse``; one it refuses (KeyError, ValueError, TypeError) is a
    DataError naming the file and the record's number."""
    records: list[T] = []
    for number, raw in enumerate(read_jsonl(path), 1):
        try:
            records.append(parse(raw))
        except (KeyError, ValueError, TypeError) as exc:
            raise DataError(f"{path}: record {number}: {exc!r}") from exc
    return tuple(records)


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Records one at a time: a registry of a million lines never sits in memory as dicts."""
    number = 0
    try:
        with open_text(path) as handle:
            for line in handle:
                number += 1
                if line.strip():
                    yield json.loads(line)
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: line {number}: {exc}") from exc
