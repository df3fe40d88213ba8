"""GTFS feeds (a zip, or a folder of ``.txt`` files) for the bus dataset: reference checks row by row.

Every row that points at something missing (a stop_time's unknown stop, a trip's unknown route) or holds
an unparseable value is a problem with its file, line number and column. Kept rows are written back
unchanged (all columns, UTF-8) into ``<version>/gtfs/``; the loader then reads the result as a last check.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from lookups.datasets import bus
from lookups.datasets.base import DataError
from lookups.importing.readers import sniff_encoding
from lookups.importing.report import Problem, Report
from lookups.importing.values import parse_date

GtfsRow = tuple[int, dict[str, str]]
ORDER = ("agency.txt", "stops.txt", "routes.txt", "calendar.txt", "calendar_dates.txt", "trips.txt",
         "stop_times.txt", "fare_attributes.txt", "fare_rules.txt")


def read_feed(path: Path) -> dict[str, tuple[list[str], list[GtfsRow]]]:
    """File name -> (header, numbered rows) for every file the loader knows; others are left out."""
    blobs: dict[str, bytes] = {}
    if path.is_dir():
        blobs = {p.name: p.read_bytes() for p in path.iterdir() if p.name in ORDER}
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:  # feeds are often zipped with a top folder: match by name
            for member in archive.namelist():
                name = member.rsplit("/", 1)[-1]
                if name in ORDER and name not in blobs:
                    blobs[name] = archive.read(member)
    else:
        raise DataError(f"{path}: a bus import takes a GTFS zip or folder (data export bus is a summary only)")
    if missing := [n for n in bus.REQUIRED if n not in blobs]:
        raise DataError(f"{path}: not a GTFS feed the bus dataset can use: missing {', '.join(missing)}")
    feed = {}
    for name, blob in blobs.items():
        reader = csv.reader(io.StringIO(blob.decode(sniff_encoding(blob[:4096]))))
        header = [h.strip() for h in next(reader, [])]
        rows = [(n, dict(zip(header, (c.strip() for c in cells), strict=False)))
                for n, cells in enumerate(reader, 2) if any(c.strip() for c in cells)]
        feed[name] = (header, rows)
    return feed


class _Checker:
    def __init__(self, report: Report, feed: dict[str, tuple[list[str], list[GtfsRow]]]) -> None:
        self.report, self.feed = report, feed
        self.kept: dict[str, list[GtfsRow]] = {}
        self.ids: dict[str, set[str]] = {}

    def run(self, name: str, key: str | None, check: Callable[[dict[str, str]], tuple[str, str] | None]) -> None:
        """Keep the rows of ``name`` that pass ``check`` (None, or (column, reason)) and have a unique ``key``."""
        kept, seen = [], set()
        for number, row in self.feed.get(name, ([], []))[1]:
            problem = check(row)
            if problem is None and key is not None:
                if not row.get(key):
                    problem = (key, f"missing {key}")
                elif row[key] in seen and name not in ("calendar_dates.txt", "fare_rules.txt"):
                    problem = (key, f"duplicate {key} {row[key]!r}")
            if problem is not None:
                column, reason = problem
                self.report.problems.append(Problem(number, column, reason, row.get(column, ""), name))
                continue
            kept.append((number, row))
            if key is not None:
                seen.add(row[key])
        self.kept[name] = kept
        self.ids[name] = seen
        self.report.rows_read += len(self.feed.get(name, ([], []))[1])
        self.report.accepted += len(kept)

    def known(self, name: str, column: str, row: dict[str, str], what: str = "") -> tuple[str, str] | None:
        value = row.get(column, "")
        return None if value in self.ids[name] else (column, f"unknown {what or column} {value!r}")


def _parses(column: str, parse: Callable[[str], object], row: dict[str, str]) -> tuple[str, str] | None:
    value = row.get(column, "")
    try:
        parse(value)
    except (ValueError, KeyError) as exc:
        return column, str(exc) if str(exc).startswith(("bad", "unparseable")) else f"unparseable {value!r}"
    return None


def _stop(row: dict[str, str]) -> tuple[str, str] | None:
    if not row.get("stop_name"):
        return "stop_name", "missing stop_name"
    return _parses("stop_lat", lambda t: _range(t, 90), row) or _parses("stop_lon", lambda t: _range(t, 180), row)


def _range(text: str, limit: float) -> float:
    value = float(text)
    if not -limit <= value <= limit:
        raise ValueError(f"bad coordinate {text}")
    return value


def _time(text: str) -> None:
    if text:
        bus.parse_time(text)


def check_feed(path: Path, report: Report, out: Path | None) -> int:
    """Check a feed, write the kept rows under ``out/gtfs`` (if given); return how many stops were kept."""
    feed = read_feed(path)
    c = _Checker(report, feed)
    c.run("agency.txt", None, lambda r: None)
    c.run("stops.txt", "stop_id", _stop)
    c.run("routes.txt", "route_id",
          lambda r: None if r.get("route_short_name") or r.get("route_long_name") else ("route_short_name",
                                                                                         "route has no name"))
    c.run("calendar.txt", "service_id", lambda r: _parses("start_date", parse_date, r)
          or _parses("end_date", parse_date, r))
    c.run("calendar_dates.txt", "service_id", lambda r: _parses("date", parse_date, r)
          or (None if r.get("exception_type") in ("1", "2") else ("exception_type", "exception_type must be 1 or 2")))
    c.ids["services"] = c.ids["calendar.txt"] | c.ids["calendar_dates.txt"]
    c.run("trips.txt", "trip_id", lambda r: c.known("routes.txt", "route_id", r)
          or c.known("services", "service_id", r))
    c.run("stop_times.txt", None, lambda r: c.known("trips.txt", "trip_id", r) or c.known(
        "stops.txt", "stop_id", r, "stop") or _parses("stop_sequence", int, r)
        or _parses("arrival_time", _time, r) or _parses("departure_time", _time, r))
    c.run("fare_attributes.txt", "fare_id", lambda r: _parses("price", float, r))
    c.run("fare_rules.txt", None, lambda r: c.known("fare_attributes.txt", "fare_id", r)
          or c.known("routes.txt", "route_id", r))
    if out is not None:
        (out / "gtfs").mkdir(parents=True, exist_ok=True)
        for name, (header, _) in feed.items():
            with (out / "gtfs" / name).open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, header, lineterminator="\n")
                writer.writeheader()
                writer.writerows(row for _, row in c.kept[name])
    return len(c.kept["stops.txt"])
