"""Immutable dataset versions under the data directory, and the pointer file that names the current one.

Layout, per dataset (the dataset folder itself, ``<data dir>/<dataset>/``, is version ``base``)::

    versions/<dataset>/CURRENT          the current version id; absent means ``base``
    versions/<dataset>/<id>/            metadata.json + data files in the base folder's layout (what the loader
                                        reads, and what the id hashes), version.json, report.csv, report.txt
                                        MANIFEST.json (every file's size and SHA-256, for ``data pull``)
    versions/<dataset>/history.jsonl    one line per switch: import, rollback or pull, from, to, when
    versions/<dataset>/refused/<time>/  the reports of imports that switched nothing

A version id is the content hash the loader computes (``DatasetMeta.version``), so the same files imported
twice are one version, and result caches keyed on ``DatasetMeta.version`` change exactly when data does.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lookups.datasets import bus, table
from lookups.datasets.base import DataError, content_hash
from lookups.datasets.declared import parse

BASE = "base"
POINTER = "CURRENT"
DATA_FILES = {"food_safety": ("records.jsonl",), "clinics": ("records.jsonl",), "land_price": ("segments.csv",)}


def root(data_dir: Path, dataset: str) -> Path:
    return data_dir / "versions" / dataset


def folder_of(data_dir: Path, dataset: str, version: str) -> Path:
    return data_dir / dataset if version == BASE else root(data_dir, dataset) / version


def read_pointer(data_dir: Path, dataset: str) -> str:
    """The current version id; cheap (one small read), so a running service may call it every few seconds."""
    try:
        return (root(data_dir, dataset) / POINTER).read_text(encoding="utf-8").strip() or BASE
    except FileNotFoundError:
        return BASE


def is_table(folder: Path) -> bool:
    """A declared table's folder (its as-of date is in datapackage.json), not a plugin's (metadata.json)."""
    return not (folder / "metadata.json").is_file()


def data_files(dataset: str, folder: Path) -> list[Path]:
    """The files the dataset's loader reads and hashes, besides metadata.json."""
    if dataset == "bus":
        return [folder / "gtfs" / n for n in (*bus.REQUIRED, *bus.OPTIONAL) if (folder / "gtfs" / n).is_file()]
    return [folder / n for n in DATA_FILES[dataset]]


def version_id(dataset: str, folder: Path) -> str:
    if is_table(folder):
        return content_hash(table.data_files(folder, dataset))
    return content_hash([folder / "metadata.json", *data_files(dataset, folder)])


def count_records(dataset: str, folder: Path) -> int:
    """Records as ``tongdai data list`` counts them (stops for buses), without building anything."""
    if is_table(folder):
        return table.count(folder, dataset)
    path = folder / ("gtfs/stops.txt" if dataset == "bus" else DATA_FILES[dataset][0])
    if not path.is_file():
        return 0
    with path.open("rb") as handle:
        lines = sum(1 for line in handle if line.strip())
    return lines if path.suffix == ".jsonl" else max(lines - 1, 0)


def info(data_dir: Path, dataset: str, version: str) -> dict[str, Any]:
    """What version.json says (for ``base``: what its metadata says, counted now)."""
    folder = folder_of(data_dir, dataset, version)
    if version != BASE:
        raw = json.loads((folder / "version.json").read_text(encoding="utf-8"))
        assert isinstance(raw, dict)
        return raw
    if is_table(folder):
        declared = parse(folder, dataset)
        meta = {"as_of": declared.as_of.isoformat() if declared.as_of else "", "source": declared.source}
    else:
        meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    return {"version": BASE, "seq": 0, "as_of": meta.get("as_of", ""), "source": meta.get("source", ""),
            "records": count_records(dataset, folder), "imported_at": "", "file": str(folder)}


def list_versions(data_dir: Path, dataset: str) -> list[dict[str, Any]]:
    """Every version, oldest first: ``base``, then imports in the order they were first stored."""
    found = [info(data_dir, dataset, BASE)]
    top = root(data_dir, dataset)
    if top.is_dir():
        found += sorted((info(data_dir, dataset, p.name) for p in top.iterdir()  # not a pull's .staging folder
                         if not p.name.startswith(".") and (p / "version.json").is_file()),
                        key=lambda v: int(v.get("seq", 0)))
    return found


