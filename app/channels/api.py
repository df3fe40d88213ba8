"""The operators' JSON API: ask as any channel would, behind an API key.

Calls are limited per API key (``TONGDAI_API_RATE_LIMIT`` a minute, 429 past it), not per ``sender``, which the
caller chooses freely. A call with a ``sender`` keeps that sender's conversation (a ``2`` picks from the list it
was offered); a call without one has none, so a bare ``2`` cannot pick from another caller's list.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint, Request, Response, current_app, jsonify, request

from app.channels.base import BadRequest, BadSignature, CannotSend, WebhookError, has_surrogates, same_secret
from app.channels.base import without_surrogates as clean
from app.config import Settings
from app.config.constants import REQUIRED
from app.guard import api_allowance
from app.message import InboundMessage
from app.openapi import document
from app.outbound.consent import opted_out
from app.outbound.delivery import Sender
from app.outbound.notices import NoticeError, channel_for, outbound
from app.outbox.base import OutboxStore, OutboxUnavailable
from app.services import services
from app.stats import day_of, read_stats
from handlers.render import render as render_reply
from handlers.render import render_json
from handlers.reply import Reply

log = logging.getLogger(__name__)
blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
CHANNELS = ("sms", "zalo", "json")
MAX_TEXT = 2000
KEY_MAX = 200  # a notice's idempotency key


class TooMany(WebhookError):
    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def verify() -> None:
    """``X-API-Key`` must equal ``TONGDAI_API_KEY`` (without a key configured, in development, anyone may ask),
    and the key must be within its calls a minute."""
    svc = services()
    expected, given = svc.settings.TONGDAI_API_KEY, request.headers.get("X-API-Key", "")
    if expected and not same_secret(given, expected):
        svc.metrics.rejected.labels("api", "api_key").inc()
        raise BadSignature("missing or wrong X-API-Key header")
    wait = api_allowance(svc, given, svc.now())
    if wait is not None:
        raise TooMany(f"over {svc.settings.TONGDAI_API_RATE_LIMIT} calls a minute for this API key; "
                      f"retry in {wait} s", wait)


def _json_body() -> Any:
    try:
        return json.loads(request.get_data(cache=False))
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested past the parser's depth
        return None


def parse_inbound() -> InboundMessage:
    """The query as a message; the rendering asked for (``"channel"``) travels in ``extra["render"]``."""
    body = _json_body()
    if not isinstance(body, dict):
        raise BadRequest('send a JSON object: {"text": "...", "channel": "sms|zalo|json", "sender": "..."}')
    text, channel, sender = body.get("text"), body.get("channel", "json"), body.get("sender", "")
    if not isinstance(text, str):
        raise BadRequest('"text" is required and must be a string')
    if len(text) > MAX_TEXT:
        raise BadRequest(f'"text" is longer than {MAX_TEXT} characters')
    if channel not in CHANNELS:
        raise BadRequest(f'"channel" must be one of {", ".join(CHANNELS)}')
    if not isinstance(sender, str) or has_surrogates(sender):
        raise BadRequest('"sender" must be a string of valid Unicode')
    return InboundMessage("api", sender, clean(text), request.headers.get("X-Request-Id", ""), datetime.now(UTC),
                          extra={"render": channel})


def render(reply: Reply, channel: str) -> dict[str, Any]:
    structured = render_json(reply)  # rendered once, also when it is the channel asked for
    rendered = structured if channel == "json" else render_reply(reply, channel)
    return {"reply": structured, "channel": channel, "rendered": rendered if isinstance(rendered, str) else None}


class Api:
    """The operators' JSON API as a channel (``app.channels.base.Channel``): it answers in its HTTP response, so
    it has no sender."""

    name = "api"
    blueprint = blueprint
    required = REQUIRED["api"]

    def verify(self, request: Request) -> None:
        verify()

    def parse(self, request: Request) -> InboundMessage:
        return parse_inbound()

    def render(self, reply: Reply, msg: InboundMessage) -> dict[str, Any]:
        return render(reply, msg.extra.get("render", "json"))

    def sender(self, settings: Settings, box: OutboxStore, timeout: tuple[float, float]) -> Sender:
        raise CannotSend("the api channel answers in its HTTP response; it has nothing to send later")


API = Api()


@blueprint.post("/notices")
def notice() -> tuple[Response, int]:
    """Queue a notice to one resident (``app.outbound.notices``): 202 queued, 200 already queued under this ``key``, 409
    when nothing will be sent (the recipient opted out, or is outside Zalo's free window)."""
    verify()
    body = _json_body()
    if not isinstance(body, dict):
        raise BadRequest('send a JSON object: {"channel": "sms|twilio|gateway|zalo", "to": "...", "text": "..."}')
    for name in ("channel", "to", "text", "key"):
        value = body.get(name)
        if (value is not None or name != "key") and (not isinstance(value, str) or has_surrogates(value)):
            raise BadRequest(f'"{name}" {"must" if name == "key" else "is required and must"} be a string')
    if len(body.get("key") or "") > KEY_MAX:
        raise BadRequest(f'"key" is longer than {KEY_MAX} characters')
    channel = channel_for(body["channel"], services().settings)
    try:
        queued = outbound(current_app._get_current_object()).send(  # type: ignore[attr-defined]
            channel, body["to"], body["text"], key=body.get("key"))
    except NoticeError as exc:
        raise BadRequest(str(exc)) from None
    except OutboxUnavailable:
        return jsonify(error="the outbox cannot be reached; retry later"), 503
    answer = {"status": queued.status, "channel": channel, "key": queued.key,
              "due": datetime.fromtimestamp(queued.due, UTC).isoformat(timespec="seconds")}
    if queued.reason:
        answer["error"] = queued.reason
    return jsonify(answer), {"queued": 202, "duplicate": 200}.get(queued.status, 409)


@blueprint.get("/openapi.json")
def openapi() -> Response:
    return jsonify(document())


@blueprint.post("/query")
def query() -> Response:
    API.verify(request)
    msg = API.parse(request)
    return jsonify(API.render(services().answer(msg), msg))


@blueprint.errorhandler(TooMany)
def too_many(exc: TooMany) -> tuple[Response, int, dict[str, str]]:
    return jsonify(error=str(exc)), exc.status, {"Retry-After": str(exc.retry_after)}


@blueprint.get("/stats")
def stats() -> tuple[Response, int]:
    """The day's query statistics (``?day=YYYY-MM-DD``, default today in Da Nang)."""
    verify()
    raw = request.args.get("day") or day_of(datetime.now(UTC))
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise BadRequest('"day" must be a date: YYYY-MM-DD') from None
    found = read_stats(services().state, day)
    if found is None:
        return jsonify(error="the state store (Redis) cannot be reached; try again shortly"), 503
    return jsonify({**found, "opted_out": opted_out(services().consent)}), 200
