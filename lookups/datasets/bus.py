"""Bus network from a GTFS feed in ``data/bus/gtfs/`` (routes, stops, trips, stop_times, calendar, fares).

``stops.txt`` carries ``stop_code`` (what riders text), ``stop_desc`` (the street) and an optional
non-standard ``ward`` column. Times may pass 24:00:00 (after-midnight trips of the previous day)."""

from __future__ import annotations

import csv
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple, TypeVar

from lookups.datasets.base import DataError, DatasetMeta, Entry, open_text

REQUIRED = ("routes.txt", "stops.txt", "trips.txt", "stop_times.txt")
OPTIONAL = ("agency.txt", "calendar.txt", "calendar_dates.txt", "fare_attributes.txt", "fare_rules.txt")
WALK_METRES = 300.0  # stops this close count as one transfer point
_TIME = re.compile(r"(\d{1,3}):([0-5]\d):([0-5]\d)")
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
T = TypeVar("T")


@dataclass(frozen=True)
class Route:
    id: str
    short_name: str
    long_name: str
    fare_vnd: int  # 0 when the feed has no fare for the route
    terminals: tuple[str, str]  # first and last stop names of the main direction-0 pattern
    first_departure: str  # "HH:MM", earliest trip start of any day
    last_departure: str  # "HH:MM", latest trip start of any day
    headway_min: int  # most common gap between trip starts, 0 if a single trip

    def entry(self) -> Entry:
        return Entry(self.id, (self.short_name, f"tuyến {self.short_name}", self.long_name), ())


@dataclass(frozen=True)
class Stop:
    id: str
    code: str
    name: str
    street: str
    lat: float
    lon: float
    ward: str  # "" when unknown

    def entry(self) -> Entry:
        return Entry(self.id, (self.name,), tuple(p for p in (self.street, self.ward) if p))


@dataclass(frozen=True)
class Pattern:
    route_id: str
    direction_id: int
    headsign: str
    stop_ids: tuple[str, ...]


class StopDeparture(NamedTuple):
    seconds: int  # since midnight of the service day; may be >= 86400
    route_id: str
    headsign: str
    service_id: str


@dataclass(frozen=True)
class Service:
    id: str
    weekdays: tuple[bool, ...]  # Monday first
    start: date
    end: date
    added: frozenset[date] = frozenset()
    removed: frozenset[date] = frozenset()

    def active_on(self, day: date) -> bool:
        if day in self.added or day in self.removed:
            return day in self.added
        return self.start <= day <= self.end and self.weekdays[day.weekday()]


@dataclass(frozen=True)
class BusData:
    meta: DatasetMeta
    routes: Mapping[str, Route]
    stops: Mapping[str, Stop]
    patterns: tuple[Pattern, ...]
    departures: Mapping[str, tuple[StopDeparture, ...]]  # stop_id -> sorted; no trip's last stop
    services: Mapping[str, Service]
    nearby: Mapping[str, tuple[tuple[str, float], ...]]  # stop_id -> other stops within WALK_METRES
    codes: Mapping[str, str]  # upper-case stop_code -> stop_id


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in metres."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371000.0 * math.asin(math.sqrt(h))


def parse_time(text: str) -> int:
    if not (match := _TIME.fullmatch(text.strip())):
        raise ValueError(f"bad time {text!r}")
    return int(match[1]) * 3600 + int(match[2]) * 60 + int(match[3])


def clock(seconds: int) -> str:
    """``HH:MM`` on a 24-hour clock (25:10:00 -> ``01:10``)."""
    return f"{seconds // 3600 % 24:02d}:{seconds // 60 % 60:02d}"


def _field(row: dict[str, str], key: str) -> str:
    return (row[key] or "").strip()


def _parse(path: Path, convert: Callable[[dict[str, str]], T]) -> list[T]:
    """Convert every row, or raise DataError naming the file and the 1-based data row."""
    if not path.is_file():
        return []
    number, out = 0, []
    try:
        with open_text(path, "utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                number += 1
                out.append(convert(row))
    except (OSError, UnicodeError, csv.Error, KeyError, ValueError) as exc:
        raise DataError(f"{path}: row {number}: {exc!r}") from exc
    return out


def _services(gtfs: Path) -> dict[str, Service]:
    def calendar(row: dict[str, str]) -> Service:
        flags = tuple(_field(row, day) == "1" for day in _DAYS)
        return Service(_field(row, "service_id"), flags, date.fromisoformat(_field(row, "start_date")),
                       date.fromisoformat(_field(row, "end_date")))

    def exception(row: dict[str, str]) -> tuple[str, date, bool]:
        added = {"1": True, "2": False}[_field(row, "exception_type")]
        return _field(row, "service_id"), date.fromisoformat(_field(row, "date")), added

    services = {s.id: s for s in _parse(gtfs / "calendar.txt", calendar)}
    changes: dict[tuple[str, bool], set[date]] = defaultdict(set)
    for sid, day, added in _parse(gtfs / "calendar_dates.txt", exception):
        changes[(sid, added)].add(day)
    for sid in {sid for sid, _ in changes}:
        base = services.get(sid, Service(sid, (False,) * 7, date.max, date.min))
        services[sid] = Service(sid, base.weekdays, base.start, base.end,
                                frozenset(changes[(sid, True)]), frozenset(changes[(sid, False)]))
    return services


def _fares(gtfs: Path) -> dict[str, int]:
    prices = dict(_parse(gtfs / "fare_attributes.txt",
                         lambda r: (_field(r, "fare_id"), int(float(_field(r, "price"))))))
    return dict(_parse(gtfs / "fare_rules.txt",
                       lambda r: (_field(r, "route_id"), prices[_field(r, "fare_id")])))


def _stop(row: dict[str, str]) -> Stop:
    lat, lon = float(_field(row, "stop_lat")), float(_field(row, "stop_lon"))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"bad coordinates {lat}, {lon}")
    return Stop(_field(row, "stop_id"), (row.get("stop_code") or "").strip(), _field(row, "stop_name"),
                (row.get("stop_desc") or "").strip(), lat, lon, (row.get("ward") or "").strip())


