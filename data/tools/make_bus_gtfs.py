"""Write the sample Da Nang bus feed (GTFS) into ``data/bus/gtfs/`` plus ``metadata.json``.

Deterministic: the same input gives byte-identical files. Streets, landmarks and coordinates are
real (approximate); route numbers, alignments, timetables and fares are invented sample data.

Network model: ``NODES`` are named stops at landmarks and junctions (shared by every route that
passes), ``SEGMENTS`` join two nodes along one street, with intermediate stops on both sides of the
street (``255 Hùng Vương`` one way, ``Đối diện 255 Hùng Vương`` the other), and ``ROUTES`` are
node paths run in both directions.

If ``data/gazetteer/streets.csv`` (street,ward,district,lat,lon) exists, each stop's ward is the
nearest gazetteer row of the same street; otherwise the ``ward`` column is left empty.

Usage: ``python data/tools/make_bus_gtfs.py [data_dir]``
"""

from __future__ import annotations

import csv
import json
import math
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

AS_OF = "2026-11-01"
START, END = "20260101", "20271231"
ROAD_FACTOR = 1.25  # road distance / straight-line distance
DWELL_S = 20
SIDE_OFFSET_M = 12.0
WARD_RADIUS_M = 1500.0  # a gazetteer street point further than this says nothing about the stop

# key: (name, street, lat, lon, area prefix for the stop code)
NODES: dict[str, tuple[str, str, float, float, str]] = {
    "KIMLIEN": ("Kim Liên", "Nguyễn Lương Bằng", 16.1165, 108.1335, "LC"),
    "BACHKHOA": ("Đại học Bách khoa", "Nguyễn Lương Bằng", 16.0738, 108.1499, "LC"),
    "TDT_NLB": ("Ngã ba Tôn Đức Thắng – Nguyễn Lương Bằng", "Tôn Đức Thắng", 16.0703, 108.1512, "LC"),
    "KCN": ("Khu công nghiệp Hòa Khánh", "Âu Cơ", 16.0765, 108.1385, "LC"),
    "BXTT": ("Bến xe Trung tâm Đà Nẵng", "Tôn Đức Thắng", 16.0596, 108.1717, "LC"),
    "NBH": ("Ngã ba Huế", "Điện Biên Phủ", 16.0617, 108.1785, "TK"),
    "CV293": ("Công viên 29/3", "Điện Biên Phủ", 16.0645, 108.2040, "TK"),
    "LD_OIK": ("Ngã tư Lê Duẩn – Ông Ích Khiêm", "Lê Duẩn", 16.0716, 108.2132, "HC"),
    "CHOCON": ("Chợ Cồn", "Hùng Vương", 16.0679, 108.2140, "HC"),
    "CHOHAN": ("Chợ Hàn", "Trần Phú", 16.0679, 108.2233, "HC"),
    "CHOHAN_BD": ("Chợ Hàn (Bạch Đằng)", "Bạch Đằng", 16.0683, 108.2248, "HC"),
    "CSH_W": ("Cầu Sông Hàn", "Bạch Đằng", 16.0722, 108.2248, "HC"),
    "CAURONG": ("Cầu Rồng", "Bạch Đằng", 16.0613, 108.2242, "HC"),
    "CAURONG_E": ("Đầu cầu Rồng (Sơn Trà)", "Võ Văn Kiệt", 16.0612, 108.2292, "ST"),
    "NQ_VVK": ("Ngã tư Ngô Quyền – Võ Văn Kiệt", "Võ Văn Kiệt", 16.0613, 108.2345, "ST"),
    "NQ_PVD": ("Ngã tư Ngô Quyền – Phạm Văn Đồng", "Ngô Quyền", 16.0725, 108.2335, "ST"),
    "MYKHE": ("Bãi biển Mỹ Khê", "Võ Nguyên Giáp", 16.0612, 108.2468, "ST"),
    "CVBD": ("Công viên Biển Đông", "Võ Nguyên Giáp", 16.0711, 108.2466, "ST"),
    "TP_E": ("Đầu cầu Thuận Phước (Sơn Trà)", "Ngô Quyền", 16.0985, 108.2290, "ST"),
    "TIENSA": ("Cảng Tiên Sa", "Yết Kiêu", 16.1225, 108.2170, "ST"),
    "TP_W": ("Đầu cầu Thuận Phước (Hải Châu)", "Nguyễn Tất Thành", 16.0905, 108.2160, "HC"),
    "THANHBINH": ("Biển Thanh Bình", "Nguyễn Tất Thành", 16.0840, 108.2120, "HC"),
    "XUANTHIEU": ("Biển Xuân Thiều", "Nguyễn Tất Thành", 16.0860, 108.1560, "LC"),
    "NVL_NTP": ("Ngã tư Nguyễn Văn Linh – Nguyễn Tri Phương", "Nguyễn Văn Linh", 16.0598, 108.2058, "HC"),
    "SANBAY": ("Sân bay Đà Nẵng", "Nguyễn Văn Linh", 16.0560, 108.2010, "HC"),
    "ASIAPARK": ("Công viên Châu Á", "2 Tháng 9", 16.0392, 108.2262, "HC"),
    "TIENSON": ("Cung Thể thao Tiên Sơn", "2 Tháng 9", 16.0357, 108.2242, "HC"),
    "HOACAM": ("Ngã ba Hòa Cầm", "Trường Chinh", 16.0215, 108.1960, "CL"),
    "TUYLOAN": ("Chợ Túy Loan", "Trường Sơn", 15.9985, 108.1530, "HV"),
    "BANA": ("Ga cáp treo Bà Nà", "ĐT602", 15.9977, 107.9960, "HV"),
    "DHKT": ("Đại học Kinh tế", "Ngũ Hành Sơn", 16.0475, 108.2405, "NH"),
    "FURAMA": ("Khu nghỉ dưỡng Furama", "Võ Nguyên Giáp", 16.0398, 108.2521, "NH"),
    "NHS": ("Danh thắng Ngũ Hành Sơn", "Lê Văn Hiến", 16.0036, 108.2636, "NH"),
    "NONNUOC": ("Bãi biển Non Nước", "Trường Sa", 15.9990, 108.2700, "NH"),
    "ANBANG": ("Biển An Bàng", "Hai Bà Trưng", 15.9135, 108.3390, "HA"),
    "HOIAN": ("Phố cổ Hội An", "Hai Bà Trưng", 15.8830, 108.3305, "HA"),
}


