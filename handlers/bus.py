"""BUS and MT: a route, the routes at a stop, how to get from A to B, and the next departures at a stop."""

from __future__ import annotations

import re
from collections.abc import Sequence

from handlers.common import MAX_QUERY, resolve
from handlers.i18n import footer, money, pick
from handlers.registry import Request, command, plugin
from handlers.reply import Field, Lang, Reply
from lookups.datasets.bus import BusData, Route, Stop
from lookups.decide import BAND, CLOSE_MIN, SUGGEST_MIN, Candidate
from lookups.text import fold
from lookups.transit import (
    direct_routes,
    next_departures,
    one_transfer,
    route_stops,
    routes_at_stop,
    stop_by_code,
)

# How people join the two ends of a trip, strongest first: "A -> B", "A, B", "A den B", "A - B". Stop and route
# names hold dashes ("Ngã tư Lê Duẩn – Ông Ích Khiêm"), so a dash is read last and only when the whole argument
# is not a name.
ARROWS = re.compile(r"\s*(?:->|=>|→)\s*")
COMMAS = re.compile(r"\s*[,;]\s*")
DASHES = re.compile(r"\s+[-–—]\s+")
JOINING_WORDS = frozenset({"den", "toi", "to", "di", "ve"})  # đến, tới, to, đi, về (folded)
OPENING_WORDS = frozenset({"tu", "from"})  # "tu A den B", "from A to B"
ROUTE_CODE = re.compile(r"^(?:tuyen\s+|tuyến\s+|route\s+)?[a-z]?\d{1,3}[a-z]?$", re.IGNORECASE)
MAX_LEGS = 3
# Stops each end of a "from, to" trip may stand for (the best matches within the close band; neighbours within
# walking distance are added after). The trip search is then one pass over the data's patterns, whatever the
# message: a long end is one bounded search (lookups.vocab.MAX_QUERY_WORDS), and more than two ends a stop name.
MAX_ENDS = 10
# Readings of one message as a trip that are tried ("A den B den C" reads two ways); a flood of joining words
# costs this many pairs of searches, no more.
MAX_READINGS = 3
MAIN_STOPS = 6


def route_line(route: Route) -> str:
    return f"{route.short_name} {route.long_name}"


def show_route(route: Route, data: BusData, lang: Lang) -> Reply:
    stops = route_stops(data, route.id)
    # Landmarks (not "109 Hùng Vương" style numbered stops) where riders can change to other routes.
    shared = [s.name for s in stops[1:-1] if not s.name[:1].isdigit() and not fold(s.name).startswith("doi dien")
              and len(routes_at_stop(data, s.id)) > 1]
    main = list(dict.fromkeys([stops[0].name, *shared[:MAIN_STOPS], stops[-1].name])) if stops else []
    fields = (
        Field(pick(lang, "Hai đầu tuyến", "Terminals"), " - ".join(route.terminals)),
        Field(pick(lang, "Giờ chạy", "Hours"), f"{route.first_departure}-{route.last_departure}"),
        Field(pick(lang, "Tần suất", "Every"), pick(lang, f"{route.headway_min} phút/chuyến",
                                                   f"{route.headway_min} min")),
        Field(pick(lang, "Giá vé", "Fare"), money(route.fare_vnd, lang)),
        Field(pick(lang, "Trạm chính", "Main stops"), ", ".join(main)),
    )
    title = pick(lang, f"Tuyến {route.short_name}: {route.long_name}", f"Route {route.short_name}: {route.long_name}")
    return Reply("bus", "found", lang, title, fields=fields, footer=footer(data.meta),
                 hint=pick(lang, "Soạn MT <mã trạm> để xem giờ xe đến.", "Send MT <stop code> for departures."))


def show_stop(stop: Stop, data: BusData, lang: Lang) -> Reply:
    routes = routes_at_stop(data, stop.id)
    fields = (
        Field(pick(lang, "Mã trạm", "Stop code"), stop.code),
        Field(pick(lang, "Đường", "Street"), ", ".join(p for p in (stop.street, stop.ward) if p)),
        Field(pick(lang, "Các tuyến", "Routes"), "; ".join(route_line(r) for r in routes) or "-"),
    )
    return Reply("bus", "found", lang, pick(lang, f"Điểm dừng {stop.name}", f"Stop {stop.name}"), fields=fields,
                 footer=footer(data.meta),
                 hint=pick(lang, f"Soạn MT {stop.code} để xem giờ xe đến.", f"Send MT {stop.code} for departures."))


