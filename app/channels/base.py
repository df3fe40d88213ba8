"""What crosses the channel boundary: a channel-neutral inbound message, and the errors a webhook answers with."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from app.config import CLOCK_SKEW, Settings

Kind = Literal["text", "location", "follow", "unfollow", "unsupported", "ignored"]
# A JSON "\ud800" escape decodes to a lone surrogate, which no encoder (Redis, SQLite, hashing) accepts.
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class InboundMessage:
    channel: str  # twilio | gateway | zalo | api
    sender: str  # phone number or Zalo user id; never logged in clear beyond debug
    text: str
    message_id: str  # the provider's id (MessageSid, smsid, msg_id), for de-duplication
    received_at: datetime
    kind: Kind = "text"
    latitude: float | None = None
    longitude: float | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False)  # provider fields a reply needs back


class WebhookError(Exception):
    """A request we refuse; ``status`` is the HTTP status, the message the reason given to the caller."""

    status = 400


class BadSignature(WebhookError):
    status = 401


class BadRequest(WebhookError):
    status = 400


def has_surrogates(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def without_surrogates(text: str) -> str:
    """What a resident wrote, less the lone surrogates no phone sends: still worth an answer."""
    return _SURROGATE.sub("", text)


def same_secret(given: str | bytes, expected: str | bytes) -> bool:
    """Constant-time comparison, so a forger learns nothing from how fast a wrong signature is refused."""
    a = given.encode() if isinstance(given, str) else given
    b = expected.encode() if isinstance(expected, str) else expected
    return hmac.compare_digest(a, b)


def in_replay_window(settings: Settings, sent: datetime, now: datetime) -> bool:
    """Is a message the provider stamped ``sent`` recent enough (``TONGDAI_REPLAY_WINDOW``), and not further ahead
    than the clocks may differ (``CLOCK_SKEW``), to be answered at ``now``? Older ones are replays."""
    return timedelta(seconds=-CLOCK_SKEW) <= now - sent <= timedelta(seconds=settings.TONGDAI_REPLAY_WINDOW)