@dataclass(frozen=True)
class Segment:
    a: str
    b: str
    street: str
    stops: int | tuple[str, ...]  # count of numbered stops, or landmark names
    via: tuple[tuple[float, float], ...] = ()
    kmh: float = 18.0


SEGMENTS = [
    Segment("KIMLIEN", "BACHKHOA", "Nguyễn Lương Bằng", 4, ((16.0950, 108.1420),), 24),
    Segment("BACHKHOA", "TDT_NLB", "Nguyễn Lương Bằng", 0),
    Segment("KCN", "TDT_NLB", "Âu Cơ", 1),
    Segment("TDT_NLB", "BXTT", "Tôn Đức Thắng", 3, ((16.0655, 108.1600),), 22),
    Segment("BXTT", "NBH", "Tôn Đức Thắng", 0),
    Segment("NBH", "CV293", "Điện Biên Phủ", 3),
    Segment("CV293", "LD_OIK", "Lê Duẩn", 1),
    Segment("LD_OIK", "CHOCON", "Ông Ích Khiêm", 0),
    Segment("CHOCON", "CHOHAN", "Hùng Vương", 2),
    Segment("LD_OIK", "CSH_W", "Lê Duẩn", 2),
    Segment("CSH_W", "NQ_PVD", "Cầu Sông Hàn", 0, (), 25),
    Segment("NQ_PVD", "CVBD", "Phạm Văn Đồng", 2),
    Segment("NQ_PVD", "TP_E", "Ngô Quyền", 3, ((16.0860, 108.2330),)),
    Segment("TP_E", "TIENSA", "Yết Kiêu", 3, ((16.1100, 108.2250),), 25),
    Segment("TP_W", "TP_E", "Cầu Thuận Phước", 0, (), 30),
    Segment("THANHBINH", "TP_W", "Nguyễn Tất Thành", 1),
    Segment("XUANTHIEU", "THANHBINH", "Nguyễn Tất Thành", 5,
            ((16.0800, 108.1620), (16.0760, 108.1700), (16.0760, 108.1850), (16.0800, 108.2000)), 24),
    Segment("KIMLIEN", "XUANTHIEU", "Nguyễn Tất Thành", 3, ((16.1000, 108.1470),), 28),
    Segment("THANHBINH", "LD_OIK", "Ông Ích Khiêm", 2),
    Segment("SANBAY", "NVL_NTP", "Nguyễn Văn Linh", 0),
    Segment("NVL_NTP", "CAURONG", "Nguyễn Văn Linh", 3),
    Segment("CV293", "NVL_NTP", "Nguyễn Tri Phương", 1),
    Segment("CHOHAN", "CAURONG", "Trần Phú", ("Nhà thờ Con Gà",)),
    Segment("CHOHAN_BD", "CAURONG", "Bạch Đằng", 1),
    Segment("CAURONG", "CAURONG_E", "Cầu Rồng", 0, (), 25),
    Segment("CAURONG", "ASIAPARK", "2 Tháng 9", 3, ((16.0520, 108.2240),)),
    Segment("ASIAPARK", "TIENSON", "2 Tháng 9", 0),
    Segment("TIENSON", "HOACAM", "Cách Mạng Tháng Tám", 3, ((16.0300, 108.2100),), 22),
    Segment("NBH", "HOACAM", "Trường Chinh", 4, ((16.0420, 108.1850),), 22),
    Segment("HOACAM", "TUYLOAN", "Trường Sơn", 3, (), 30),
    Segment("TUYLOAN", "BANA", "ĐT602", ("Trạm y tế Hòa Phong", "Ngã ba Hòa Ninh", "Suối Mơ"),
            ((15.9930, 108.0900), (16.0010, 108.0400)), 35),
    Segment("CAURONG_E", "NQ_VVK", "Võ Văn Kiệt", 1),
    Segment("NQ_VVK", "MYKHE", "Võ Văn Kiệt", 2),
    Segment("MYKHE", "CVBD", "Võ Nguyên Giáp", 2),
    Segment("MYKHE", "FURAMA", "Võ Nguyên Giáp", 3, (), 24),
    Segment("FURAMA", "NONNUOC", "Trường Sa", 5, ((16.0150, 108.2620),), 30),
    Segment("NHS", "NONNUOC", "Huyền Trân Công Chúa", 0),
    Segment("NQ_VVK", "DHKT", "Ngũ Hành Sơn", 2),
    Segment("DHKT", "NHS", "Lê Văn Hiến", 4, ((16.0300, 108.2500),), 24),
    Segment("NONNUOC", "ANBANG", "Lạc Long Quân", 5, ((15.9600, 108.2950),), 35),
    Segment("ANBANG", "HOIAN", "Hai Bà Trưng", 2, (), 25),
]


