"""Every channel the service has, one line each: ``create_app`` registers the blueprints of those
``TONGDAI_CHANNELS`` turns on, and the outbox worker asks them for their senders (``app.outbound.senders``).
A new channel is one folder (or module) under ``app/channels/`` implementing ``Channel``, and one line here."""

from __future__ import annotations

from app.channels.api import API
from app.channels.base import Channel
from app.channels.sms.gateway import GATEWAY
from app.channels.sms.twilio import TWILIO
from app.channels.zalo.webhook import ZALO

CHANNELS: tuple[Channel, ...] = (
    TWILIO,
    GATEWAY,
    ZALO,
    API,
)
