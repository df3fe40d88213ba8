"""What every channel is (``Channel``), the errors a webhook answers with, and the checks channels share.

A channel is a way residents reach the service: one folder or module under ``app/channels/``, which exposes one object
implementing ``Channel``; ``create_app`` registers an explicit tuple of them (``app.CHANNELS``). Channels never import
each other; what two share lives here (or, for the two SMS channels, in ``app.channels.sms.common``)."""

from __future__ import annotations

import hmac
import re
from datetime import datetime, timedelta
from typing import Any, Protocol

from flask import Blueprint, Request

from app.config import CLOCK_SKEW, Settings
from app.message import InboundMessage
from app.outbound.delivery import Sender
from app.outbox.base import OutboxStore
from handlers.reply import Reply

# A JSON "\ud800" escape decodes to a lone surrogate, which no encoder (Redis, SQLite, hashing) accepts.
_SURROGATE = re.compile("[\ud800-\udfff]")


class WebhookError(Exception):
    """A request we refuse; ``status`` is the HTTP status, the message the reason given to the caller."""

    status = 400


class BadSignature(WebhookError):
    status = 401


class BadRequest(WebhookError):
    status = 400


class CannotSend(Exception):
    """The channel has no outbound send (the API answers in its HTTP response and has no one to send to later)."""


class Channel(Protocol):
    """One channel. Its webhook routes call ``verify`` and then ``parse`` on each request, answer through
    ``Services``, and ``render`` the reply; the outbox worker sends notices (and Zalo's replies) with ``sender``."""

    @property
    def name(self) -> str:
        """Its word in ``TONGDAI_CHANNELS``, the ``channel`` label of the metrics and ``InboundMessage.channel``."""

    @property
    def blueprint(self) -> Blueprint:
        """Its webhook routes, registered when the channel is on."""

    @property
    def required(self) -> tuple[str, ...]:
        """The settings production cannot run without (``app.config.constants.REQUIRED``)."""

    def verify(self, request: Request) -> None:
        """Raise ``BadSignature`` (401) or another ``WebhookError`` unless ``request`` is the provider's (in
        development, without the channel's secret, every request passes)."""

    def parse(self, request: Request) -> InboundMessage:
        """The verified request as a message; ``BadRequest`` (400) with the reason when it is not one."""

    def render(self, reply: Reply, msg: InboundMessage) -> str | dict[str, Any]:
        """``reply`` as this channel sends it in answer to ``msg``: TwiML, the aggregator's XML, a Zalo message..."""

    def sender(self, settings: Settings, box: OutboxStore, timeout: tuple[float, float]) -> Sender:
        """What sends this channel's messages from the outbox; raises ``CannotSend`` for a channel without one."""


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
