"""Bus queries (lookups.transit) on the sample Da Nang feed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from lookups import transit
from lookups.clock import VIETNAM
from lookups.datasets import bus

BUS_DIR = Path(__file__).resolve().parents[1] / "data" / "bus"
VN = VIETNAM
WEDNESDAY_7AM = datetime(2026, 11, 4, 7, 0, tzinfo=VN)
SUNDAY_7AM = datetime(2026, 11, 8, 7, 0, tzinfo=VN)


@pytest.fixture(scope="module")
def data() -> bus.BusData:
    return bus.load(BUS_DIR)


def sid(data: bus.BusData, name: str) -> str:
    (stop_id,) = [s.id for s in data.stops.values() if s.name == name]
    return stop_id


def ids(data: bus.BusData, *names: str) -> set[str]:
    return {sid(data, n) for n in names}


def short(departures: list[transit.Departure]) -> list[tuple[str, str, str]]:
    return [(d.route_short_name, d.headsign, d.time) for d in departures]


def test_stop_by_code(data: bus.BusData) -> None:
    stop = transit.stop_by_code(data, " hc 103")
    assert stop is not None and stop.name == "Chợ Hàn"
    assert transit.stop_by_code(data, "ZZ999") is None


def test_routes_at_stop(data: bus.BusData) -> None:
    names = [r.short_name for r in transit.routes_at_stop(data, sid(data, "Chợ Hàn"))]
    assert names == ["01", "09", "11"]
    hub = [r.short_name for r in transit.routes_at_stop(data, sid(data, "Bến xe Trung tâm Đà Nẵng"))]
    assert hub == ["01", "02", "06", "07", "12"]
    assert transit.routes_at_stop(data, "nope") == []


def test_route_stops(data: bus.BusData) -> None:
    outward = transit.route_stops(data, "R01", 0)
    back = transit.route_stops(data, "R01", 1)
    assert outward[0].name == "Kim Liên" and outward[-1].name == "Chợ Hàn"
    assert back[0].name == "Chợ Hàn" and back[-1].name == "Kim Liên"
    assert any(s.name.startswith("Đối diện") for s in back)
    assert transit.route_stops(data, "R99") == []


def test_stops_near(data: bus.BusData) -> None:
    near = transit.stops_near(data, 16.0561, 108.2011, limit=3)
    assert len(near) == 3
    assert near[0][0].name == "Sân bay Đà Nẵng" and near[0][1] < 20
    assert [m for _, m in near] == sorted(m for _, m in near)
    assert len(transit.stops_near(data, 16.0544, 108.2022, limit=10)) == 10


def test_direct_route(data: bus.BusData) -> None:
    (leg,) = transit.direct_routes(data, ids(data, "Kim Liên"), ids(data, "Chợ Hàn"))
    assert (leg.route.short_name, leg.headsign) == ("01", "Chợ Hàn")
    assert (leg.board.name, leg.alight.name) == ("Kim Liên", "Chợ Hàn")
    assert leg.stops == 21
    # the way back takes the other direction
    (back,) = transit.direct_routes(data, ids(data, "Chợ Hàn"), ids(data, "Kim Liên"))
    assert back.headsign == "Kim Liên"
    (hoi_an,) = transit.direct_routes(data, ids(data, "Bến xe Trung tâm Đà Nẵng"), ids(data, "Phố cổ Hội An"))
    assert hoi_an.route.id == "R02"


def test_direct_routes_sorted_by_stops(data: bus.BusData) -> None:
    legs = transit.direct_routes(data, ids(data, "Chợ Cồn"), ids(data, "Cầu Rồng", "Chợ Hàn"))
    assert [leg.stops for leg in legs] == sorted(leg.stops for leg in legs)
    # 01 and 11 both run Chợ Cồn -> Chợ Hàn in 3 stops; 11 is kept once, at its nearest destination
    assert [(leg.route.short_name, leg.alight.name, leg.stops) for leg in legs] == [
        ("01", "Chợ Hàn", 3), ("11", "Chợ Hàn", 3)]


def test_transfer_only_pair(data: bus.BusData) -> None:
    origin, destination = ids(data, "Sân bay Đà Nẵng"), ids(data, "Phố cổ Hội An")
    assert transit.direct_routes(data, origin, destination) == []
    options = transit.one_transfer(data, origin, destination)
    pairs = {(o.first.route.short_name, o.second.route.short_name) for o in options}
    assert pairs == {("04", "02"), ("07", "02")}
    best = options[0]
    assert best.first.alight == best.second.board
    assert best.first.alight.name == "Ngã tư Nguyễn Văn Linh – Nguyễn Tri Phương"
    assert best.walk_m == 0 and best.total_stops == 26


def test_transfer_with_a_short_walk(data: bus.BusData) -> None:
    origin, destination = ids(data, "Kim Liên"), ids(data, "Bãi biển Mỹ Khê")
    assert transit.direct_routes(data, origin, destination) == []
    (option,) = transit.one_transfer(data, origin, destination)
    assert (option.first.route.short_name, option.second.route.short_name) == ("01", "05")
    assert (option.first.alight.name, option.second.board.name) == ("Chợ Hàn", "Chợ Hàn (Bạch Đằng)")
    assert 100 < option.walk_m <= bus.WALK_METRES


def test_transfer_distinct_pairs_and_limit(data: bus.BusData) -> None:
    origin, destination = ids(data, "Sân bay Đà Nẵng"), ids(data, "Chợ Hàn")
    options = transit.one_transfer(data, origin, destination, limit=10)
    pairs = [(o.first.route.id, o.second.route.id) for o in options]
    assert len(pairs) == len(set(pairs)) >= 3
    assert all(a != b for a, b in pairs)
    assert [o.total_stops for o in options[:2]] == [7, 7]  # airport -> Cầu Rồng on 04, then 09 or 11
    assert len(transit.one_transfer(data, origin, destination, limit=1)) == 1
    # Bách khoa -> Tiên Sa: ride 01 or 12 back to Kim Liên, then 03
    tien_sa = transit.one_transfer(data, ids(data, "Đại học Bách khoa"), ids(data, "Cảng Tiên Sa"))
    assert tien_sa and all(o.second.route.short_name == "03" for o in tien_sa)
    assert tien_sa[0].first.alight.name == "Kim Liên"


def test_no_connection_with_one_transfer(data: bus.BusData) -> None:
    origin, destination = ids(data, "Ga cáp treo Bà Nà"), ids(data, "Cảng Tiên Sa")
    assert transit.direct_routes(data, origin, destination) == []
    assert transit.one_transfer(data, origin, destination) == []


def test_next_departures_weekday_vs_sunday(data: bus.BusData) -> None:
    cho_han = sid(data, "Chợ Hàn")
    weekday = transit.next_departures(data, cho_han, WEDNESDAY_7AM)
    assert short(weekday) == [("01", "Kim Liên", "07:00"), ("09", "Ngã ba Hòa Cầm", "07:00"),
                              ("11", "Đại học Kinh tế", "07:04"), ("11", "Biển Thanh Bình", "07:07"),
                              ("01", "Kim Liên", "07:15")]
    assert [d.minutes for d in weekday] == [0, 0, 4, 7, 15]
    sunday = transit.next_departures(data, cho_han, SUNDAY_7AM, limit=3)
    assert short(sunday) == [("09", "Ngã ba Hòa Cầm", "07:00"), ("01", "Kim Liên", "07:10"),
                             ("11", "Đại học Kinh tế", "07:14")]
    # Quốc khánh (a Wednesday) runs the weekend timetable
    holiday = transit.next_departures(data, cho_han, datetime(2026, 9, 2, 7, 0, tzinfo=VN), limit=3)
    assert short(holiday) == short(sunday)


def test_next_departures_converts_to_vietnam_time(data: bus.BusData) -> None:
    cho_han = sid(data, "Chợ Hàn")
    in_utc = transit.next_departures(data, cho_han, datetime(2026, 11, 4, 0, 0, tzinfo=UTC))
    assert short(in_utc) == short(transit.next_departures(data, cho_han, WEDNESDAY_7AM))
    assert in_utc[0].when.utcoffset() is not None and in_utc[0].when.hour == 7
    with pytest.raises(ValueError):
        transit.next_departures(data, cho_han, datetime(2026, 11, 4, 7, 0))


def test_late_evening_rolls_to_next_morning(data: bus.BusData) -> None:
    evening = datetime(2026, 11, 4, 22, 50, tzinfo=VN)
    late = transit.next_departures(data, sid(data, "Chợ Hàn"), evening, limit=2)
    assert short(late) == [("01", "Kim Liên", "05:30"), ("09", "Ngã ba Hòa Cầm", "05:30")]
    assert all(d.next_day for d in late)
    assert late[0].minutes == 6 * 60 + 40


def test_after_midnight_trip_of_previous_service_day(data: bus.BusData) -> None:
    my_khe = sid(data, "Bãi biển Mỹ Khê")
    evening = transit.next_departures(data, my_khe, datetime(2026, 11, 4, 22, 50, tzinfo=VN), limit=3)
    assert [(d.route_short_name, d.time, d.next_day) for d in evening] == [
        ("04", "23:24", False), ("04", "00:09", True), ("04", "05:36", True)]
    night = transit.next_departures(data, my_khe, datetime(2026, 11, 5, 0, 2, tzinfo=VN), limit=2)
    assert [(d.route_short_name, d.headsign, d.time, d.minutes, d.next_day) for d in night] == [
        ("04", "Công viên Biển Đông", "00:09", 7, False), ("04", "Sân bay Đà Nẵng", "05:36", 334, False)]


def test_next_departures_unknown_stop_and_terminus(data: bus.BusData) -> None:
    assert transit.next_departures(data, "nope", WEDNESDAY_7AM) == []
    bana = transit.next_departures(data, sid(data, "Ga cáp treo Bà Nà"), WEDNESDAY_7AM)
    assert bana and {d.headsign for d in bana} == {"Bến xe Trung tâm Đà Nẵng"}
