"""One dataset version as a running service sees it: its data and its search indexes, opened from the version's
built folder (``lookups.built``), so opening one is a few file maps, not a build."""

from __future__ import annotations

import logging
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