def _nearby(stops: list[Stop]) -> dict[str, tuple[tuple[str, float], ...]]:
    found: dict[str, list[tuple[str, float]]] = defaultdict(list)
    ordered = sorted(stops, key=lambda s: s.lat)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if (b.lat - a.lat) * 111000 > WALK_METRES:
                break
            metres = distance_m(a.lat, a.lon, b.lat, b.lon)
            if metres <= WALK_METRES:
                found[a.id].append((b.id, metres))
                found[b.id].append((a.id, metres))
    return {k: tuple(sorted(v, key=lambda p: p[1])) for k, v in found.items()}


def load(folder: Path) -> BusData:
    gtfs = folder / "gtfs"
    if missing := [name for name in REQUIRED if not (gtfs / name).is_file()]:
        raise DataError(f"{gtfs / missing[0]}: missing")
    files = [gtfs / n for n in (*REQUIRED, *OPTIONAL) if (gtfs / n).is_file()]
    meta = DatasetMeta.load(folder, files)
    services = _services(gtfs)
    fares = _fares(gtfs)
    stops = {s.id: s for s in _parse(gtfs / "stops.txt", _stop)}
    raw_routes = {r[0]: r for r in _parse(gtfs / "routes.txt", lambda r: (
        _field(r, "route_id"), _field(r, "route_short_name"), _field(r, "route_long_name")))}

    def trip(row: dict[str, str]) -> tuple[str, str, str, str, int]:
        route_id, service_id = _field(row, "route_id"), _field(row, "service_id")
        if route_id not in raw_routes or service_id not in services:
            raise ValueError(f"unknown route_id {route_id!r} or service_id {service_id!r}")
        headsign, direction = (row.get("trip_headsign") or "").strip(), int(row.get("direction_id") or 0)
        return _field(row, "trip_id"), route_id, service_id, headsign, direction

    trips = {t[0]: t for t in _parse(gtfs / "trips.txt", trip)}

    def stop_time(row: dict[str, str]) -> tuple[str, int, str, int | None]:
        trip_id, stop_id = _field(row, "trip_id"), _field(row, "stop_id")
        if trip_id not in trips or stop_id not in stops:
            key = "trip_id" if trip_id not in trips else "stop_id"
            raise ValueError(f"unknown {key} {row[key].strip()!r}")
        text = (row.get("departure_time") or "").strip() or (row.get("arrival_time") or "").strip()
        return trip_id, int(_field(row, "stop_sequence")), stop_id, parse_time(text) if text else None

    calls: dict[str, list[tuple[int, str, int | None]]] = defaultdict(list)
    for trip_id, seq, stop_id, secs in _parse(gtfs / "stop_times.txt", stop_time):
        calls[trip_id].append((seq, stop_id, secs))

    pattern_trips: Counter[Pattern] = Counter()
    departures: dict[str, list[StopDeparture]] = defaultdict(list)
    starts: dict[str, dict[tuple[str, int], list[int]]] = defaultdict(lambda: defaultdict(list))
    for trip_id, visits in calls.items():
        visits.sort()
        _, route_id, service_id, headsign, direction = trips[trip_id]
        headsign = headsign or stops[visits[-1][1]].name
        pattern_trips[Pattern(route_id, direction, headsign, tuple(v[1] for v in visits))] += 1
        if timed := [secs for _, _, secs in visits if secs is not None]:
            starts[route_id][(service_id, direction)].append(timed[0])
        for _, stop_id, secs in visits[:-1]:
            if secs is not None:
                departures[stop_id].append(StopDeparture(secs, route_id, headsign, service_id))

    routes: dict[str, Route] = {}
    for route_id, short, long in raw_routes.values():
        mine = [p for p, _ in pattern_trips.most_common() if p.route_id == route_id]
        if not mine:
            continue  # a route without trips is not worth offering
        main = min(mine, key=lambda p: p.direction_id)
        groups = [sorted(v) for v in starts[route_id].values()]
        firsts = sorted(s for group in groups for s in group)
        gaps = Counter((b - a) // 60 for group in groups for a, b in pairwise(group) if b > a)
        headway = max(gaps.items(), key=lambda kv: (kv[1], -kv[0]))[0] if gaps else 0
        routes[route_id] = Route(route_id, short, long, fares.get(route_id, 0),
                                 (stops[main.stop_ids[0]].name, stops[main.stop_ids[-1]].name),
                                 clock(firsts[0]) if firsts else "", clock(firsts[-1]) if firsts else "",
                                 headway)
    return BusData(meta, routes, stops, tuple(pattern_trips),
                   {k: tuple(sorted(v)) for k, v in departures.items()}, services,
                   _nearby(list(stops.values())), {s.code.upper(): s.id for s in stops.values() if s.code})
