"""What crosses the channel boundary: a channel-neutral inbound message, and the errors a webhook answers with."""

from __future__ import annotations

import hmac
import re
from datetime import datetime, timedelta

from app.config import CLOCK_SKEW, Settings

# A JSON "\ud800" escape decodes to a lone surrogate, which no encoder (Redis, SQLite, hashing) accepts.
_SURROGATE = re.compile("[\ud800-\udfff]")


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
