"""The catalog: every dataset of one data directory, loaded once, each with its search index.

Datasets and indexes are built lazily on first use, so ``tongdai data list`` does not pay for an
index it never queries, and a test that touches one dataset does not load the others.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from lookups.datasets import bus, clinics, food_safety, land_price
from lookups.datasets.base import DatasetMeta, default_data_dir
from lookups.index import Index

log = logging.getLogger(__name__)
T = TypeVar("T")


class Catalog:
    def __init__(self, data_dir: Path | None = None) -> None:
        self.data_dir = data_dir or default_data_dir()
        self._lock = threading.Lock()

    def _load(self, name: str, loader: Callable[[Path], T]) -> T:
        with self._lock:
            result = loader(self.data_dir / name)
        log.info("loaded dataset %s from %s", name, self.data_dir)
        return result

    @cached_property
    def food(self) -> food_safety.FoodSafetyData:
        return self._load("food_safety", food_safety.load)

    @cached_property
    def food_index(self) -> Index:
        return Index([r.entry() for r in self.food.records])

    @cached_property
    def land(self) -> land_price.LandPriceData:
        return self._load("land_price", land_price.load)

    @cached_property
    def land_index(self) -> Index:
        return Index([s.entry() for s in self.land.streets])

    @cached_property
    def clinics(self) -> clinics.ClinicData:
        return self._load("clinics", clinics.load)

    @cached_property
    def clinic_index(self) -> Index:
        return Index([f.entry() for f in self.clinics.records])

    @cached_property
    def bus(self) -> bus.BusData:
        return self._load("bus", bus.load)

    @cached_property
    def route_index(self) -> Index:
        return Index([r.entry() for r in self.bus.routes.values()])

    @cached_property
    def stop_index(self) -> Index:
        return Index([s.entry() for s in self.bus.stops.values()])

    def metas(self) -> list[tuple[DatasetMeta, int]]:
        """Every dataset's metadata with its record count, for ``tongdai data list``."""
        return [
            (self.food.meta, len(self.food.records)),
            (self.bus.meta, len(self.bus.stops)),
            (self.land.meta, len(self.land.segments)),
            (self.clinics.meta, len(self.clinics.records)),
        ]

    def warm(self) -> None:
        """Build every index now (the web service does this before it reports ready)."""
        for index in (self.food_index, self.land_index, self.clinic_index, self.route_index, self.stop_index):
            log.debug("index ready: %d entries", len(index))
