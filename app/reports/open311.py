"""Open311 GeoReport v2 under ``/open311/v2/``: the city's tickets for FixMyStreet-style apps and back offices.

Every method in JSON and XML, with the spec's field names: ``service_request_id`` is the resident's code
(``PA-7KQ3M``); ``status`` is open or closed with our finer status in ``status_notes``; times are ISO 8601 in Da
Nang time (``+07:00``); errors are a list of ``{code, description}``. The reporter's phone number, e-mail and Zalo
id are never in an answer, and phone-like numbers in descriptions are masked. POST needs ``api_key``
(``TONGDAI_OPEN311_KEY``, else ``TONGDAI_API_KEY``): a wrong one is 403.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.channels.base import same_secret
from app.reports.desk import store_of
from app.reports.models import TicketRow
from app.reports.open311_format import request_fields, service_notice, to_xml
from app.reports.repository import to_ticket
from app.services import services
from handlers.reports import codes
from handlers.reports.catalog import Service
from handlers.reports.filing import locate, new_ticket
from handlers.reports.store import CLOSED
from lookups.clock import VIETNAM

log = logging.getLogger(__name__)
blueprint = Blueprint("open311", __name__, url_prefix="/open311/v2")
WINDOW = timedelta(days=90)
MAX_REQUESTS = 1000
MAX_DESCRIPTION = 4000
CHANGESET = "2026-12-01T00:00:00+07:00"


class Open311Error(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description


@blueprint.errorhandler(Open311Error)
def refused(exc: Open311Error) -> Response:
    return answer([{"code": exc.code, "description": exc.description}], "errors", "error", status=exc.code)


def _format() -> str:
    return "xml" if request.path.endswith(".xml") else "json"


def answer(items: Any, root: str, item: str, status: int = 200) -> Response:
    xml = _format() == "xml"
    # JSON keeps the spec's field order (jsonify would sort the keys)
    body = to_xml(items, root, item) if xml else json.dumps(items, ensure_ascii=False)
    response = Response(body, mimetype="text/xml" if xml else "application/json")
    response.status_code = status
    return response


@blueprint.get("/discovery.<any(json, xml):fmt>")
def discovery(fmt: str) -> Response:
    base = request.url_root.rstrip("/") + blueprint.url_prefix  # type: ignore[operator]
    found = {"changeset": CHANGESET, "contact": "Tổng đài phản ánh hiện trường (tongdai)",
             "key_service": "Ask the city's hotline operators for an api_key",
             "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": base,
                            "changeset": CHANGESET, "type": "production",
                            "formats": ["application/json", "text/xml"]}]}
    return answer(found, "discovery", "endpoint")


def _service(service: Service) -> dict[str, Any]:
    return {"service_code": service.code, "service_name": service.name_vi, "description": service.description,
            "metadata": False, "type": "realtime", "keywords": ",".join(service.words), "group": service.group}


@blueprint.get("/services.<any(json, xml):fmt>")
def service_list(fmt: str) -> Response:
    return answer([_service(s) for s in services().reports.services.services.values()], "services", "service")


@blueprint.get("/services/<code>.<any(json, xml):fmt>")
def service_definition(code: str, fmt: str) -> Response:
    if code not in services().reports.services.services:
        raise Open311Error(404, f"service_code {code} not found")
    return answer({"service_code": code, "attributes": []}, "service_definition", "attribute")


def _check_key(form: dict[str, str]) -> None:
    settings = services().settings
    expected = settings.TONGDAI_OPEN311_KEY or settings.TONGDAI_API_KEY
    if not expected:
        if settings.production:
            raise Open311Error(403, "this endpoint takes no new requests: no api_key is configured")
        return  # development: anyone may post
    if not same_secret(form.get("api_key", ""), expected):
        services().metrics.rejected.labels("open311", "api_key").inc()
        raise Open311Error(403, "api_key is missing or not valid")


def _coordinates(form: dict[str, str]) -> tuple[float | None, float | None]:
    if not form.get("lat") and not form.get("long"):
        return None, None
    try:
        lat, lon = float(form.get("lat", "")), float(form.get("long", ""))
    except ValueError:
        raise Open311Error(400, "lat and long must both be decimal degrees (WGS84)") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Open311Error(400, "lat must be within -90..90 and long within -180..180")
    return lat, lon


@blueprint.post("/requests.<any(json, xml):fmt>")
def create(fmt: str) -> Response:
    form = {k: v for k, v in request.form.items()}
    _check_key(form)
    svc = services()
    desk = svc.reports
    code = form.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code was not provided")
    service = desk.services.services.get(code)
    if service is None:
        raise Open311Error(404, f"service_code {code} not found")
    lat, lon = _coordinates(form)
    address = form.get("address_string", "").strip()[:300]
    if lat is None and not address and not form.get("address_id"):
        raise Open311Error(400, "a location is required: lat and long, address_string or address_id")
    description = form.get("description", "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, f"description is longer than {MAX_DESCRIPTION} characters")
    place = locate(desk.places, address or description, address, lat, lon)
    now = datetime.now(UTC)
    token = uuid.uuid4().hex
    ticket = desk.store.create(new_ticket(
        desk, service, place, now, description=description or service.name_vi, channel="open311",
        media_url=form.get("media_url", "").strip()[:1000], token=token), now)
    log.info("open311 request PA-%s filed (%s)", ticket.code, code)
    notice = service_notice(service)
    if svc.settings.TONGDAI_OPEN311_TOKENS:
        return answer([{"token": token, "service_notice": notice, "account_id": None}], "service_requests", "request")
    return answer([{"service_request_id": codes.display(ticket.code), "service_notice": notice, "account_id": None}],
                  "service_requests", "request")


@blueprint.get("/tokens/<token>.<any(json, xml):fmt>")
def token_lookup(token: str, fmt: str) -> Response:
    with store_of(services().reports).session() as session:
        row = session.scalars(select(TicketRow).where(TicketRow.token == token)).first() if token else None
    if row is None:
        raise Open311Error(404, f"token {token[:40]} not found")
    return answer([{"service_request_id": codes.display(row.code), "token": token}], "service_requests", "request")


def _when(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, f"{name} must be a w3 datetime, e.g. 2026-12-01T00:00:00+07:00") from None
    return value if value.tzinfo else value.replace(tzinfo=VIETNAM)


def _ids(raw: str) -> list[str]:
    found = [codes.normalise(part) for part in raw.split(",")[:MAX_REQUESTS]]
    return [c for c in found if c]


@blueprint.get("/requests.<any(json, xml):fmt>")
def request_list(fmt: str) -> Response:
    args = request.args
    query = select(TicketRow).options(selectinload(TicketRow.attachments))
    if args.get("service_request_id"):  # overrides every other filter
        query = query.where(TicketRow.code.in_(_ids(args["service_request_id"])))
    else:
        start, end = _when("start_date"), _when("end_date")
        if start and end and end - start > WINDOW:
            raise Open311Error(400, "start_date and end_date may not be more than 90 days apart")
        if start and end and end < start:
            raise Open311Error(400, "end_date is before start_date")
        end = end or (start + WINDOW if start else None)
        start = start or (end or datetime.now(UTC)) - WINDOW
        query = query.where(TicketRow.created_at >= start)
        if end:
            query = query.where(TicketRow.created_at <= end)
        if args.get("service_code"):
            query = query.where(TicketRow.service_code.in_(args["service_code"].split(",")[:100]))
        wanted = {s.strip() for s in args.get("status", "").split(",") if s.strip()}
        if wanted - {"open", "closed"}:
            raise Open311Error(400, "status must be open or closed (comma delimited)")
        if wanted == {"open"}:
            query = query.where(TicketRow.status.not_in(sorted(CLOSED)))
        elif wanted == {"closed"}:
            query = query.where(TicketRow.status.in_(sorted(CLOSED)))
    return answer(_requests(query.order_by(TicketRow.created_at.desc()).limit(MAX_REQUESTS)), "service_requests",
                  "request")


@blueprint.get("/requests/<request_id>.<any(json, xml):fmt>")
def request_one(request_id: str, fmt: str) -> Response:
    code = codes.normalise(request_id)
    found = _requests(select(TicketRow).options(selectinload(TicketRow.attachments))
                      .where(TicketRow.code == (code or ""))) if code else []
    if not found:
        raise Open311Error(404, f"service_request_id {request_id[:40]} not found")
    return answer(found, "service_requests", "request")


def _requests(query: Any) -> list[dict[str, Any]]:
    desk = services().reports
    with store_of(desk).session() as session:
        tickets = [to_ticket(row, store_of(desk).media_base) for row in session.scalars(query)]
    root = request.url_root.rstrip("/")
    return [request_fields(t, desk.services.services.get(t.service_code), root) for t in tickets]
