"""The operators' JSON API: ask as any channel would, behind an API key."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

from flask import Blueprint, Response, jsonify, request

from app.channels.base import BadRequest, BadSignature, InboundMessage, same_secret
from app.openapi import document
from app.services import services
from app.stats import day_of, read_stats
from handlers.render import render as render_reply
from handlers.reply import Reply

log = logging.getLogger(__name__)
blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
CHANNELS = ("sms", "zalo", "json")
MAX_TEXT = 2000


def verify() -> None:
    """``X-API-Key`` must equal ``TONGDAI_API_KEY``; without a key configured (development) anyone may ask."""
    expected = services().settings.TONGDAI_API_KEY
    if not expected:
        return
    given = request.headers.get("X-API-Key", "")
    if not same_secret(given, expected):
        services().metrics.rejected.labels("api", "api_key").inc()
        raise BadSignature("missing or wrong X-API-Key header")


def parse_inbound() -> tuple[InboundMessage, str]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest('send a JSON object: {"text": "...", "channel": "sms|zalo|json", "sender": "..."}')
    text, channel, sender = body.get("text"), body.get("channel", "json"), body.get("sender", "operator")
    if not isinstance(text, str):
        raise BadRequest('"text" is required and must be a string')
    if len(text) > MAX_TEXT:
        raise BadRequest(f'"text" is longer than {MAX_TEXT} characters')
    if channel not in CHANNELS:
        raise BadRequest(f'"channel" must be one of {", ".join(CHANNELS)}')
    if not isinstance(sender, str):
        raise BadRequest('"sender" must be a string')
    msg = InboundMessage("api", sender, text, request.headers.get("X-Request-Id", ""), datetime.now(UTC))
    return msg, channel


def render(reply: Reply, channel: str) -> dict[str, object]:
    rendered = render_reply(reply, channel)
    return {"reply": render_reply(reply, "json"), "channel": channel,
            "rendered": rendered if isinstance(rendered, str) else None}


def send(reply: Reply) -> None:
    """The API answers in its HTTP response; there is nothing to send later."""


@blueprint.get("/openapi.json")
def openapi() -> Response:
    return jsonify(document())


@blueprint.post("/query")
def query() -> Response:
    verify()
    msg, channel = parse_inbound()
    return jsonify(render(services().answer(msg), channel))


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
    return jsonify(found), 200
