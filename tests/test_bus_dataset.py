"""The sample Da Nang GTFS feed and its loader (lookups.datasets.bus)."""

from __future__ import annotations

import csv
import importlib.util
import re
import shutil
import sys
from datetime import date
from pathlib import Path

import pytest

from lookups.datasets import bus
from lookups.datasets.base import DataError, Entry

BUS_DIR = Path(__file__).resolve().parents[1] / "data" / "bus"
GENERATOR = BUS_DIR.parent / "tools" / "make_bus_gtfs.py"


@pytest.fixture(scope="module")
def data() -> bus.BusData:
    return bus.load(BUS_DIR)


def by_name(data: bus.BusData, name: str) -> bus.Stop:
    (stop,) = [s for s in data.stops.values() if s.name == name]
    return stop


def test_meta_says_sample(data: bus.BusData) -> None:
    assert data.meta.id == "bus"
    assert data.meta.sample is True
    assert data.meta.as_of == date(2026, 11, 1)
    assert "CC0" in data.meta.licence
    assert len(data.meta.version) == 12


def test_counts(data: bus.BusData) -> None:
    assert len(data.routes) >= 10
    assert len(data.stops) >= 150
    # each route both directions
    for route_id in data.routes:
        assert {p.direction_id for p in data.patterns if p.route_id == route_id} == {0, 1}


def test_every_stop_has_a_unique_code_and_sits_in_da_nang(data: bus.BusData) -> None:
    codes = [s.code for s in data.stops.values()]
    assert all(re.fullmatch(r"[A-Z]{2}\d{3}", c) for c in codes)
    assert len(set(codes)) == len(codes)
    assert len({s.name for s in data.stops.values()}) == len(data.stops)
    for stop in data.stops.values():
        assert 15.85 < stop.lat < 16.15 and 107.95 < stop.lon < 108.35, stop
        assert stop.street
    served = {sid for p in data.patterns for sid in p.stop_ids}
    assert served == set(data.stops)
    assert data.codes["HC103"] == by_name(data, "Chợ Hàn").id


def test_transfer_hubs_are_shared(data: bus.BusData) -> None:
    for name in ("Chợ Hàn", "Bến xe Trung tâm Đà Nẵng", "Cầu Rồng", "Chợ Cồn"):
        stop_id = by_name(data, name).id
        assert len({p.route_id for p in data.patterns if stop_id in p.stop_ids}) >= 2, name


def test_routes(data: bus.BusData) -> None:
    r01 = data.routes["R01"]
    assert r01.short_name == "01"
    assert r01.terminals == ("Kim Liên", "Chợ Hàn")
    assert (r01.fare_vnd, r01.first_departure, r01.last_departure) == (7000, "05:30", "21:30")
    assert r01.headway_min == 15
    assert data.routes["R04"].last_departure == "23:45"
    for route in data.routes.values():
        assert 5000 <= route.fare_vnd <= 20000
        assert route.first_departure == "05:30"
        assert "21:00" <= route.last_departure <= "23:59"
        assert route.headway_min in (15, 20, 30)


def test_entries(data: bus.BusData) -> None:
    assert data.routes["R05"].entry() == Entry("R05", ("05", "tuyến 05", data.routes["R05"].long_name), ())
    stop = by_name(data, "Chợ Cồn")
    entry = stop.entry()
    assert entry.id == stop.id and entry.names == ("Chợ Cồn",)
    assert entry.locations[0] == "Hùng Vương"
    assert any(s.name.startswith("Đối diện ") for s in data.stops.values())


def test_departures_index(data: bus.BusData) -> None:
    for entries in data.departures.values():
        assert list(entries) == sorted(entries)
    late = [e for entries in data.departures.values() for e in entries if e.seconds >= 86400]
    assert late and {e.route_id for e in late} == {"R04"}
    # a terminus is never a departure towards itself
    bana = by_name(data, "Ga cáp treo Bà Nà").id
    assert {e.headsign for e in data.departures[bana]} == {"Bến xe Trung tâm Đà Nẵng"}


def test_services_and_holidays(data: bus.BusData) -> None:
    wd, we = data.services["WD"], data.services["WE"]
    assert wd.active_on(date(2026, 11, 4)) and not we.active_on(date(2026, 11, 4))  # Wednesday
    assert we.active_on(date(2026, 11, 8)) and not wd.active_on(date(2026, 11, 8))  # Sunday
    assert we.active_on(date(2026, 9, 2)) and not wd.active_on(date(2026, 9, 2))  # Quốc khánh
    assert not wd.active_on(date(2028, 1, 5))  # after the feed ends


def test_time_parsing() -> None:
    assert bus.parse_time("5:30:00") == 5 * 3600 + 30 * 60
    assert bus.parse_time("24:09:00") == 86400 + 540
    assert bus.clock(86400 + 540) == "00:09"
    for bad in ("", "7h30", "07:60:00", "07:30"):
        with pytest.raises(ValueError):
            bus.parse_time(bad)


def _broken_copy(tmp_path: Path, filename: str, row: int, column: str, value: str) -> Path:
    folder = tmp_path / "bus"
    shutil.copytree(BUS_DIR, folder)
    path = folder / "gtfs" / filename
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[row - 1][column] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return folder


def test_unknown_stop_in_stop_times_names_file_and_row(tmp_path: Path) -> None:
    folder = _broken_copy(tmp_path, "stop_times.txt", 7, "stop_id", "S9999")
    with pytest.raises(DataError, match=r"stop_times\.txt: row 7: .*unknown stop_id 'S9999'"):
        bus.load(folder)


def test_bad_time_names_file_and_row(tmp_path: Path) -> None:
    folder = _broken_copy(tmp_path, "stop_times.txt", 3, "departure_time", "7h30")
    with pytest.raises(DataError, match=r"stop_times\.txt: row 3: .*bad time '7h30'"):
        bus.load(folder)


def test_bad_coordinates_and_missing_file(tmp_path: Path) -> None:
    folder = _broken_copy(tmp_path, "stops.txt", 2, "stop_lat", "north")
    with pytest.raises(DataError, match=r"stops\.txt: row 2"):
        bus.load(folder)
    (folder / "gtfs" / "trips.txt").unlink()
    with pytest.raises(DataError, match=r"trips\.txt: missing"):
        bus.load(folder)


def _without_ward(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    if path.name == "stops.txt":  # wards depend on the gazetteer present at generation time
        column = rows[0].index("ward")
        rows = [r[:column] + r[column + 1:] for r in rows]
    return rows


def test_generator_reproduces_the_committed_feed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("make_bus_gtfs", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "make_bus_gtfs", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    module.main(tmp_path)
    produced = sorted(p.name for p in (tmp_path / "bus" / "gtfs").iterdir())
    assert produced == sorted(p.name for p in (BUS_DIR / "gtfs").iterdir())
    for name in produced:
        assert _without_ward(tmp_path / "bus" / "gtfs" / name) == _without_ward(BUS_DIR / "gtfs" / name), name
    assert (tmp_path / "bus" / "metadata.json").read_bytes() == (BUS_DIR / "metadata.json").read_bytes()
