"""Telling a reporter that their ticket moved: a small interface the operators' update calls, and its one
implementation, the outbound path (``app.outbound``) on the channel the reporter used.

SMS goes through Twilio's REST API or the gateway's MT push, Zalo through the same outbox; both are stored before
``deliver`` returns and sent by the worker with its retries and dead letters (at least once, at most twice). The
outbound path's rules apply at enqueue and again at each send: nothing to a reporter who opted out on that channel,
no SMS in the quiet hours (it waits for the morning), Zalo only inside its free window after the reporter's last
message. The notice's key (``report:<code>:<history id>``) makes it idempotent: stored once however often it is
given. What happened is a ``Delivery``, which the caller writes into the ticket's history.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from app.config import Settings
from app.outbound.notices import NoticeError, Outbound
from app.outbox.base import OutboxUnavailable
from handlers.render import render_sms, render_zalo
from handlers.reply import Reply
from lookups.clock import VIETNAM

log = logging.getLogger(__name__)
Outcome = Literal["queued", "duplicate", "opted_out", "not_deliverable", "failed"]


@dataclass(frozen=True)
class Notice:
    channel: str  # the channel the reporter used: twilio | gateway | zalo
    recipient: str  # their phone number or Zalo user id
    code: str  # the ticket's code, without "PA-"
    text: str  # the notice as words, used when there is no ``reply`` to render for the channel
    key: str  # unique per change: a notice given twice under one key is sent once
    reply: Reply | None = None  # the notice to render for the channel (SMS: GSM-7 within the SMS budget)


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    reason: str = ""
    due: float = 0.0  # when it may go first (later than now in the quiet hours)

    @property
    def will_send(self) -> bool:
        return self.outcome in ("queued", "duplicate")


class Notifier(Protocol):
    def notify(self, notice: Notice) -> bool:
        """True when the notice is stored for sending (durably), False when it will not be sent."""


class OutboundNotifier:
    """Notices through ``app.outbound.notices``; the outbox and the opt-outs are opened on first use, once."""

    def __init__(self, settings: Settings, outbound: Outbound | None = None) -> None:
        self.settings = settings
        self._outbound = outbound
        self._lock = threading.Lock()

    def outbound(self) -> Outbound:
        with self._lock:
            if self._outbound is None:
                self._outbound = Outbound.for_settings(self.settings)
            return self._outbound

    def text(self, notice: Notice) -> str:
        if notice.reply is None:
            return notice.text
        if notice.channel == "zalo":
            return render_zalo(notice.reply)
        return render_sms(notice.reply, self.settings.TONGDAI_SMS_BUDGET)

    def deliver(self, notice: Notice) -> Delivery:
        try:
            queued = self.outbound().send(notice.channel, notice.recipient, self.text(notice), key=notice.key)
        except NoticeError as exc:
            log.warning("notice %s for PA-%s not sent: %s", notice.key, notice.code, exc)
            return Delivery("failed", str(exc))
        except OutboxUnavailable as exc:
            log.error("notice %s for PA-%s not stored: %s", notice.key, notice.code, exc)
            return Delivery("failed", f"the outbox is unavailable ({exc})")
        except Exception as exc:  # the change is committed already: the operator gets it, with the reason
            log.exception("notice %s for PA-%s not stored", notice.key, notice.code)
            return Delivery("failed", f"the outbox could not be opened ({type(exc).__name__}: {exc})")
        return Delivery(queued.status, queued.reason, queued.due)

    def notify(self, notice: Notice) -> bool:
        return self.deliver(notice).will_send


def deliver(notifier: Notifier, notice: Notice) -> Delivery:
    """What ``notifier`` did with ``notice``, in detail when it can tell (``OutboundNotifier``)."""
    if isinstance(notifier, OutboundNotifier):
        return notifier.deliver(notice)
    return Delivery("queued") if notifier.notify(notice) else Delivery("failed", "the notifier refused it")


def describe(delivery: Delivery, channel: str, key: str, now: float | None = None) -> str:
    """The ticket history's line for a notice."""
    now = time.time() if now is None else now
    words = {"queued": "queued", "duplicate": "queued before", "opted_out": "NOT sent: opted out",
             "not_deliverable": "NOT sent: not deliverable", "failed": "NOT sent: failed"}[delivery.outcome]
    line = f"notice {words} on {channel} ({key})"
    if delivery.will_send and delivery.due > now + 60:
        line += f", held for the quiet hours until {datetime.fromtimestamp(delivery.due, VIETNAM):%H:%M %d/%m/%Y}"
    return f"{line}: {delivery.reason}" if delivery.reason else line


def default_notifier(settings: Settings) -> OutboundNotifier:
    return OutboundNotifier(settings)
