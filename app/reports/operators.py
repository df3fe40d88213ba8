"""The operators' JSON API for tickets, under ``/api/v1/reports`` behind ``X-API-Key`` (described in
``/api/v1/openapi.json``): the same operations as ``tongdai reports``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request

from app.channels.api import verify
from app.reports.operations import Filters, OperationError, operations_of
from app.services import services
from lookups.clock import VIETNAM

blueprint = Blueprint("reports_api", __name__, url_prefix="/api/v1/reports")


@blueprint.errorhandler(OperationError)
def refused(exc: OperationError) -> tuple[Response, int]:
    return jsonify(error=str(exc)), exc.status


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise OperationError("send a JSON object")
    for name, value in body.items():
        if not isinstance(value, str):
            raise OperationError(f'"{name}" must be a string')
    return body


def _actor(body: dict[str, Any]) -> str:
    return "operator:" + (body.get("actor") or "api")[:60]


def aware(raw: str, name: str) -> datetime:
    """An ISO 8601 date or time; without an offset it is read as Da Nang time (UTC+07:00)."""
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise OperationError(f"{name} must be an ISO 8601 date or time, e.g. 2026-12-01 or "
                             f"2026-12-01T08:00+07:00") from None
    if value.tzinfo is None:

        value = value.replace(tzinfo=VIETNAM)
    return value


@blueprint.get("")
def list_tickets() -> Response:
    verify()
    args = request.args
    try:
        limit = int(args.get("limit", "100"))
    except ValueError:
        raise OperationError("limit must be a whole number") from None
    since = aware(args["since"], "since") if args.get("since") else None
    filters = Filters(args.get("status", ""), args.get("service", ""), args.get("ward", ""), since, limit)
    return jsonify(tickets=operations_of(services()).list(filters))


@blueprint.get("/<code>")
def show(code: str) -> Response:
    verify()
    return jsonify(operations_of(services()).show(code))


@blueprint.patch("/<code>")
def update(code: str) -> Response:
    verify()
    body = _body()
    return jsonify(operations_of(services()).update(
        code, status=body.get("status", ""), note=body.get("note", ""), agency=body.get("agency", ""),
        actor=_actor(body), now=datetime.now(UTC)))


@blueprint.post("/<code>/merge")
def merge(code: str) -> Response:
    verify()
    body = _body()
    if not body.get("into"):
        raise OperationError('"into" is required: the code of the ticket that stays')
    return jsonify(operations_of(services()).merge(code, body["into"], actor=_actor(body), now=datetime.now(UTC)))


@blueprint.post("/purge")
def purge() -> Response:
    verify()
    body = _body()
    if not body.get("before"):
        raise OperationError('"before" is required: contacts of tickets closed before it are removed')
    count = operations_of(services()).purge(aware(body["before"], "before"), actor=_actor(body), now=datetime.now(UTC))
    return jsonify(purged=count)
