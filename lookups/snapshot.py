"""One dataset version in memory: its data and the search indexes built from it, and how each is built.

A build runs beside lookups in the same process, and two things made it stall them (measured with
benchmarks/import_speed.py on 100,000 records). First, the millions of long-lived objects it allocates set
off full garbage collections that walk the whole heap, old snapshot included, holding the GIL: lookups
stopped for up to 2.6 s. ``building`` turns automatic collection off during a build and then freezes what
exists (``gc.freeze``), so later collections never walk the datasets again; records and indexes hold no
reference cycles, so a replaced snapshot is still freed by reference counting. Second, a lookup releases
the GIL in every numpy call and then waits up to the switch interval (5 ms) to get it back from the busy
builder, dozens of times per lookup; ``building`` shortens the interval while a build runs.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lookups.aliases import OldNames
from lookups.datasets import bus, clinics, food_safety, land_price
from lookups.index import Index

log = logging.getLogger(__name__)
BUILD_SWITCH_INTERVAL = 0.0005  # seconds; CPython's default is 0.005
LOADERS: dict[str, Callable[[Path], Any]] = {
    "food_safety": food_safety.load, "bus": bus.load, "land_price": land_price.load, "clinics": clinics.load}


def _food(data: food_safety.FoodSafetyData, old: OldNames) -> Index:
    # A record's own district is more precise than the old districts of its ward, so only wards are added.
    return Index([old.extend(r.entry(), (r.ward,), districts=not r.district) for r in data.records])


def _clinics(data: clinics.ClinicData, old: OldNames) -> Index:
    return Index([old.extend(f.entry(), (f.ward,), districts=not f.district) for f in data.records])


def _land(data: land_price.LandPriceData, old: OldNames) -> Index:
    return Index([old.extend(s.entry(), s.wards, districts=True) for s in data.streets])


def _routes(data: bus.BusData, old: OldNames) -> Index:
    return Index([r.entry() for r in data.routes.values()])


def _stops(data: bus.BusData, old: OldNames) -> Index:
    return Index([old.extend(s.entry(), (s.ward,), districts=True) for s in data.stops.values()])


# index name -> (dataset, builder)
INDEXES: dict[str, tuple[str, Callable[[Any, OldNames], Index]]] = {
    "food": ("food_safety", _food), "clinics": ("clinics", _clinics), "land": ("land_price", _land),
    "routes": ("bus", _routes), "stops": ("bus", _stops)}


def reload_seconds() -> float:
    """``TONGDAI_RELOAD_SECONDS``: how often a running service looks at the pointer files (0: never)."""
    raw = os.environ.get("TONGDAI_RELOAD_SECONDS", "2")
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"TONGDAI_RELOAD_SECONDS must be a number of seconds, got {raw!r}") from None


class _Builds:
    """Counts the builds in progress: the process is back to normal (after a freeze) when the last one ends."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0
        self.gc_was_enabled = True
        self.interval = sys.getswitchinterval()

    @contextmanager
    def running(self) -> Iterator[None]:
        with self.lock:
            if self.count == 0:
                self.gc_was_enabled, self.interval = gc.isenabled(), sys.getswitchinterval()
                gc.disable()
                sys.setswitchinterval(min(self.interval, BUILD_SWITCH_INTERVAL))
            self.count += 1
        try:
            yield
        finally:
            with self.lock:
                self.count -= 1
                if self.count == 0:
                    gc.freeze()
                    sys.setswitchinterval(self.interval)
                    if self.gc_was_enabled:
                        gc.enable()


building = _Builds().running


@dataclass
class Snapshot:
    """One version of one dataset and the indexes built from it. The data never changes; an index is added
    when first needed (or before publishing, on a reload) and never replaced."""

    version: str  # the pointer value: "base" or a version id
    data: Any
    indexes: dict[str, Index] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def index(self, name: str, old: OldNames) -> Index:
        found = self.indexes.get(name)
        if found is None:
            with self.lock:
                found = self.indexes.get(name)
                if found is None:
                    with building():
                        found = self.indexes[name] = INDEXES[name][1](self.data, old)
        return found


