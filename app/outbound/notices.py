"""Proactive messages on any channel: a notice to a resident that is not the reply to their message (a report's new
status, an operator's announcement). The one public entry point is ``Outbound.send``, reached from a request with
``outbound(current_app)`` or from a command with ``Outbound.for_settings``::

    from app.outbound.notices import outbound
    queued = outbound(current_app).send("zalo", user_id, "Phản ánh PA-123 đã được xử lý.", key="report:123:closed")
    if queued.status in ("opted_out", "not_deliverable"): ...   # nothing will be sent (queued.reason says why)

A notice is stored in the outbox (durably, before ``send`` returns) and sent by the outbox worker with its retries,
back-off and dead letters: delivered at least once, at most twice. Each channel's rules are honoured, at enqueue and
again at each send: nothing to a recipient who opted out on that channel (``app.outbound.consent``); SMS (``twilio``,
``gateway``) only outside ``TONGDAI_QUIET_HOURS`` (a notice queued at night waits for the morning); Zalo only inside
the free consultation window after the user's last message (``TONGDAI_ZALO_WINDOW_HOURS``), else not deliverable.
SMS text is sent accent-free (GSM-7), at most ``TONGDAI_SMS_BUDGET`` characters; Zalo text at most 2,000.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from flask import Flask

from app.config import Settings
from app.message import masked
from app.outbound.consent import SMS_CHANNELS, ConsentStore, consent_key, open_consent, phone_digits
from app.outbound.quiet import quiet_until
from app.outbox import open_outbox
from app.outbox.base import Job, OutboxStore, OutboxUnavailable
from handlers.gsm7 import to_gsm7

if TYPE_CHECKING:
    from app.outbound.policy import WorkerConfig
    from app.services import Services

log = logging.getLogger(__name__)
OUTBOX = "tongdai.outbox"
ZALO_MAX = 2000
Refusal = Literal["opted_out", "not_deliverable"]  # why a notice may never go
Status = Literal["queued", "duplicate", Refusal]


class NoticeError(ValueError):
    """A notice that cannot be queued as asked (unknown or unconfigured channel, empty or too long text)."""


@dataclass(frozen=True)
class Queued:
    status: Status  # queued, or duplicate (queued before under this key): it will be sent; the others: never
    key: str  # the outbox message id (``notice:<key>``)
    due: float  # when it may go first (epoch seconds): later than now in the quiet hours
    reason: str = ""


def channel_for(name: str, settings: Settings) -> str:
    """``sms`` is the channel that can send SMS here, the gateway first (Twilio has no two-way SMS in Vietnam);
    any other name is itself."""
    if name != "sms":
        return name
    able = settings.outbound_channels()
    return next((c for c in ("gateway", "twilio") if c in able), "gateway")


def outbox(app: Flask) -> OutboxStore:
    """The app's outbox (Redis when ``REDIS_URL`` is set, else SQLite), opened once and shared by every channel."""
    found: OutboxStore | None = app.extensions.get(OUTBOX)
    if found is None:
        from app.services import services

        found = app.extensions[OUTBOX] = open_outbox(services(app).settings)
    return found


def outbound(app: Flask) -> Outbound:
    from app.services import services

    svc = services(app)
    return Outbound(svc.settings, outbox(app), svc.consent)


