"""Bus queries over :class:`~lookups.datasets.bus.BusData`: plain functions, no I/O, no clock.

Trip planning counts stops, not minutes: a direct trip is one pattern visiting a from-stop before a
to-stop; a one-transfer trip is two legs on different routes, changing at the same stop or at stops
at most ``WALK_METRES`` apart. ``next_departures`` takes ``now`` from the caller.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime, timedelta

from lookups.clock import VIETNAM
from lookups.datasets.bus import BusData, Pattern, Route, Stop, StopDeparture, distance_m

DAY = 86400
WALK_STOP_METRES = 100.0  # when ranking transfers, walking this far weighs like riding one more stop


@dataclass(frozen=True)
class Leg:
    route: Route
    headsign: str  # where the bus is going (direction)
    board: Stop
    alight: Stop
    stops: int  # stops travelled: 1 means the next stop


@dataclass(frozen=True)
class Transfer:
    first: Leg
    second: Leg
    walk_m: int  # metres from first.alight to second.board; 0 when they are the same stop

    @property
    def total_stops(self) -> int:
        return self.first.stops + self.second.stops


@dataclass(frozen=True)
class Departure:
    route_short_name: str
    headsign: str
    time: str  # "HH:MM" local clock time
    route_id: str
    when: datetime  # aware, Asia/Ho_Chi_Minh
    minutes: int  # whole minutes from ``now``
    next_day: bool  # departs on a later local calendar date than ``now``


def _route_order(route: Route) -> tuple[str, str]:
    return route.short_name.zfill(8), route.id


def stop_by_code(data: BusData, code: str) -> Stop | None:
    """The stop riders text as ``MT <mã trạm>`` (case and spaces ignored)."""
    stop_id = data.codes.get("".join(code.split()).upper())
    return data.stops[stop_id] if stop_id else None


def routes_at_stop(data: BusData, stop_id: str) -> list[Route]:
    ids = {p.route_id for p in data.patterns if stop_id in p.stop_ids}
    return sorted((data.routes[r] for r in ids if r in data.routes), key=_route_order)


def route_stops(data: BusData, route_id: str, direction_id: int = 0) -> list[Stop]:
    """Stops of the route's longest pattern in that direction (empty if none)."""
    mine = [p for p in data.patterns if p.route_id == route_id and p.direction_id == direction_id]
    return [data.stops[s] for s in max(mine, key=lambda p: len(p.stop_ids)).stop_ids] if mine else []


def stops_near(data: BusData, lat: float, lon: float, limit: int = 3) -> list[tuple[Stop, float]]:
    """Closest stops with their straight-line distance in metres, nearest first."""
    ranked = sorted(((s, distance_m(lat, lon, s.lat, s.lon)) for s in data.stops.values()),
                    key=lambda pair: (pair[1], pair[0].id))
    return ranked[:limit]


def _leg(data: BusData, pattern: Pattern, board: int, alight: int) -> Leg:
    return Leg(data.routes[pattern.route_id], pattern.headsign, data.stops[pattern.stop_ids[board]],
               data.stops[pattern.stop_ids[alight]], alight - board)


def _better(best: dict[tuple[str, ...], Leg], key: tuple[str, ...], leg: Leg) -> None:
    if key not in best or leg.stops < best[key].stops:
        best[key] = leg


def direct_routes(data: BusData, from_stop_ids: AbstractSet[str], to_stop_ids: AbstractSet[str]) -> list[Leg]:
    """One leg per route and direction that goes from a from-stop to a later to-stop; fewest stops first."""
    best: dict[tuple[str, ...], Leg] = {}
    for pattern in data.patterns:
        if pattern.route_id not in data.routes:
            continue
        last_from: int | None = None
        for k, sid in enumerate(pattern.stop_ids):
            if sid in to_stop_ids and last_from is not None:
                key = (pattern.route_id, str(pattern.direction_id))
                _better(best, key, _leg(data, pattern, last_from, k))
            if sid in from_stop_ids:
                last_from = k
    return sorted(best.values(), key=lambda leg: (leg.stops, _route_order(leg.route)))


