"""The outbox every channel sends through: what a store does (``base``), in SQLite (``sqlite``, one machine) or in
Redis (``redis``, any number of machines)."""

from __future__ import annotations

from app.config import Settings
from app.outbox.base import OutboxStore


def open_outbox(settings: Settings) -> OutboxStore:
    """Redis when ``REDIS_URL`` is set (any number of machines), else the SQLite file (one machine)."""
    if settings.REDIS_URL:
        from app.outbox.redis import RedisOutbox

        return RedisOutbox.from_url(settings.REDIS_URL, settings.TONGDAI_REDIS_PREFIX)
    from app.outbox.sqlite import Outbox

    return Outbox.for_settings(settings)
