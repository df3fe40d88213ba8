"""Zalo Official Account webhook: verify the signature, store the event durably, answer 200 at once.

Zalo expects its webhook to answer fast (and may retry for hours when it does not), so nothing is answered here: the
verified event goes into the outbox (``app.outbox``) before the 200, and ``app.outbound.worker`` builds the reply
(``app.channels.zalo.messages.render``) and sends it (``app.channels.zalo.client``). Receipts, echoes of our own
messages and events we cannot answer are acknowledged and counted, never stored.

The signature is checked over the raw bytes before anything parses them (``ZALO.verify``, with
``app.channels.zalo.events``), then the event is parsed and must be the one signed (``ZALO.parse``). Then the
event's age: one outside ``TONGDAI_REPLAY_WINDOW`` (or more than ``CLOCK_SKEW`` ahead) is a replay that may have
outlived its de-duplication, and is acknowledged with ``200 {"status": "stale"}``, neither stored nor answered:
Zalo re-delivers what gets a non-2xx for hours, and a re-delivery can only be older, so an error would bring the
same refused event back again and again. Then the sender's rate and loop limits (``app.guard.screen``), as on SMS.

``unfollow`` ("Bỏ quan tâm") opts the user out of notices and ``follow`` opts them back in (``app.outbound.consent``),
recorded before the 200; the welcome for a follow is queued as before.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Blueprint, Flask, Request, Response, g, jsonify, make_response, request
from flask.blueprints import BlueprintSetupState

from app.channels.base import BadRequest, BadSignature, in_replay_window
from app.channels.zalo.client import make_sender
from app.channels.zalo.events import HEADER, check_signed, decode, parse_inbound, verify
from app.channels.zalo.messages import GUARD, render
from app.config import Settings
from app.config.constants import REQUIRED
from app.guard import screen
from app.message import InboundMessage
from app.outbound.consent import record
from app.outbound.delivery import Sender
from app.outbound.notices import outbox as shared_outbox
from app.outbox.base import OutboxStore, OutboxUnavailable
from app.services import Services, services
from handlers.reply import Reply

log = logging.getLogger(__name__)
blueprint = Blueprint("zalo", __name__, url_prefix="/zalo")


class Zalo:
    """The Zalo OA channel (``app.channels.base.Channel``)."""

    name = "zalo"
    blueprint = blueprint
    required = REQUIRED["zalo"]

    def verify(self, request: Request) -> None:
        """The signature over the raw bytes; what it was made with is kept for ``parse`` to check against the event.
        Without the OA key (development only: ``check`` refuses production) events are not verified."""
        settings = services().settings
        raw = request.get_data()  # raises 413 past MAX_CONTENT_LENGTH
        if settings.ZALO_OA_SECRET_KEY:
            g.zalo_signed = verify(raw, request.headers.get(HEADER, ""), settings.ZALO_OA_SECRET_KEY,
                                   settings.ZALO_APP_ID)

    def parse(self, request: Request) -> InboundMessage:
        body = decode(request.get_data())
        if signed := g.pop("zalo_signed", None):
            check_signed(body, *signed)
        return parse_inbound(body)

    def render(self, reply: Reply, msg: InboundMessage) -> dict[str, Any]:
        return render(reply)

    def sender(self, settings: Settings, box: OutboxStore, timeout: tuple[float, float]) -> Sender:
        return make_sender(settings, box, timeout)


ZALO = Zalo()


@blueprint.record_once
def _setup(state: BlueprintSetupState) -> None:
    app = state.app
    assert isinstance(app, Flask)
    box = shared_outbox(app)  # Redis when REDIS_URL is set, else SQLite
    services(app).metrics.dead_letters.set_function(box.dead_letter_count)  # read from the store, in every process


def outbox(app: Flask | None = None) -> OutboxStore:
    from flask import current_app

    return shared_outbox(app or current_app._get_current_object())  # type: ignore[attr-defined]


@blueprint.get("/webhook")
def webhook_check() -> Response:
    """Lets the Zalo console (and an operator with curl) see the URL is alive."""
    return jsonify(status="ok")


@blueprint.post("/webhook")
def webhook() -> Response:
    svc = services()
    try:
        ZALO.verify(request)
        msg = ZALO.parse(request)
    except (BadSignature, BadRequest) as exc:
        svc.metrics.rejected.labels("zalo", "signature" if isinstance(exc, BadSignature) else "bad_request").inc()
        log.warning("zalo webhook refused: %s", exc)
        raise
    if msg.kind == "ignored":
        svc.metrics.ignored.labels("zalo", msg.extra["event"]).inc()
        return jsonify(status="ignored")
    if not fresh(svc, msg):
        return jsonify(status="stale")
    if msg.kind in ("follow", "unfollow") and not _consent(svc, msg):
        svc.metrics.rejected.labels("zalo", "store_unavailable").inc()
        return make_response(jsonify(error="temporarily unavailable, retry later"), 503)
    if msg.kind == "unfollow":
        return jsonify(status="opted_out")
    event = request.get_data(as_text=True)
    if msg.kind != "follow":
        limited = screen(svc, msg, svc.now())
        if isinstance(limited, str):  # over the rate, or a loop: acknowledged, counted, not answered
            return jsonify(status="limited")
        if limited is not None:  # the one "please wait": the worker sends that instead of an answer
            event = json.dumps({**json.loads(event), GUARD: "limited"})
    try:
        stored = outbox().enqueue(msg.message_id, msg.sender, event)
    except OutboxUnavailable:  # logged by the store, once per outage; Zalo delivers the event again later
        svc.metrics.rejected.labels("zalo", "store_unavailable").inc()
        return make_response(jsonify(error="temporarily unavailable, retry later"), 503)
    if not stored:
        log.info("zalo event %s delivered again; already stored", msg.message_id)
    return jsonify(status="queued" if stored else "duplicate")


def _consent(svc: Services, msg: InboundMessage) -> bool:
    """Record an unfollow as an opt-out, a follow as an opt-in (and as the user's last contact); False when the
    store cannot be reached (Zalo delivers the event again later)."""
    seen = msg.received_at.timestamp() if msg.kind == "follow" else None
    return record(svc.consent, svc.settings.sender_salt, "zalo", msg.sender, msg.kind == "unfollow", msg.kind,
                  seen) is not None

def fresh(svc: Services, msg: InboundMessage) -> bool:
    """Is the event within the replay window (see the module's docstring)? Counted and logged when not."""
    now = svc.now()
    if in_replay_window(svc.settings, msg.received_at, now):
        return True
    svc.metrics.rejected.labels("zalo", "stale").inc()
    log.warning("zalo event %s refused: its timestamp %s is outside the replay window (now %s)", msg.message_id,
                msg.received_at.isoformat(timespec="seconds"), now.isoformat(timespec="seconds"))
    return False
