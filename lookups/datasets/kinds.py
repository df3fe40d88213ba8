"""How each kind of dataset is loaded, indexed, counted and exported: the four plugins that a declaration may
name (``tongdai.plugin``), and ``table``, the generic kind every other declared dataset is.

A plugin keeps its special data model (food-safety certificates, GTFS buses, land-price segments, clinics);
the rest of the service reaches all kinds through this one table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

from lookups.aliases import OldNames
from lookups.built import records
from lookups.datasets import bus, clinics, food_safety, land_price, table
from lookups.datasets.base import DatasetMeta, Entry
from lookups.datasets.declared import parse

T = TypeVar("T")
Entries = Callable[[Any, OldNames], list[Entry]]  # what an index is built from: one entry per record, in order


@dataclass(frozen=True)
class Kind:
    load: Callable[[Path, str], Any]  # (version folder, dataset id) -> the data, with ``.meta``, read from source
    indexes: dict[str, Entries]  # name -> its entries; the first is the main index (guessing, known words)
    size: Callable[[Any], int]  # records as ``tongdai data list`` counts them
    export: Callable[[Any], Iterator[dict[str, Any]]]
    meta_file: str  # the file holding as_of/source/sample of a version
    # The big kinds keep their records in the built folder's record store: ``save`` writes it from the loaded
    # data, ``open`` (meta, version folder, built folder, dataset id) maps it. The small ones (a few hundred
    # rows) are loaded from source whenever a version is opened.
    save: Callable[[Any, Path], None] | None = None
    open: Callable[[DatasetMeta, Path, Path, str], Any] | None = None

    @property
    def main(self) -> str:
        return next(iter(self.indexes))


def entries_of(items: Iterable[T], entry: Callable[[T], Entry]) -> list[Entry]:
    return [entry(item) for item in items]


def _food(data: food_safety.FoodSafetyData, old: OldNames) -> list[Entry]:
    # A record's own district is more precise than the old districts of its ward, so only wards are added.
    return entries_of(data.records, lambda r: old.extend(r.entry(), (r.ward,), districts=not r.district))


def _clinics(data: clinics.ClinicData, old: OldNames) -> list[Entry]:
    return entries_of(data.records, lambda f: old.extend(f.entry(), (f.ward,), districts=not f.district))


def _land(data: land_price.LandPriceData, old: OldNames) -> list[Entry]:
    return entries_of(data.streets, lambda s: old.extend(s.entry(), s.wards, districts=True))


def _routes(data: bus.BusData, old: OldNames) -> list[Entry]:
    return entries_of(data.routes.values(), lambda r: r.entry())


def _stops(data: bus.BusData, old: OldNames) -> list[Entry]:
    return entries_of(data.stops.values(), lambda s: old.extend(s.entry(), (s.ward,), districts=True))


def _table(data: table.TableData, old: OldNames) -> list[Entry]:
    ward, district = data.decl.where("ward"), data.decl.where("district")

    def entry(record: table.Record) -> Entry:
        wards = (table.text(record.get(ward)),) if ward else ()
        return old.extend(data.entry(record), wards, districts=not (district and record.get(district)))

    return entries_of(data.records, entry)


def _save(rows: Callable[[Any], Iterable[Sequence[Any]]]) -> Callable[[Any, Path], None]:
    def save(data: Any, folder: Path) -> None:
        records.write(rows(data), folder, records.NAME)

    return save


def _open_food(meta: DatasetMeta, _: Path, built: Path, __: str) -> food_safety.FoodSafetyData:
    return food_safety.FoodSafetyData(meta, records.open_records(built, food_safety.from_row))


def _open_clinics(meta: DatasetMeta, _: Path, built: Path, __: str) -> clinics.ClinicData:
    return clinics.ClinicData(meta, records.open_records(built, clinics.from_row))


def _open_table(meta: DatasetMeta, source: Path, built: Path, dataset: str) -> table.TableData:
    decl = parse(source, dataset)
    return table.TableData(meta, decl, records.open_records(built, table.decoder(decl)))


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
                        "metadata.json", _save(lambda d: map(food_safety.to_row, d.records)), _open_food),
    "clinics": Kind(lambda f, _: clinics.load(f), {"clinics": _clinics}, lambda d: len(d.records), _export_clinics,
                    "metadata.json", _save(lambda d: map(clinics.to_row, d.records)), _open_clinics),
    "land_price": Kind(lambda f, _: land_price.load(f), {"land": _land}, lambda d: len(d.segments), _export_land,
                       "metadata.json"),
    "bus": Kind(lambda f, _: bus.load(f), {"stops": _stops, "routes": _routes}, lambda d: len(d.stops), _export_bus,
                "metadata.json"),
    "": Kind(table.load, {"main": _table}, lambda d: len(d.records), table.export, "datapackage.json",
             _save(lambda d: (table.to_row(d.decl, r) for r in d.records)), _open_table),
}


def kind(plugin: str) -> Kind:
    return KINDS[plugin]
