"""One dataset version as a running service sees it: its data and its search indexes, opened from the version's
built folder (``lookups.built``), so opening one is a few file maps, not a build."""

from __future__ import annotations

import logging
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

from lookups.built import index_files
from lookups.built.build import ensure, read_meta
from lookups.built.place import Places
from lookups.datasets.kinds import Kind
from lookups.importing import versions
from lookups.index import Index

log = logging.getLogger(__name__)


RELOAD_SECONDS = 2.0  # how often a running service looks at the pointer files (app.config passes the setting)


@dataclass(frozen=True)
class Snapshot:
    """One version of one dataset and its indexes; nothing in it ever changes. Its maps close when the last
    reference goes (the catalog's, or that of a request still pinning it)."""

    version: str  # the pointer value: "base" or a version id
    data: Any
    indexes: dict[str, Index]

    def index(self, name: str) -> Index:
        return self.indexes[name]

    @classmethod
    def open(cls, places: Places, dataset: str, version: str, kind: Kind) -> Snapshot:
        """The version's built files, opened; built first (once, under a lock) if no process has built them."""
        started = time.perf_counter()
        built = ensure(places, dataset, version, kind)
        source = versions.folder_of(places.data_dir, dataset, version)
        data = kind.load(source, dataset) if kind.open is None else kind.open(read_meta(built), source, built, dataset)
        snap = cls(version, data, {name: index_files.open_index(built / name) for name in kind.indexes})
        log.info("opened dataset %s version %s from %s in %.2f s", dataset, version, built,
                 time.perf_counter() - started)
        return snap


RETIRE_POLL = 0.05  # seconds between looks at whether a replaced snapshot is still held
RETIRE_GIVE_UP = 600.0  # a holder that never lets go (a bug) keeps it; the thread does not wait for ever


def retire(old: Snapshot) -> None:
    """Let a replaced snapshot go in a thread of its own, once no request holds it. Unmapping the pages that
    its requests read costs the thread that drops the last reference 1-2 ms (0.2 ms unused, 1.9 ms after 500
    lookups at 100,000 records): a request that noticed the switch, or was the last to pin the old version,
    should not wait for it. Its references are counted (CPython's ``sys.getrefcount``): once only this thread's
    remain, the snapshot goes here."""
    threading.Thread(target=_release_when_unused, args=([old],), name=f"retire-{old.version}", daemon=True).start()


def _release_when_unused(box: list[Snapshot]) -> None:
    snap = box.pop()  # the thread's arguments hold the list, not the snapshot
    deadline = time.monotonic() + RETIRE_GIVE_UP
    while sys.getrefcount(snap) > 2 and time.monotonic() < deadline:  # this frame's and getrefcount's own
        time.sleep(RETIRE_POLL)
    del snap
