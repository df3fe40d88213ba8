"""Telling a reporter that their ticket moved: a small interface the operators' update calls, and one
implementation per channel.

Zalo: through the durable Zalo outbox (``app.outbox*``), by its public ``enqueue``. The outbox stores webhook
events and the worker builds each reply when it sends, so a notice is stored as the event of the reporter asking
``TT <code>``: what they receive is the ticket's status, agency, public note and dates as of the moment it is
sent, named by its code. The event's ``msg_id`` is ``notice:<code>:<history id>``, so a notice is stored once
however often it is enqueued, and the outbox's retries and dead letters apply to it like to any reply (at least
once: a worker killed mid-send may send it twice).

SMS (Twilio, short-code gateway): not sent yet. The service has no outbound SMS (Twilio replies go inline as
TwiML, the gateway takes its MT in the webhook's answer); the notice is logged and counted as unsent until an
outbound path exists. Opt-out, quiet hours and Zalo's 48-hour window are that path's rules, not this module's.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Protocol

from app.config import Settings
from app.outbox_base import OutboxStore, OutboxUnavailable, open_outbox

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    channel: str  # the channel the reporter used: twilio | gateway | zalo
    recipient: str  # their phone number or Zalo user id
    code: str  # the ticket's code, without "PA-"
    text: str  # the notice as words, for channels that send text as given
    key: str  # unique per change: a notice stored twice under one key is sent once


class Notifier(Protocol):
    def notify(self, notice: Notice) -> bool:
        """True when the notice is stored for sending (durably), False when it cannot be sent."""


class ZaloOutboxNotifier:
    def __init__(self, settings: Settings, box: OutboxStore | None = None) -> None:
        self.settings = settings
        self._box = box
        self._lock = threading.Lock()

    def box(self) -> OutboxStore:
        with self._lock:
            if self._box is None:
                self._box = open_outbox(self.settings)
            return self._box

    def notify(self, notice: Notice) -> bool:
        now = time.time()
        event = {"event_name": "user_send_text", "app_id": self.settings.ZALO_APP_ID,
                 "sender": {"id": notice.recipient}, "recipient": {"id": "tongdai"},
                 "message": {"text": f"TT {notice.code}", "msg_id": notice.key},
                 "timestamp": str(int(now * 1000)), "tongdai_notice": True}
        try:
            self.box().enqueue(notice.key, notice.recipient, json.dumps(event, ensure_ascii=False), now)
        except OutboxUnavailable:
            log.error("zalo notice %s for PA-%s not stored: the outbox is unavailable", notice.key, notice.code)
            return False
        return True


class UnsentSms:
    """Outbound SMS does not exist yet: the notice is logged, not sent (see the module's docstring)."""

    def notify(self, notice: Notice) -> bool:
        log.warning("SMS notice %s for PA-%s not sent: no outbound SMS path is configured", notice.key, notice.code)
        return False


class ByChannel:
    """The notifier of the channel the reporter used."""

    def __init__(self, notifiers: dict[str, Notifier]) -> None:
        self.notifiers = notifiers

    def notify(self, notice: Notice) -> bool:
        found = self.notifiers.get(notice.channel)
        if found is None:
            log.info("no notifier for channel %s: notice %s not sent", notice.channel, notice.key)
            return False
        return found.notify(notice)


def default_notifier(settings: Settings) -> ByChannel:
    sms = UnsentSms()
    return ByChannel({"zalo": ZaloOutboxNotifier(settings), "twilio": sms, "gateway": sms})