def stop_ids(cands: Sequence[Candidate], data: BusData) -> set[str]:
    """The stops a place name stands for, plus stops within walking distance of them."""
    ids = {c.id for c in cands}
    return ids | {near for sid in ids for near, _ in data.nearby.get(sid, ())}


def _opened(origin: str) -> str:
    """The origin without its "từ" / "from" ("tu cho han" -> "cho han")."""
    first, _, rest = origin.partition(" ")
    return rest if rest and fold(first) in OPENING_WORDS else origin


def _bare(place: str) -> str:
    """A place without a leading "the" ("the airport")."""
    first, _, rest = place.partition(" ")
    return rest if rest and fold(first) == "the" else place


def trip_splits(argument: str) -> list[tuple[str, str, bool]]:
    """The ways ``argument`` reads as (from, to, split at a dash), most likely first; empty when it is no trip."""
    found: list[tuple[str, str, bool]] = []
    for pattern in (ARROWS, COMMAS):
        parts = [p for p in pattern.split(argument) if p.strip()]
        if len(parts) == 2:
            found.append((_opened(parts[0]), parts[1], False))
    words = argument.split()
    for k in range(1, len(words) - 1):  # "A den B", "tu A den B", "from A to B": at each joining word
        if fold(words[k]) in JOINING_WORDS:
            found.append((_opened(" ".join(words[:k])), " ".join(words[k + 1:]), False))
    parts = [p for p in DASHES.split(argument) if p.strip()]
    if len(parts) == 2:
        found.append((_opened(parts[0]), parts[1], True))
    return found[:MAX_READINGS]


def _stops_for(req: Request, place: str) -> list[Candidate] | Reply:
    """The stops close enough to ``place`` to route from, or the "no such stop" reply."""
    place = _bare(place)
    ranked = req.catalog.stop_index.search(place, limit=MAX_ENDS)
    # Any close stop will do for routing: the reply names the stops it used.
    close = [c for c in ranked if c.score >= max(CLOSE_MIN, ranked[0].score - BAND)] if ranked else []
    if close:
        return close
    lang, shown, asked = req.lang, "; ".join(c.name for c in ranked[:3] if c.score >= SUGGEST_MIN), place[:MAX_QUERY]
    return Reply("bus", "not_found", lang, pick(lang, f"Không tìm thấy điểm dừng \"{asked}\".",
                                                f"No stop found for \"{asked}\"."),
                 fields=(Field(pick(lang, "Gần giống", "Similar"), shown),) if shown else (),
                 hint=pick(lang, "Cú pháp: BUS <điểm đi> đến <điểm đến>", "Usage: BUS <from> to <to>"),
                 footer=footer(req.catalog.bus.meta))


def trip(req: Request) -> Reply | None:
    """The trip the argument asks for, or None when it is not a trip (a route, a stop, a name with a dash).

    Every reading is tried in turn, and the first whose two ends are both stops answers; when none is, the first
    reading says which end was not found ("tu cho han den san bey"): its origin if that is no stop (the
    destination is then not searched), else its destination.
    """
    splits = trip_splits(req.argument)
    names = (req.catalog.stop_index, req.catalog.route_index)
    if splits and all(dash for _, _, dash in splits) and any(ix.lookup(req.argument).status == "found" for ix in names):
        return None
    first_miss: Reply | None = None
    for origin, destination, _ in splits:
        start = _stops_for(req, origin)
        end = _stops_for(req, destination) if isinstance(start, list) else start
        if isinstance(end, Reply):
            first_miss = first_miss or end
            continue
        assert isinstance(start, list)
        return between(req, start, end)
    return first_miss


