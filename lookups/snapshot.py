"""One dataset version in memory: its data and the search indexes built from it, and how each is built.

A build runs beside lookups in the same process; ``lookups.pacing`` says how it keeps out of their way.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from lookups.aliases import OldNames
from lookups.datasets import bus, clinics, food_safety, land_price
from lookups.datasets.base import Entry
from lookups.index import Index
from lookups.pacing import building, paced
from lookups.teardown import release

log = logging.getLogger(__name__)
T = TypeVar("T")
LOADERS: dict[str, Callable[[Path], Any]] = {
    "food_safety": food_safety.load, "bus": bus.load, "land_price": land_price.load, "clinics": clinics.load}


def _index(items: Iterable[T], entry: Callable[[T], Entry]) -> Index:
    """An index over the entries of ``items``; the entries are let go of a slice at a time afterwards."""
    pile = [[entry(item) for item in paced(items)]]  # the only reference: ``release`` can take it apart
    index = Index(pile[0])
    release(pile)  # 100,000 entries freed in one go held the GIL for 40 ms
    return index


def _food(data: food_safety.FoodSafetyData, old: OldNames) -> Index:
    # A record's own district is more precise than the old districts of its ward, so only wards are added.
    return _index(data.records, lambda r: old.extend(r.entry(), (r.ward,), districts=not r.district))


def _clinics(data: clinics.ClinicData, old: OldNames) -> Index:
    return _index(data.records, lambda f: old.extend(f.entry(), (f.ward,), districts=not f.district))


def _land(data: land_price.LandPriceData, old: OldNames) -> Index:
    return _index(data.streets, lambda s: old.extend(s.entry(), s.wards, districts=True))


def _routes(data: bus.BusData, old: OldNames) -> Index:
    return _index(data.routes.values(), lambda r: r.entry())


def _stops(data: bus.BusData, old: OldNames) -> Index:
    return _index(data.stops.values(), lambda s: old.extend(s.entry(), (s.ward,), districts=True))


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


