"""How each kind of dataset is loaded, indexed, counted and exported: the four plugins that a declaration may
name (``tongdai.plugin``), and ``table``, the generic kind every other declared dataset is.

A plugin keeps its special data model (food-safety certificates, GTFS buses, land-price segments, clinics);
the rest of the service reaches all kinds through this one table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

from lookups.aliases import OldNames
from lookups.datasets import bus, clinics, food_safety, land_price, table
from lookups.datasets.base import Entry
from lookups.index import Index
from lookups.pacing import paced
from lookups.teardown import release

T = TypeVar("T")
IndexBuilder = Callable[[Any, OldNames], Index]


@dataclass(frozen=True)
class Kind:
    load: Callable[[Path, str], Any]  # (version folder, dataset id) -> the data, with ``.meta``
    indexes: dict[str, IndexBuilder]  # name -> builder; the first is the main index (guessing, known words)
    size: Callable[[Any], int]  # records as ``tongdai data list`` counts them
    export: Callable[[Any], Iterator[dict[str, Any]]]
    meta_file: str  # the file holding as_of/source/sample of a version

    @property
    def main(self) -> str:
        return next(iter(self.indexes))


def build_index(items: Iterable[T], entry: Callable[[T], Entry]) -> Index:
    """An index over the entries of ``items``; the entries are let go of a slice at a time afterwards."""
    pile = [[entry(item) for item in paced(items)]]  # the only reference: ``release`` can take it apart
    index = Index(pile[0])
    release(pile)  # 100,000 entries freed in one go held the GIL for 40 ms
    return index


def _food(data: food_safety.FoodSafetyData, old: OldNames) -> Index:
    # A record's own district is more precise than the old districts of its ward, so only wards are added.
    return build_index(data.records, lambda r: old.extend(r.entry(), (r.ward,), districts=not r.district))


def _clinics(data: clinics.ClinicData, old: OldNames) -> Index:
    return build_index(data.records, lambda f: old.extend(f.entry(), (f.ward,), districts=not f.district))


def _land(data: land_price.LandPriceData, old: OldNames) -> Index:
    return build_index(data.streets, lambda s: old.extend(s.entry(), s.wards, districts=True))


def _routes(data: bus.BusData, old: OldNames) -> Index:
    return build_index(data.routes.values(), lambda r: r.entry())


def _stops(data: bus.BusData, old: OldNames) -> Index:
    return build_index(data.stops.values(), lambda s: old.extend(s.entry(), (s.ward,), districts=True))


def _table(data: table.TableData, old: OldNames) -> Index:
    ward, district = data.decl.where("ward"), data.decl.where("district")

    def entry(record: table.Record) -> Entry:
        wards = (table.text(record.get(ward)),) if ward else ()
        return old.extend(data.entry(record), wards, districts=not (district and record.get(district)))

    return build_index(data.records, entry)


def _export_food(data: food_safety.FoodSafetyData) -> Iterator[dict[str, Any]]:
    for est in data.records:
        yield {**asdict(est), "address": est.address}


def _export_clinics(data: clinics.ClinicData) -> Iterator[dict[str, Any]]:
    for fac in data.records:
        yield {**asdict(fac), "address": fac.address}


def _export_land(data: land_price.LandPriceData) -> Iterator[dict[str, Any]]:
    for seg in data.segments:
        yield {"name": seg.street, "address": f"{seg.street} ({seg.from_point} - {seg.to_point})", **asdict(seg)}


def _export_bus(data: bus.BusData) -> Iterator[dict[str, Any]]:
    # A summary: buses are imported from GTFS, not from this.
    for route in data.routes.values():
        yield {"kind": "route", "name": route.short_name, **asdict(route)}
    for stop in data.stops.values():
        yield {"kind": "stop", "address": stop.street, **asdict(stop)}


KINDS: dict[str, Kind] = {
    "food_safety": Kind(lambda f, _: food_safety.load(f), {"food": _food}, lambda d: len(d.records), _export_food,
                        "metadata.json"),
    "clinics": Kind(lambda f, _: clinics.load(f), {"clinics": _clinics}, lambda d: len(d.records), _export_clinics,
                    "metadata.json"),
    "land_price": Kind(lambda f, _: land_price.load(f), {"land": _land}, lambda d: len(d.segments), _export_land,
                       "metadata.json"),
    "bus": Kind(lambda f, _: bus.load(f), {"stops": _stops, "routes": _routes}, lambda d: len(d.stops), _export_bus,
                "metadata.json"),
    "": Kind(table.load, {"main": _table}, lambda d: len(d.records), table.export, "datapackage.json"),
}


def kind(plugin: str) -> Kind:
    return KINDS[plugin]
