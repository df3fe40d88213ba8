"""Building a version's files once: into a temporary folder beside the target, renamed into place when complete.

An fcntl lock beside the target makes one process build while the others that need the same folder wait for it
and then open what it built. A builder that crashed leaves a temporary folder: the next builder, holding the
lock, removes it, and so does ``tongdai data prune`` (``leftovers``), with the locks of built folders it
removed. A serving worker builds only a version it is the first to see without files (the bundled pack on a
fresh machine, a version copied in by hand); ``tongdai data import`` and rollback build before they move the
pointer.
"""

from __future__ import annotations

import fcntl
import gc
import json
import logging
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import IO, Any

from lookups.aliases import load_old_names
from lookups.built import index_files
from lookups.built.place import Places
from lookups.datasets.base import DatasetMeta
from lookups.datasets.kinds import Kind
from lookups.importing import versions

log = logging.getLogger(__name__)
META = "meta.json"


def ensure(places: Places, dataset: str, version: str, kind: Kind) -> Path:
    """The built folder of ``dataset`` in ``version``, built first if it does not exist yet."""
    target = places.folder(dataset, version)
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target.parent / f".{target.name}.lock"):
        if target.is_dir():  # another process built it while this one waited
            return target
        for leftover in target.parent.glob(f".{target.name}.tmp-*"):
            log.warning("removing %s, left by a build that did not finish", leftover)
            shutil.rmtree(leftover, ignore_errors=True)
        temp = target.parent / f".{target.name}.tmp-{os.getpid()}"
        temp.mkdir()
        try:
            started = time.perf_counter()
            with _no_cycle_collection():
                _build(places, dataset, version, kind, temp)
            _sync(temp)
            os.rename(temp, target)
            log.info("built %s version %s into %s in %.1f s", dataset, version, target, time.perf_counter() - started)
        finally:
            shutil.rmtree(temp, ignore_errors=True)
    return target


def _build(places: Places, dataset: str, version: str, kind: Kind, into: Path) -> None:
    data = kind.load(versions.folder_of(places.data_dir, dataset, version), dataset)
    if kind.save is not None:
        kind.save(data, into)
    old = load_old_names(places.data_dir)
    for name, entries in kind.indexes.items():
        (into / name).mkdir()
        index_files.write(entries(data, old), into / name)
    write_meta(data.meta, into)


def _sync(folder: Path) -> None:
    """Every file of ``folder`` on disk before the rename publishes it: a power cut never leaves a built folder
    with a short file in it."""
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())


def write_meta(meta: DatasetMeta, folder: Path) -> None:
    raw: dict[str, Any] = {**asdict(meta), "as_of": meta.as_of.isoformat()}
    (folder / META).write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")


def read_meta(folder: Path) -> DatasetMeta:
    raw = json.loads((folder / META).read_text(encoding="utf-8"))
    return DatasetMeta(**{**raw, "as_of": date.fromisoformat(raw["as_of"])})


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cycle collector off while a build runs: a build makes millions of objects (a dict per record read, a
    record, an entry, a tuple of words) that live until it ends, and the collector walked all of them again and
    again as they accumulated, a third of the CPU time of a 100,000-record build. A build makes no cycles of its
    own; the collector runs again, as it did before, when the build ends. (Process-wide: another thread's cycles
    wait for the end of the build too.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    while True:
        with path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # released by the kernel too if this process dies
            try:
                if _still_named(handle, path):
                    yield
                    return
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        # a prune removed the lock file while this process waited for it: lock the one that names it now


def _still_named(handle: IO[str], path: Path) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
    except FileNotFoundError:
        return False


def leftovers(parent: Path, going: set[Path]) -> Iterator[Path]:
    """In a folder of built folders, what builds left that no build needs: the temporary folders of builds that
    did not finish, then the lock of each built folder that is gone (or in ``going``). Each is yielded while its
    build's lock is held, so the caller may remove it; a build that holds its lock now is skipped."""
    for lock in sorted(parent.glob(".*.lock")) if parent.is_dir() else []:
        target = parent / lock.name[1:-len(".lock")]
        with lock.open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a build runs: it removes what earlier builds left, and keeps its lock
            if _still_named(handle, lock):
                yield from sorted(parent.glob(f".{target.name}.tmp-*"))
                if target in going or not target.is_dir():
                    yield lock  # last, while still held: see ``_locked``