@dataclass(frozen=True)
class RouteDef:
    short: str
    path: tuple[str, ...]
    fare: int
    headway_weekday: int
    headway_weekend: int
    last: str  # last departure from each terminal
    late_extra: tuple[str, ...] = ()  # extra direction-0 departures after ``last`` (every day)


ROUTES = [
    RouteDef("01", ("KIMLIEN", "BACHKHOA", "TDT_NLB", "BXTT", "NBH", "CV293", "LD_OIK", "CHOCON", "CHOHAN"),
             7000, 15, 20, "21:30"),
    RouteDef("02", ("BXTT", "NBH", "CV293", "NVL_NTP", "CAURONG", "CAURONG_E", "NQ_VVK", "DHKT", "NHS",
                    "NONNUOC", "ANBANG", "HOIAN"), 20000, 30, 45, "21:00"),
    RouteDef("03", ("KIMLIEN", "XUANTHIEU", "THANHBINH", "TP_W", "TP_E", "TIENSA"), 10000, 30, 45, "21:00"),
    RouteDef("04", ("SANBAY", "NVL_NTP", "CAURONG", "CAURONG_E", "NQ_VVK", "MYKHE", "CVBD"), 8000, 20, 30,
             "21:30", ("22:15", "23:00", "23:45")),
    RouteDef("05", ("CHOHAN_BD", "CAURONG", "CAURONG_E", "NQ_VVK", "MYKHE", "FURAMA", "NONNUOC", "NHS"),
             8000, 20, 30, "21:30"),
    RouteDef("06", ("BXTT", "NBH", "HOACAM", "TUYLOAN", "BANA"), 20000, 30, 30, "21:00"),
    RouteDef("07", ("KCN", "TDT_NLB", "BXTT", "NBH", "CV293", "NVL_NTP", "SANBAY"), 7000, 20, 30, "22:00"),
    RouteDef("08", ("CHOCON", "LD_OIK", "CSH_W", "NQ_PVD", "CVBD"), 5000, 20, 30, "21:30"),
    RouteDef("09", ("CHOHAN", "CAURONG", "ASIAPARK", "TIENSON", "HOACAM"), 6000, 30, 45, "21:00"),
    RouteDef("10", ("CVBD", "NQ_PVD", "TP_E", "TIENSA"), 5000, 30, 45, "21:00"),
    RouteDef("11", ("THANHBINH", "LD_OIK", "CHOCON", "CHOHAN", "CAURONG", "CAURONG_E", "NQ_VVK", "DHKT"),
             7000, 20, 30, "21:30"),
    RouteDef("12", ("KIMLIEN", "BACHKHOA", "TDT_NLB", "BXTT", "NBH", "HOACAM"), 8000, 30, 45, "21:00"),
]

