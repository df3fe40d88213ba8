"""The catalog: every dataset of one data directory, in its current version, each with its search indexes.

Each dataset lives in a ``Snapshot``: one version's record store and indexes, opened (mapped read-only) from
the files built once for that version (``lookups.built``), so a worker's start and a version switch only open
files, and every worker of a machine shares one copy of the data. An import or rollback builds the new
version's files and then moves the dataset's pointer file (``lookups.importing.versions``). At most every
``TONGDAI_RELOAD_SECONDS`` (default 2; 0 turns checking off) an access reads the pointers; a moved one is opened
by that access when its built files exist (maps only), else in a background thread (which builds its files
first if no process has, or reads a small dataset from its source), and then replaces the old one with a single
reference assignment. The old snapshot's maps close once the last request that pinned it is done, in a thread
of their own (``snapshot.retire``; reference counting: nothing else holds a snapshot).

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

from lookups.built.place import Places
from lookups.datasets import bus, clinics, food_safety, land_price
from lookups.datasets.base import DataError, DatasetMeta, bundled_data_dir
from lookups.datasets.declared import Declaration, declarations
from lookups.datasets.kinds import Kind, kind
from lookups.importing import versions
from lookups.index import Index
from lookups.snapshot import RELOAD_SECONDS, Snapshot, retire

log = logging.getLogger(__name__)


class Catalog:
    def __init__(self, data_dir: Path | None = None, *, reload_every: float = RELOAD_SECONDS,
                 state_dir: Path | None = None) -> None:
        """``state_dir``: where versions of a data directory that cannot be written to are built (the
        bundled pack's always are); scripts and tests may leave it to ``place.default_state_dir``."""
        self.data_dir = data_dir or bundled_data_dir()
        self.places = Places(self.data_dir, state_dir)
        self.reload_every = reload_every
        self._snapshots: dict[str, Snapshot] = {}
        self._lock = threading.Lock()  # first loads
        self._check_lock = threading.Lock()
        self._next_check = time.monotonic() + self.reload_every
        self._switching: set[str] = set()
        self._switching_lock = threading.Lock()
        self._failed: dict[str, str] = {}  # dataset -> version whose build failed; not retried until it changes
        self._pins = threading.local()
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
        return self._snapshot(dataset).index(name or self.kind(dataset).main)

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
        """Open every dataset now (the web service does this before it reports ready)."""
        for decl in self.declarations:
            self._snapshot(decl.id)

    @contextmanager
    def pinned(self) -> Iterator[None]:
        """Within the block this thread sees one snapshot per dataset (the first it touches), whatever swaps."""
        if getattr(self._pins, "map", None) is not None:  # nested: the outer block decides
            yield
            return
        self._pins.map = {}
        try:
            yield
        finally:
            self._pins.map = None  # the last reference to a replaced snapshot may go here, closing its maps

    def refresh(self, wait: bool = True) -> list[str]:
        """Check the pointers now; open and swap the datasets that moved (here if ``wait``, else in a
        background thread). Returns the datasets whose pointer moved."""
        moved = [name for name, snap in list(self._snapshots.items())
                 if versions.read_pointer(self.data_dir, name) != snap.version]
        for name in moved:
            if wait:
                self._switch(name)
            else:
                self._start_switch(name)
        return moved

    # -- internals ---------------------------------------------------------------------------------------
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
        snap = self._snapshots[name] = self._open(name, versions.read_pointer(self.data_dir, name))
        return snap

    def _open(self, name: str, version: str) -> Snapshot:
        return Snapshot.open(self.places, name, version, self.kind(name))

    def _check(self) -> None:
        if not self._check_lock.acquire(blocking=False):
            return  # another thread is checking right now
        try:
            self._next_check = time.monotonic() + self.reload_every
            for name, snap in list(self._snapshots.items()):
                pointer = versions.read_pointer(self.data_dir, name)
                if pointer != snap.version and self._failed.get(name) != pointer:
                    self._start_switch(name, here=self._opens_at_once(name, pointer))
        finally:
            self._check_lock.release()

    def _opens_at_once(self, name: str, version: str) -> bool:
        """Whether opening ``version`` only maps files that exist (about a millisecond of CPU at any size): then
        the request that noticed it opens it, between its own work. A thread opening it beside the requests would
        share the interpreter with them, and the releases and takes of the GIL around each file's system calls
        made the lookups that overlapped it wait a millisecond or two each; a build, or a small dataset read
        from its source, still happens in a thread."""
        try:
            return self.kind(name).open is not None and self.places.folder(name, version).is_dir()
        except Exception:  # noqa: BLE001  # a pointer to something unreadable: the thread's open says what, in the log
            return False

    def _start_switch(self, name: str, here: bool = False) -> None:
        with self._switching_lock:
            if name in self._switching:
                return
            self._switching.add(name)
        if here:
            self._switch(name)
        else:
            threading.Thread(target=self._switch, args=(name,), name=f"reload-{name}", daemon=True).start()

    def _switch(self, name: str) -> None:
        pointer = versions.read_pointer(self.data_dir, name)
        try:
            snap = self._open(name, pointer)
            old = self._snapshots.get(name)
            self._snapshots[name] = snap  # the swap: one reference; requests pinning the old one keep it
            if old is not None:
                retire(old)
                del old
            self._failed.pop(name, None)
            log.info("dataset %s now answers from version %s (as of %s)", name, pointer, snap.data.meta.as_of)
        except Exception:
            self._failed[name] = pointer
            log.exception("could not open %s version %s; still answering from the previous one", name, pointer)
        finally:
            with self._switching_lock:
                self._switching.discard(name)