def between(req: Request, origin: list[Candidate], destination: list[Candidate]) -> Reply:
    data, lang = req.catalog.bus, req.lang
    ends = (origin, destination)
    src, dst = stop_ids(ends[0], data), stop_ids(ends[1], data)
    title = pick(lang, f"Từ {ends[0][0].name} đến {ends[1][0].name}", f"From {ends[0][0].name} to {ends[1][0].name}")
    legs = direct_routes(data, src, dst)[:MAX_LEGS]
    fields = [Field(pick(lang, f"Tuyến {leg.route.short_name}", f"Route {leg.route.short_name}"), pick(
        lang, f"lên {leg.board.name} ({leg.board.code}), xuống {leg.alight.name}, {leg.stops} trạm",
        f"board {leg.board.name} ({leg.board.code}), alight {leg.alight.name}, {leg.stops} stops")) for leg in legs]
    if not fields:
        for opt in one_transfer(data, src, dst, limit=MAX_LEGS):
            a, b = opt.first, opt.second
            walk = pick(lang, f", đi bộ {opt.walk_m} m", f", walk {opt.walk_m} m") if opt.walk_m else ""
            fields.append(Field(f"{a.route.short_name} + {b.route.short_name}", pick(
                lang, f"lên {a.board.name}, đổi xe tại {a.alight.name}{walk}, xuống {b.alight.name}",
                f"board {a.board.name}, change at {a.alight.name}{walk}, alight {b.alight.name}")))
    if not fields:
        return Reply("bus", "not_found", lang, title, fields=(Field("", pick(
            lang, "Không có tuyến trực tiếp hay đổi một lần.", "No direct or one-change connection.")),),
            footer=footer(data.meta))
    return Reply("bus", "found", lang, title, fields=tuple(fields), footer=footer(data.meta))


@plugin("bus")  # keyword, aliases and help: data/bus/datapackage.json
def bus(req: Request) -> Reply:
    data = req.catalog.bus
    planned = trip(req)
    if planned is not None:
        return planned
    routes, stops = list(data.routes.values()), list(req.catalog.bus.stops.values())
    if ROUTE_CODE.match(req.argument) or req.catalog.route_index.lookup(req.argument).status == "found":
        return resolve(req, intent="bus", dataset="bus", index=req.catalog.route_index, footer=footer(data.meta),
                       detail=lambda row: routes[row].long_name, narrowers=lambda row: (),
                       show=lambda row: show_route(routes[row], data, req.lang),
                       syntax=pick(req.lang, "BUS <số tuyến>", "BUS <route number>"))
    return resolve(req, intent="bus", dataset="bus", index=req.catalog.stop_index, footer=footer(data.meta),
                   detail=lambda row: f"{stops[row].code}, {stops[row].street}",
                   narrowers=lambda row: (stops[row].street,),
                   show=lambda row: show_stop(stops[row], data, req.lang),
                   syntax=pick(req.lang, "BUS <tuyến | điểm dừng | điểm đi đến điểm đến>",
                               "BUS <route | stop | from A to B>"))


@command("MT", aliases=("MATRAM",), help_vi="MT <mã trạm>: các chuyến xe buýt sắp đến trạm",
         help_en="MT <stop code>: next buses at a stop", example="MT HC103", dataset="bus",
         category=("Giao thông", "Transport"), order=21)
def departures(req: Request) -> Reply:
    data, lang = req.catalog.bus, req.lang
    stop = stop_by_code(data, req.argument)
    if stop is None:
        decision = req.catalog.stop_index.lookup(req.argument)
        if decision.status != "found":
            return bus(req)  # not a code: answer as a stop search, which lists the codes
        stop = data.stops[decision.candidates[0].id]
    upcoming = next_departures(data, stop.id, req.now, limit=5)
    fields = tuple(Field(d.time, pick(lang, f"tuyến {d.route_short_name} đi {d.headsign}"
                                      + (" (ngày mai)" if d.next_day else f" ({d.minutes} phút)"),
                                      f"route {d.route_short_name} to {d.headsign}"
                                      + (" (tomorrow)" if d.next_day else f" (in {d.minutes} min)")))
                   for d in upcoming)
    title = pick(lang, f"Trạm {stop.code} {stop.name}", f"Stop {stop.code} {stop.name}")
    if not fields:
        fields = (Field("", pick(lang, "Không có chuyến nào trong 24 giờ tới.", "No departures in the next 24 h.")),)
    return Reply("mt", "found", lang, title, fields=fields, footer=footer(data.meta))