def one_transfer(data: BusData, from_stop_ids: AbstractSet[str], to_stop_ids: AbstractSet[str],
                 limit: int = 3) -> list[Transfer]:
    """Best two-route trips, one per (first route, second route) pair, fewest total stops first.

    Meant for when :func:`direct_routes` finds nothing: a leg whose own pattern already links origin
    and destination is never used. Walking between stops up to ``bus.WALK_METRES`` apart is allowed
    and ranked as one extra stop per ``WALK_STOP_METRES``.
    """
    firsts: dict[tuple[str, ...], Leg] = {}  # (route, transfer stop) -> shortest leg from an origin
    seconds: dict[tuple[str, ...], Leg] = {}  # (route, boarding stop) -> shortest leg to a destination
    for pattern in data.patterns:
        if pattern.route_id not in data.routes:
            continue
        stops, last_from, next_to = pattern.stop_ids, None, None
        # A leg is useless for a transfer when its own pattern already links origin and destination.
        last_to = max((k for k, sid in enumerate(stops) if sid in to_stop_ids), default=-1)
        first_from = min((k for k, sid in enumerate(stops) if sid in from_stop_ids), default=len(stops))
        for k, sid in enumerate(stops):
            if last_from is not None and last_from > last_to and sid not in from_stop_ids:
                _better(firsts, (pattern.route_id, sid), _leg(data, pattern, last_from, k))
            if sid in from_stop_ids:
                last_from = k
        for k in range(len(stops) - 1, -1, -1):
            if next_to is not None and next_to < first_from and stops[k] not in to_stop_ids:
                _better(seconds, (pattern.route_id, stops[k]), _leg(data, pattern, k, next_to))
            if stops[k] in to_stop_ids:
                next_to = k
    by_board: dict[str, list[Leg]] = {}
    for (_, board), leg in seconds.items():
        by_board.setdefault(board, []).append(leg)
    best: dict[tuple[str, str], Transfer] = {}
    for (route_a, stop_t), first in firsts.items():
        for stop_u, metres in ((stop_t, 0.0), *data.nearby.get(stop_t, ())):
            for second in by_board.get(stop_u, ()):
                if second.route.id == route_a or stop_u in from_stop_ids:
                    continue
                option = Transfer(first, second, round(metres))
                key = (route_a, second.route.id)
                if key not in best or _cost(option) < _cost(best[key]):
                    best[key] = option
    return sorted(best.values(), key=_cost)[:limit]


def _cost(option: Transfer) -> tuple[float, int, tuple[str, str], tuple[str, str]]:
    """Stops ridden, plus one stop per ``WALK_STOP_METRES`` walked; ties by route number."""
    return (option.total_stops + option.walk_m / WALK_STOP_METRES, option.walk_m,
            _route_order(option.first.route), _route_order(option.second.route))


def next_departures(data: BusData, stop_id: str, now: datetime, limit: int = 5) -> list[Departure]:
    """Next departures from a stop within 24 hours of ``now`` (an aware datetime), soonest first.

    Services are chosen per service day from calendar.txt / calendar_dates.txt; trips of yesterday's
    service that run past midnight (GTFS 24:xx:xx) are included, and late at night the first trips of
    the next morning follow with ``next_day=True``. A trip's final stop is not a departure.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    local = now.astimezone(VIETNAM)
    midnight = datetime(local.year, local.month, local.day, tzinfo=VIETNAM)
    now_secs = int((local - midnight).total_seconds())
    entries = data.departures.get(stop_id, ())
    found: list[tuple[int, StopDeparture]] = []
    for offset in (-1, 0, 1):
        service_day = local.date() + timedelta(days=offset)
        active = {sid for sid, service in data.services.items() if service.active_on(service_day)}
        threshold = now_secs - offset * DAY  # seconds on that service day's clock
        taken = 0
        for entry in entries[bisect_left(entries, threshold, key=lambda e: e.seconds):]:
            if entry.seconds >= threshold + DAY or taken == limit:
                break
            if entry.service_id in active:
                found.append((entry.seconds + offset * DAY, entry))
                taken += 1
    out: list[Departure] = []
    for secs, entry in sorted(found, key=lambda pair: (pair[0], pair[1].route_id))[:limit]:
        when = midnight + timedelta(seconds=secs)
        route = data.routes.get(entry.route_id)
        out.append(Departure(route.short_name if route else entry.route_id, entry.headsign,
                             when.strftime("%H:%M"), entry.route_id, when, (secs - now_secs) // 60,
                             when.date() > local.date()))
    return out
