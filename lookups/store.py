"""The catalog: every dataset of one data directory, in its current version, each with its search indexes.

Datasets and indexes are built lazily on first use, so ``tongdai data list`` does not pay for an index it
never queries. Each dataset lives in a ``Snapshot`` (one version's data plus the indexes built from it),
and an import or rollback moves the dataset's pointer file (``lookups.importing.versions``). At most every
``TONGDAI_RELOAD_SECONDS`` (default 2; 0 turns checking off) an access reads the pointers; a moved one
starts a background thread that builds the new snapshot completely, indexes included, and then replaces
the old one with a single reference assignment. Lookups meanwhile answer from the old snapshot: never
from a half-built index, and never waiting for the build. The old snapshot is then freed a slice at a time
(``lookups.teardown``), once no request pins it any more.

A handler reads a dataset and its index in separate attribute accesses; ``with catalog.pinned():`` around
one request makes every access in it see the same snapshot even if a swap lands in between.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from lookups.aliases import OldNames, load_old_names
from lookups.datasets import bus, clinics, food_safety, land_price
from lookups.datasets.base import DataError, DatasetMeta, bundled_data_dir
from lookups.datasets.declared import Declaration, declarations
from lookups.datasets.kinds import Kind, kind
from lookups.importing import versions
from lookups.index import Index
from lookups.pacing import building, serving
from lookups.snapshot import RELOAD_SECONDS, Snapshot
from lookups.teardown import retire

log = logging.getLogger(__name__)


class Catalog:
    def __init__(self, data_dir: Path | None = None, *, reload_every: float = RELOAD_SECONDS) -> None:
        self.data_dir = data_dir or bundled_data_dir()
        self.reload_every = reload_every
        self._snapshots: dict[str, Snapshot] = {}
        self._lock = threading.Lock()  # first loads
        self._check_lock = threading.Lock()
        self._next_check = time.monotonic() + self.reload_every
        self._building: set[str] = set()
        self._building_lock = threading.Lock()
        self._failed: dict[str, str] = {}  # dataset -> version whose build failed; not retried until it changes
        self._pins = threading.local()
        self._old_names: OldNames | None = None
        self._declared: tuple[Declaration, ...] | None = None

    # -- the registry: every dataset the data directory declares ---------------------------------------
    @property
    def declarations(self) -> tuple[Declaration, ...]:
        """The datasets of the data directory (read once; a new folder needs a restart), in menu order."""
        if self._declared is None:
            self._declared = declarations(self.data_dir)
        return self._declared

    def declaration(self, dataset: str) -> Declaration:
        found = next((d for d in self.declarations if d.id == dataset), None)
        if found is None:
            known = ", ".join(d.id for d in self.declarations)
            raise DataError(f"no dataset {dataset!r} in {self.data_dir} (known: {known})")
        return found

    def kind(self, dataset: str) -> Kind:
        return kind(self.declaration(dataset).plugin)

    def data(self, dataset: str) -> Any:
        """The current version's data of ``dataset`` (each kind's own type; every one has ``.meta``)."""
        return self._snapshot(dataset).data

    def meta(self, dataset: str) -> DatasetMeta:
        return cast(DatasetMeta, self._snapshot(dataset).data.meta)

    def index(self, dataset: str, name: str = "") -> Index:
        """An index of ``dataset``: ``name``, or its main one (the one keyword-less text is searched in)."""
        return self._snapshot(dataset).index(name or self.kind(dataset).main, self.old_names)

    # -- the plugins' own shortcuts ----------------------------------------------------------------------
    @property
    def food(self) -> food_safety.FoodSafetyData:
        return cast(food_safety.FoodSafetyData, self.data("food_safety"))

    @property
    def food_index(self) -> Index:
        return self.index("food_safety", "food")

    @property
    def land(self) -> land_price.LandPriceData:
        return cast(land_price.LandPriceData, self.data("land_price"))

    @property
    def land_index(self) -> Index:
        return self.index("land_price", "land")

    @property
    def clinics(self) -> clinics.ClinicData:
        return cast(clinics.ClinicData, self.data("clinics"))

    @property
    def clinic_index(self) -> Index:
        return self.index("clinics", "clinics")

    @property
    def bus(self) -> bus.BusData:
        return cast(bus.BusData, self.data("bus"))

    @property
    def route_index(self) -> Index:
        return self.index("bus", "routes")

    @property
    def stop_index(self) -> Index:
        return self.index("bus", "stops")

    def metas(self) -> list[tuple[DatasetMeta, int]]:
        """Every dataset's metadata with its record count, for ``tongdai data list``."""
        with self.pinned():
            return [(self.meta(d.id), kind(d.plugin).size(self.data(d.id))) for d in self.declarations]

    def versions(self) -> dict[str, str]:
        """Dataset -> version id (``base`` or an import) of the snapshot answering now, for loaded datasets."""
        return {name: snap.version for name, snap in self._snapshots.items()}

    def warm(self) -> None:
        """Build every index now (the web service does this before it reports ready)."""
        for decl in self.declarations:
            for name in kind(decl.plugin).indexes:
                log.debug("index %s of %s ready: %d entries", name, decl.id, len(self.index(decl.id, name)))

    @contextmanager
    def pinned(self) -> Iterator[None]:
        """Within the block this thread sees one snapshot per dataset (the first it touches), whatever swaps,
        and a background build gives way to it (``lookups.pacing``)."""
        if getattr(self._pins, "map", None) is not None:  # nested: the outer block decides
            yield
            return
        self._pins.map = {}
        try:
            with serving():
                yield
        finally:
            self._pins.map = None

    def refresh(self, wait: bool = True) -> list[str]:
        """Check the pointers now; rebuild and swap the datasets that moved (here if ``wait``, else in a
        background thread). Returns the datasets whose pointer moved."""
        moved = [name for name, snap in list(self._snapshots.items())
                 if versions.read_pointer(self.data_dir, name) != snap.version]
        for name in moved:
            if wait:
                self._rebuild(name)
            else:
                self._start_rebuild(name)
        return moved

    # -- internals ---------------------------------------------------------------------------------------
    @property
    def old_names(self) -> OldNames:
        if self._old_names is None:
            self._old_names = load_old_names(self.data_dir)
        return self._old_names

    def _snapshot(self, name: str) -> Snapshot:
        pins: dict[str, Snapshot] | None = getattr(self._pins, "map", None)
        if pins is not None and name in pins:
            return pins[name]
        snap = self._snapshots.get(name)
        if snap is None:
            with self._lock:
                snap = self._snapshots.get(name) or self._first_load(name)
        elif self.reload_every > 0 and time.monotonic() >= self._next_check:
            self._check()
        if pins is not None:
            pins[name] = snap
        return snap

    def _first_load(self, name: str) -> Snapshot:
        version = versions.read_pointer(self.data_dir, name)
        snap = self._snapshots[name] = self._build(name, version, ())
        return snap

    def _build(self, name: str, version: str, indexes: tuple[str, ...]) -> Snapshot:
        started = time.perf_counter()
        with building():
            found = self.kind(name)
            snap = Snapshot(version, found.load(versions.folder_of(self.data_dir, name, version), name),
                            found.indexes)
            for index in indexes:  # the indexes the old snapshot had, so the swap makes no one wait for one
                snap.index(index, self.old_names)
        log.info("loaded dataset %s version %s from %s in %.2f s", name, version, self.data_dir,
                 time.perf_counter() - started)
        return snap

    def _check(self) -> None:
        if not self._check_lock.acquire(blocking=False):
            return  # another thread is checking right now
        try:
            self._next_check = time.monotonic() + self.reload_every
            for name, snap in list(self._snapshots.items()):
                pointer = versions.read_pointer(self.data_dir, name)
                if pointer != snap.version and self._failed.get(name) != pointer:
                    self._start_rebuild(name)
        finally:
            self._check_lock.release()

    def _start_rebuild(self, name: str) -> None:
        with self._building_lock:
            if name in self._building:
                return
            self._building.add(name)
        threading.Thread(target=self._rebuild, args=(name,), name=f"reload-{name}", daemon=True).start()

    def _rebuild(self, name: str) -> None:
        pointer = versions.read_pointer(self.data_dir, name)
        try:
            old = self._snapshots.get(name)
            built: tuple[str, ...] = ()
            if old is not None:
                with old.lock:
                    built = tuple(old.indexes)
            del old  # the retiring thread must hold the last reference of this process
            snap = self._build(name, pointer, built)
            retired: list[object] = [self._snapshots[name]] if name in self._snapshots else []
            self._snapshots[name] = snap  # the swap: one reference, fully built
            if retired:
                retire(retired, name)  # freeing the old version in one go would stall every lookup
            self._failed.pop(name, None)
            log.info("dataset %s now answers from version %s (as of %s)", name, pointer, snap.data.meta.as_of)
        except Exception:
            self._failed[name] = pointer
            log.exception("could not load %s version %s; still answering from the previous one", name, pointer)
        finally:
            with self._building_lock:
                self._building.discard(name)