class Outbound:
    def __init__(self, settings: Settings, box: OutboxStore, consent: ConsentStore) -> None:
        self.settings, self.box, self.consent = settings, box, consent
        self.quiet = settings.quiet_hours

    @classmethod
    def for_settings(cls, settings: Settings) -> Outbound:
        return cls(settings, open_outbox(settings), open_consent(settings))

    def send(self, channel: str, to: str, text: str, key: str | None = None, now: float | None = None) -> Queued:
        """Queue ``text`` for ``to`` on ``channel`` (twilio, gateway or zalo: the channel the resident wrote on;
        ``to`` is their phone number or Zalo user id). ``key`` makes it idempotent: a second call with the same key
        (for at least a day) is a ``duplicate`` and queues nothing. Raises ``NoticeError`` for a notice that cannot
        be sent as asked, ``app.outbox.base.OutboxUnavailable`` when the outbox or the opt-outs cannot be read."""
        now = time.time() if now is None else now
        body = self._body(channel, to, text)
        msg_id = f"notice:{key or uuid.uuid4().hex}"
        to = str(body["to"]) if channel in SMS_CHANNELS else to.strip()
        try:
            refused = refusal(self.consent, channel, consent_key(self.settings.sender_salt, channel, to), now,
                              self.settings.TONGDAI_ZALO_WINDOW_HOURS * 3600)
        except Exception as exc:  # never queue on a guess about consent
            raise OutboxUnavailable(f"the opt-outs in {self.consent.where} cannot be read: {exc}") from exc
        if refused:
            log.info("%s notice %s not queued: %s", channel, msg_id, REFUSED[refused])
            return Queued(refused, msg_id, now, REFUSED[refused])
        due = (quiet_until(self.quiet, now) if channel in SMS_CHANNELS else None) or now
        if channel in SMS_CHANNELS:
            body["request_id"] = msg_id[-50:]  # the gateway refuses a RequestId it has seen: no double send there
        stored = self.box.enqueue(msg_id, to, "", now, channel=channel, message=json.dumps(body, ensure_ascii=False),
                                  due=due)
        return Queued("queued" if stored else "duplicate", msg_id, due)

    def _body(self, channel: str, to: str, text: str) -> dict[str, object]:
        if channel not in self.settings.outbound_channels():
            raise NoticeError(f"the {channel} channel cannot send here: it must be in TONGDAI_CHANNELS and configured"
                              f" ({CONFIGURE.get(channel, 'one of twilio, gateway, zalo')})")
        if not to.strip():
            raise NoticeError("no recipient")
        text = " ".join(text.split()) if channel in SMS_CHANNELS else text.strip()
        if not text:
            raise NoticeError("the text is empty")
        if channel == "zalo":
            if len(text) > ZALO_MAX:
                raise NoticeError(f"a Zalo message is at most {ZALO_MAX} characters; this one has {len(text)}")
            return {"recipient": {"user_id": to.strip()}, "message": {"text": text}}
        text = to_gsm7(text)
        budget = self.settings.TONGDAI_SMS_BUDGET
        if len(text) > budget:
            raise NoticeError(f"an SMS notice is at most {budget} characters (TONGDAI_SMS_BUDGET); this one has "
                              f"{len(text)}")
        digits = phone_digits(to)
        if not 8 <= len(digits) <= 15:  # E.164 allows 15 digits with the country code
            raise NoticeError(f"{to!r} is not a phone number")
        return {"to": "+" + digits if channel == "twilio" else digits, "text": text}


CONFIGURE = {"twilio": "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID",
             "gateway": "SMS_GATEWAY_API_KEY and SMS_GATEWAY_SECRET_KEY", "zalo": "the Zalo OA settings"}


REFUSED: dict[Refusal, str] = {"opted_out": "the recipient opted out on this channel",
                               "not_deliverable": "outside Zalo's free consultation window"}


def refusal(consent: ConsentStore, channel: str, who: str, now: float, window: float) -> Refusal | None:
    """Why no notice may go to ``who`` on ``channel`` at ``now`` (a key of ``REFUSED``), in one read of the consent
    store: they opted out, or it is Zalo and ``now`` is past the ``window`` (seconds) after their last message (or
    they never wrote). None: it may go. Raises whatever the store raises when it cannot be read."""
    standing = consent.standing(channel, who)
    if standing.out:
        return "opted_out"
    if channel == "zalo" and now - (standing.last_seen or 0.0) > window:
        return "not_deliverable"
    return None


def hold(job: Job, svc: Services, box: OutboxStore, config: WorkerConfig, now: float) -> str | None:
    """What keeps a claimed notice from going now, recorded in ``box``: the recipient opted out or Zalo's window
    closed ("failed", for good), quiet hours or an unreadable consent store ("postponed"). None: it may go."""
    try:
        refused = refusal(svc.consent, job.channel, consent_key(svc.settings.sender_salt, job.channel, job.user_id),
                          now, config.zalo_window)
    except Exception as exc:  # never send on a guess; try again later
        log.warning("%s notice %s waits: the consent store cannot be read (%s)", job.channel, job.id, exc)
        box.postpone(job.id, "consent store unavailable", max(now, time.time()) + config.delay(job.attempts))
        return "postponed"
    if refused:
        reason = "opted out" if refused == "opted_out" else f"not deliverable: {REFUSED[refused]}"
        svc.metrics.send_failures.labels(job.channel, refused).inc()
        log.info("%s notice %s to %s not sent: %s", job.channel, job.id, masked(job.user_id), reason)
        box.fail(job.id, reason)
        return "failed"
    until = quiet_until(config.quiet, now) if job.channel in SMS_CHANNELS else None
    if until is not None:
        box.postpone(job.id, "quiet hours", until)
        return "postponed"
    return None