# Where house numbering starts on streets whose number 1 is not at the first segment listed.
STREET_ORIGINS = {
    "Lê Duẩn": (16.0722, 108.2248),
    "Hùng Vương": (16.0683, 108.2248),
    "Nguyễn Văn Linh": (16.0613, 108.2242),
    "Điện Biên Phủ": (16.0668, 108.2085),
    "Tôn Đức Thắng": (16.0617, 108.1785),
    "Võ Nguyên Giáp": (16.0800, 108.2462),
}
SERVICES = {"WD": "1111100", "WE": "0000011"}
# Public holidays on a weekday run the weekend timetable (2 Sep, 1 Jan).
HOLIDAYS = ("20260902", "20270101")


@dataclass
class StopRec:
    id: str
    name: str
    street: str
    lat: float
    lon: float
    area: str
    code: str = ""
    ward: str = ""


@dataclass
class Network:
    stops: list[StopRec] = field(default_factory=list)
    by_key: dict[str, StopRec] = field(default_factory=dict)  # node key or (segment, side)
    seg_stops: dict[tuple[int, int], list[StopRec]] = field(default_factory=dict)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371000.0 * math.asin(math.sqrt(h))


def _point_along(points: list[tuple[float, float]], frac: float) -> tuple[float, float, float, float]:
    """Point at ``frac`` of the polyline length, and the unit direction (east, north) there."""
    legs = [distance_m(*p, *q) for p, q in zip(points, points[1:], strict=False)]
    target = frac * sum(legs)
    for (p, q), leg in zip(zip(points, points[1:], strict=False), legs, strict=True):
        if target <= leg or q == points[-1]:
            t = target / leg if leg else 0.0
            lat, lon = p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])
            east = (q[1] - p[1]) * math.cos(math.radians(lat)) * 111320
            north = (q[0] - p[0]) * 110574
            norm = math.hypot(east, north) or 1.0
            return lat, lon, east / norm, north / norm
        target -= leg
    raise AssertionError("unreachable")


