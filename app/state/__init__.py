"""The state store: de-duplication, limits, conversations, the result cache and statistics (``store`` says what a
store does), in Redis (``redis``) or in process memory (``memory``)."""

from __future__ import annotations

from app.config import Settings
from app.state.memory import MemoryStore
from app.state.store import StateStore


def open_store(settings: Settings) -> StateStore:
    """Redis when ``REDIS_URL`` is set, else the in-process stand-in."""
    if settings.REDIS_URL:
        from app.state.redis import RedisStore

        return RedisStore(settings.REDIS_URL, prefix=settings.TONGDAI_REDIS_PREFIX,
                          timeout=settings.TONGDAI_REDIS_TIMEOUT_MS / 1000,
                          connect_timeout=settings.TONGDAI_REDIS_CONNECT_MS / 1000,
                          retry_every=settings.TONGDAI_REDIS_RETRY)
    return MemoryStore(settings.TONGDAI_REDIS_PREFIX)