def resolve(data_dir: Path, dataset: str, given: str) -> str:
    """A full version id from ``base``, an id, or an unambiguous id prefix."""
    ids = [v["version"] for v in list_versions(data_dir, dataset)]
    hits = [i for i in ids if i == given] or [i for i in ids if i.startswith(given)]
    if len(hits) != 1:
        raise DataError(f"{dataset}: {'no' if not hits else 'more than one'} version matches {given!r}; "
                        f"see tongdai data history {dataset}")
    return str(hits[0])


def previous(data_dir: Path, dataset: str) -> str | None:
    """The version stored just before the current one (rollback's default target), None for ``base``."""
    return stored_before([v["version"] for v in list_versions(data_dir, dataset)], read_pointer(data_dir, dataset))


def stored_before(ids: list[str], current: str) -> str | None:
    """The id before ``current`` in ``ids`` (oldest first, as ``list_versions``), None for the first."""
    at = ids.index(current) if current in ids else 0
    return str(ids[at - 1]) if at > 0 else None


def store(data_dir: Path, dataset: str, staged: Path, details: dict[str, Any]) -> tuple[str, bool]:
    """Move a fully written staging folder into place as a version; (id, True if it is new)."""
    vid = version_id(dataset, staged)
    target = root(data_dir, dataset) / vid
    if target.is_dir():
        shutil.rmtree(staged)
        return vid, False
    (staged / "version.json").write_text(json.dumps(
        {"version": vid, "dataset": dataset, "seq": next_seq(data_dir, dataset), **details}, ensure_ascii=False,
        indent=1), encoding="utf-8")
    place(staged, target)
    return vid, True


def next_seq(data_dir: Path, dataset: str) -> int:
    """The ``seq`` of the next version stored here: 1 + the highest stored (not the count: a prune leaves gaps)."""
    top = root(data_dir, dataset)
    stored = [p / "version.json" for p in top.iterdir() if not p.name.startswith(".") and
              (p / "version.json").is_file()] if top.is_dir() else []
    return 1 + max((int(json.loads(p.read_text(encoding="utf-8")).get("seq", 0)) for p in stored), default=0)


def place(staged: Path, target: Path) -> None:
    """Rename a fully written folder into place as a version (atomic: a reader never sees half a version) and
    make its files read-only: a version is never edited, only replaced by another."""
    os.replace(staged, target)
    for path in target.rglob("*"):
        if path.is_file():
            path.chmod(0o444)


def switch(data_dir: Path, dataset: str, version: str, action: str, **detail: str) -> str:
    """Point the dataset at ``version`` (temp file + ``os.replace``: readers see old or new, never half);
    log the switch (with ``detail``, e.g. where a pull came from); return the version it replaced."""
    top = root(data_dir, dataset)
    top.mkdir(parents=True, exist_ok=True)
    before = read_pointer(data_dir, dataset)
    temp = top / f".{POINTER}.{os.getpid()}"
    with temp.open("w", encoding="utf-8") as handle:
        handle.write(version + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, top / POINTER)
    entry = {"at": now_text(), "action": action, "from": before, "to": version, **detail}
    with (top / "history.jsonl").open("a", encoding="utf-8") as log_file:
        log_file.write(json.dumps(entry) + "\n")
    return before


def history(data_dir: Path, dataset: str) -> list[dict[str, Any]]:
    path = root(data_dir, dataset) / "history.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def staging(data_dir: Path, dataset: str) -> Path:
    """A new empty folder on the same file system as the versions, so ``store`` can rename it."""
    top = root(data_dir, dataset)
    top.mkdir(parents=True, exist_ok=True)
    folder = top / f".staging-{os.getpid()}-{datetime.now(UTC):%Y%m%dT%H%M%S%f}"
    folder.mkdir()
    return folder


@contextmanager
def locked(data_dir: Path, dataset: str) -> Iterator[None]:
    """One import, rollback or pull per dataset at a time (two would race on the pointer and the sequence)."""
    top = root(data_dir, dataset)
    top.mkdir(parents=True, exist_ok=True)
    with (top / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