def build_network() -> Network:
    net = Network()
    names: set[str] = set()

    def add(name: str, street: str, lat: float, lon: float, area: str) -> StopRec:
        assert name not in names, name
        names.add(name)
        rec = StopRec(f"S{len(net.stops) + 1:04d}", name, street, round(lat, 6), round(lon, 6), area)
        net.stops.append(rec)
        return rec

    for key, (name, street, lat, lon, area) in NODES.items():
        net.by_key[key] = add(name, street, lat, lon, area)
    origins: dict[str, tuple[float, float]] = dict(STREET_ORIGINS)
    for index, seg in enumerate(SEGMENTS):
        a, b = NODES[seg.a], NODES[seg.b]
        points = [(a[2], a[3]), *seg.via, (b[2], b[3])]
        origin = origins.setdefault(seg.street, points[0])
        count = seg.stops if isinstance(seg.stops, int) else len(seg.stops)
        sides: tuple[list[StopRec], list[StopRec]] = ([], [])
        for i in range(count):
            frac = (i + 1) / (count + 1)
            lat, lon, east, north = _point_along(points, frac)
            if isinstance(seg.stops, tuple):
                label = seg.stops[i]
            else:
                number = 2 * int(distance_m(*origin, lat, lon) / 9) + 1
                while f"{number} {seg.street}" in names:
                    number += 2
                label = f"{number} {seg.street}"
            area = a[4] if frac < 0.5 else b[4]
            # Vietnam drives on the right: side 0 (travelling a -> b) is right of the centre line.
            for side, sign in ((0, 1.0), (1, -1.0)):
                s_lat = lat - sign * east * SIDE_OFFSET_M / 110574
                s_lon = lon + sign * north * SIDE_OFFSET_M / (111320 * math.cos(math.radians(lat)))
                name = label if side == 0 else f"Đối diện {label}"
                sides[side].append(add(name, seg.street, s_lat, s_lon, area))
        net.seg_stops[(index, 0)], net.seg_stops[(index, 1)] = sides
    return net


def path_stops(net: Network, path: tuple[str, ...]) -> list[tuple[StopRec, float]]:
    """Stops of a node path with the speed (km/h) of the hop arriving at each stop."""
    lookup = {(s.a, s.b): (i, 0) for i, s in enumerate(SEGMENTS)}
    lookup.update({(s.b, s.a): (i, 1) for i, s in enumerate(SEGMENTS)})
    out = [(net.by_key[path[0]], 0.0)]
    for a, b in zip(path, path[1:], strict=False):
        index, side = lookup[(a, b)]
        middle = net.seg_stops[(index, side)]
        kmh = SEGMENTS[index].kmh
        out.extend((rec, kmh) for rec in (middle if side == 0 else middle[::-1]))
        out.append((net.by_key[b], kmh))
    return out


def hhmm(value: str) -> int:
    hours, minutes = value.split(":")
    return int(hours) * 3600 + int(minutes) * 60


def gtfs_time(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def fold(text: str) -> str:
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in plain if not unicodedata.combining(c)).casefold().split())


def assign_wards(net: Network, gazetteer: Path) -> None:
    if not gazetteer.is_file():
        return
    rows: dict[str, list[tuple[str, float, float]]] = {}
    with gazetteer.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            try:
                rows.setdefault(fold(row["street"]), []).append(
                    (row["ward"].strip(), float(row["lat"]), float(row["lon"])))
            except (KeyError, ValueError):
                continue
    for stop in net.stops:
        candidates = [(distance_m(stop.lat, stop.lon, lat, lon), ward)
                      for ward, lat, lon in rows.get(fold(stop.street), []) if ward]
        if candidates:
            metres, ward = min(candidates)
            stop.ward = ward if metres < WARD_RADIUS_M else ""


