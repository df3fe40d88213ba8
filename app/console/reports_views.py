"""``/console/reports``: the ticket queue with filters and a map, one ticket with its history and photos, and
the operators' changes (status with a public note, agency, merge) through ``app.reports``' operations, which
record the history and tell the reporter on their channel."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app.console.i18n import translate
from app.console.svg import Point, street_map
from app.console.web import audit, blueprint, lang, operator, requires
from app.reports.operations import Filters, OperationError, operations_of
from app.services import services
from handlers.report_status import SETTABLE, STATUSES
from handlers.reports.catalog import Service
from lookups.places import Gazetteer

AGES = {"1": timedelta(days=1), "7": timedelta(days=7), "30": timedelta(days=30)}
OLD = timedelta(days=7)
OPEN = ("received", "in_progress")
LIST_LIMIT = 300


def _filters() -> tuple[Filters, dict[str, str]]:
    args = request.args
    chosen = {name: args.get(name, "") for name in ("status", "service", "ward", "age")}
    if chosen["status"] not in STATUSES:
        chosen["status"] = ""
    age, now = chosen["age"], datetime.now(UTC)
    since = now - AGES[age] if age in AGES else None
    before = now - OLD if age == "old" else None  # in the query, so the list limit counts only old tickets
    return Filters(chosen["status"], chosen["service"], chosen["ward"], since, LIST_LIMIT, before), chosen


def _point(ticket: dict[str, Any], places: Gazetteer) -> Point | None:
    """Where a ticket goes on the map: its own location (a Zalo pin, Open311 lat/long), else the reference point
    of the street it names in the gazetteer."""
    lat, lon = ticket["lat"], ticket["long"]
    if lat is None or lon is None:
        found = places.find(ticket["address"]) if ticket["address"] else None
        lat, lon = (found.lat, found.lon) if found else (None, None)
    if lat is None or lon is None:
        return None
    return Point(lat, lon, f'{ticket["code"]} {ticket["service_name"]}: {ticket["address"]}',
                 url_for("console.ticket", code=ticket["code"]))


@blueprint.get("/reports")
def reports() -> str:
    svc = services()
    filters, chosen = _filters()
    tickets = operations_of(svc).list(filters)
    desk = svc.reports
    streets = [(name, lat, lon) for name, _ward, lat, lon in desk.places.streets.values()
               if lat is not None and lon is not None]
    points = [point for t in tickets if t["status"] in OPEN and (point := _point(t, desk.places)) is not None]
    wards = sorted({ward for _n, ward, _a, _b in desk.places.streets.values() if ward})
    services_list = sorted(service_names(desk.services.services.values()).items())
    drawn = street_map(streets, points, translate("Open reports on the map", lang()))
    settings = svc.settings
    pins = json.dumps([{"lat": p.lat, "lon": p.lon, "label": p.label, "href": p.href} for p in points],
                      ensure_ascii=False)
    centre = (f"{sum(s[1] for s in streets) / len(streets):.5f},{sum(s[2] for s in streets) / len(streets):.5f}"
              if streets else "")  # where an empty tiled map looks: the middle of the gazetteer's streets
    return render_template("console/reports.html", tickets=tickets, chosen=chosen, statuses=STATUSES,
                           services=services_list, wards=wards, map_svg=drawn, mapped=len(points),
                           tiles=settings.TONGDAI_MAP_TILES, attribution=settings.TONGDAI_MAP_ATTRIBUTION, pins=pins,
                           centre=centre)


@blueprint.get("/reports/<code>")
def ticket(code: str) -> str:
    try:
        found: dict[str, Any] = operations_of(services()).show(code)
    except OperationError as exc:
        return render_template("console/error.html", code=exc.status, reason=str(exc)), exc.status  # type: ignore[return-value]
    names = service_names(services().reports.services.services.values())
    found["service_name"] = names.get(found["service_code"], found["service_name"])
    return render_template("console/ticket.html", t=found, services=names,
                           settable=[s for s in SETTABLE if s != "duplicate"])


def service_names(categories: Iterable[Service]) -> dict[str, str]:
    """Each report category's name in the page's language, by its code."""
    return {s.code: s.name_vi if lang() == "vi" else s.name_en for s in categories}


@blueprint.post("/reports/<code>")
@requires("operator")
def change(code: str) -> Response | tuple[str, int]:
    form, ops, now = request.form, operations_of(services()), datetime.now(UTC)
    actor = f"operator:{operator().username}"
    try:
        if form.get("into", "").strip():
            into = form["into"].strip()
            done = ops.merge(code, into, actor=actor, now=now)
            audit("report.merge", done["code"], f"into {done['duplicate_of']}")
        else:
            status, note, agency = form.get("status", ""), form.get("note", ""), form.get("agency", "")
            done = ops.update(code, status=status, note=note, agency=agency, actor=actor, now=now)
            changed = (("status", status), ("note", note), ("agency", agency))
            audit("report.update", done["code"], "; ".join(f"{k}={v!r}" for k, v in changed if v))
    except OperationError as exc:
        return render_template("console/error.html", code=exc.status, reason=str(exc)), exc.status
    flash(translate("Saved.", lang()))
    return redirect(url_for("console.ticket", code=done["code"]))
