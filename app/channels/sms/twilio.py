"""Twilio Programmable Messaging: inbound SMS answered inline with TwiML, and delivery status callbacks.

Twilio has no two-way SMS in Vietnam, so this channel serves testing and deployments elsewhere; the Da Nang short code
goes through ``app.channels.sms.gateway``. Nothing here depends on the other. Proactive SMS (notices) go out through the
outbox and Twilio's REST API (``app.channels.sms.twilio_send``); a status callback with error 21610 (the recipient
texted STOP to the carrier) is recorded as an opt-out.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Blueprint, Request, Response, request, url_for
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse
from werkzeug.datastructures import MultiDict

from app.channels.base import BadRequest, WebhookError
from app.channels.sms.common import answer, check_text, outcome, refuse_signature, require, sms_text
from app.channels.sms.twilio_send import TWILIO_OPTED_OUT, TwilioSender
from app.config import Settings
from app.config.constants import REQUIRED
from app.message import InboundMessage, Kind, masked
from app.outbound.consent import record
from app.outbound.delivery import Sender
from app.outbox.base import OutboxStore
from app.services import services
from handlers.reply import Reply

log = logging.getLogger(__name__)
blueprint = Blueprint("twilio", __name__)
CHANNEL = "twilio"
# Twilio's documented MessageStatus values; anything else is counted as "other" so that a new status
# cannot grow the metric's label set without bound.
STATUSES = frozenset({"accepted", "scheduled", "canceled", "queued", "sending", "sent", "failed", "delivered",
                      "undelivered", "receiving", "received", "read", "partially_delivered"})
KEPT = ("To", "AccountSid", "MessagingServiceSid", "NumSegments", "FromCity", "FromCountry")


def public_url() -> str:
    """The URL Twilio signed: the configured public base URL with this request's path and query, or the
    request's own URL (ProxyFix has already applied the proxy's X-Forwarded-Proto/Host to it)."""
    base = services().settings.PUBLIC_BASE_URL
    if not base:
        return request.url
    parts = urlsplit(request.url)  # Werkzeug's percent-encoded form, as the URL configured at Twilio is written
    return base.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else "")


def verify() -> None:
    """``X-Twilio-Signature`` must be Twilio's HMAC over the public URL and every form field.

    No auth token means development (production refuses to start without one, see ``Settings.check``): then
    anyone may post. The signature has no timestamp, so a replayed request verifies; de-duplication on
    ``MessageSid`` (``Services.respond``) answers it with the stored reply, without a second lookup.
    """
    token = services().settings.TWILIO_AUTH_TOKEN
    if not token:
        return
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        raise refuse_signature(CHANNEL, "missing X-Twilio-Signature header")
    url = public_url()
    # request.form itself, not a dict of it: repeated keys are part of what Twilio signs.
    if not RequestValidator(token).validate(url, request.form, signature):
        raise refuse_signature(CHANNEL, f"X-Twilio-Signature does not match {url}")


def _form() -> MultiDict[str, str]:
    # Werkzeug drops a whole form body that is not UTF-8 (Twilio always sends UTF-8): say so, not "missing".
    if not request.form and request.content_length:
        services().metrics.rejected.labels(CHANNEL, "malformed").inc()
        raise BadRequest("the body is not a UTF-8 application/x-www-form-urlencoded form")
    return request.form


def _whole(name: str) -> int:
    raw = request.form.get(name, "0")
    try:
        return int(raw)
    except ValueError:
        services().metrics.rejected.labels(CHANNEL, "malformed").inc()
        raise BadRequest(f"{name} must be a whole number, got {raw[:20]!r}") from None


def parse_inbound() -> InboundMessage:
    fields = require(_form(), ("MessageSid", "From", "Body"), CHANNEL)
    text = check_text(fields["Body"], "Body", CHANNEL)
    # An MMS with a caption is answered from the caption; a bare picture gets "please send text".
    kind: Kind = "unsupported" if _whole("NumMedia") > 0 and not text.strip() else "text"
    extra = {name: request.form[name] for name in KEPT if name in request.form}
    return InboundMessage(CHANNEL, fields["From"], text, fields["MessageSid"], datetime.now(UTC), kind=kind,
                          extra=extra)


def status_url() -> str:
    base = services().settings.PUBLIC_BASE_URL
    if not base:
        return url_for("twilio.status_callback", _external=True)
    return base.rstrip("/") + url_for("twilio.status_callback")


def twiml(text: str | None) -> str:
    """TwiML with one ``<Message>`` holding the SMS text (within ``TONGDAI_SMS_BUDGET``), or an empty
    ``<Response/>`` when nothing is to be said. The ``action`` asks Twilio for delivery status callbacks: an
    inline reply has no other way to request them."""
    twiml = MessagingResponse()
    if text is not None:
        twiml.message(text, action=status_url(), method="POST")
    return str(twiml)


class Twilio:
    """The Twilio SMS channel (``app.channels.base.Channel``)."""

    name = CHANNEL
    blueprint = blueprint
    required = REQUIRED[CHANNEL]

    def verify(self, request: Request) -> None:
        verify()

    def parse(self, request: Request) -> InboundMessage:
        return parse_inbound()

    def render(self, reply: Reply, msg: InboundMessage) -> str:
        return twiml(sms_text(reply))

    def sender(self, settings: Settings, box: OutboxStore, timeout: tuple[float, float]) -> Sender:
        return TwilioSender(settings, timeout)


TWILIO = Twilio()


@blueprint.post("/sms/twilio")
def inbound() -> Response:
    TWILIO.verify(request)
    msg = TWILIO.parse(request)
    handled = request.form.get("OptOutType", "").upper()
    if handled in ("STOP", "START"):  # Advanced Opt-Out: Twilio has answered it already; we only record it
        record_consent(msg.sender, handled == "STOP", "twilio-opt-out-type")
        return Response(twiml(None), mimetype="text/xml")
    said = answer(msg)
    log.info("twilio %s from %s (%s): %s", msg.message_id, masked(msg.sender), msg.kind, outcome(said))
    return Response(twiml(said.text), mimetype="text/xml")


@blueprint.post("/sms/twilio/status")
def status_callback() -> Response:
    TWILIO.verify(request)
    fields = require(_form(), ("MessageSid", "MessageStatus"), CHANNEL)
    status = fields["MessageStatus"] if fields["MessageStatus"] in STATUSES else "other"
    services().metrics.status_callbacks.labels(CHANNEL, status).inc()
    error = request.form.get("ErrorCode", "")
    if error:
        log.warning("twilio %s: %s, error %s", fields["MessageSid"], fields["MessageStatus"], error)
    if error == str(TWILIO_OPTED_OUT) and request.form.get("To"):
        record_consent(request.form["To"], True, "twilio-21610")
    return Response(status=204)


def record_consent(number: str, out: bool, source: str) -> None:
    """What Twilio knows of a STOP or START that our own words did not see: the carrier's STOP on a long code
    (error 21610 in a status callback), or Advanced Opt-Out's ``OptOutType`` on an inbound message. Not recorded:
    a 503, so that Twilio tries again."""
    svc = services()
    if record(svc.consent, svc.settings.sender_salt, CHANNEL, number, out, source) is None:
        raise Unavailable("the opt-out could not be recorded; retry later")
    log.info("twilio number %s opted %s (%s)", masked(number), "out" if out else "in", source)

class Unavailable(WebhookError):
    status = 503