def write_csv(path: Path, header: list[str], rows: Sequence[Sequence[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main(data_dir: Path) -> None:
    out = data_dir / "bus" / "gtfs"
    out.mkdir(parents=True, exist_ok=True)
    net = build_network()
    counters: dict[str, int] = {}
    for stop in net.stops:
        counters[stop.area] = counters.get(stop.area, 100) + 1
        stop.code = f"{stop.area}{counters[stop.area]}"
    assign_wards(net, data_dir / "gazetteer" / "streets.csv")

    write_csv(out / "agency.txt",
              ["agency_id", "agency_name", "agency_url", "agency_timezone", "agency_lang"],
              [["DNBUS", "Xe buýt Đà Nẵng (dữ liệu mẫu)", "https://example.org/tongdai/bus",
                "Asia/Ho_Chi_Minh", "vi"]])
    write_csv(out / "stops.txt",
              ["stop_id", "stop_code", "stop_name", "stop_desc", "stop_lat", "stop_lon", "location_type",
               "ward"],
              [[s.id, s.code, s.name, s.street, f"{s.lat:.6f}", f"{s.lon:.6f}", 0, s.ward]
               for s in net.stops])
    write_csv(out / "calendar.txt", ["service_id", "monday", "tuesday", "wednesday", "thursday", "friday",
                                     "saturday", "sunday", "start_date", "end_date"],
              [[sid, *flags, START, END] for sid, flags in SERVICES.items()])
    write_csv(out / "calendar_dates.txt", ["service_id", "date", "exception_type"],
              [row for day in HOLIDAYS for row in (["WD", day, 2], ["WE", day, 1])])

    routes, fares, fare_rules, trips, stop_times = [], [], [], [], []
    for rd in ROUTES:
        route_id = f"R{rd.short}"
        names = [NODES[rd.path[0]][0], NODES[rd.path[-1]][0]]
        routes.append([route_id, "DNBUS", rd.short, " – ".join(names), 3, "0B6E4F", "FFFFFF"])
        fare_id = f"F{rd.fare}"
        if [fare_id, rd.fare, "VND", 0, ""] not in fares:
            fares.append([fare_id, rd.fare, "VND", 0, ""])
        fare_rules.append([fare_id, route_id])
        for direction, path in ((0, rd.path), (1, rd.path[::-1])):
            stops = path_stops(net, path)
            offsets, elapsed = [], 0.0
            for i, (rec, kmh) in enumerate(stops):
                if i:
                    prev = stops[i - 1][0]
                    metres = distance_m(prev.lat, prev.lon, rec.lat, rec.lon) * ROAD_FACTOR
                    elapsed += metres / (kmh / 3.6) + DWELL_S
                offsets.append(int(round(elapsed / 60)) * 60)
            headsign = stops[-1][0].name
            for service, headway in (("WD", rd.headway_weekday), ("WE", rd.headway_weekend)):
                starts = list(range(hhmm("05:30"), hhmm(rd.last) + 1, headway * 60))
                if direction == 0:
                    starts += [hhmm(t) for t in rd.late_extra]
                for start in starts:
                    trip_id = f"{route_id}_{service}_{direction}_{gtfs_time(start)[:5].replace(':', '')}"
                    trips.append([route_id, service, trip_id, headsign, direction])
                    for seq, ((rec, _), offset) in enumerate(zip(stops, offsets, strict=True), 1):
                        t = gtfs_time(start + offset)
                        stop_times.append([trip_id, t, t, rec.id, seq])

    write_csv(out / "routes.txt", ["route_id", "agency_id", "route_short_name", "route_long_name",
                                   "route_type", "route_color", "route_text_color"], routes)
    write_csv(out / "trips.txt",
              ["route_id", "service_id", "trip_id", "trip_headsign", "direction_id"], trips)
    write_csv(out / "stop_times.txt",
              ["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"], stop_times)
    write_csv(out / "fare_attributes.txt",
              ["fare_id", "price", "currency_type", "payment_method", "transfers"], fares)
    write_csv(out / "fare_rules.txt", ["fare_id", "route_id"], fare_rules)
    write_csv(out / "feed_info.txt", ["feed_publisher_name", "feed_publisher_url", "feed_lang",
                                      "feed_start_date", "feed_end_date", "feed_version"],
              [["tongdai (dữ liệu mẫu)", "https://example.org/tongdai", "vi", START, END, f"sample-{AS_OF}"]])

    meta = {
        "id": "bus",
        "title": "Xe buýt Đà Nẵng (dữ liệu mẫu)",
        "source": "Sinh bởi data/tools/make_bus_gtfs.py (tongdai); tên đường, địa danh và toạ độ gần đúng "
                  "lấy theo thực tế Đà Nẵng",
        "licence": "CC0-1.0 (sample data)",
        "as_of": AS_OF,
        "sample": True,
        "note": "Dữ liệu mẫu: số tuyến, lộ trình, giờ chạy và giá vé là giả định để thử hệ thống, không phải "
                "lịch chạy chính thức. Không dùng để đi lại thật.",
    }
    (data_dir / "bus" / "metadata.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{out}: {len(routes)} routes, {len(net.stops)} stops, {len(trips)} trips, "
          f"{len(stop_times)} stop times")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1])
