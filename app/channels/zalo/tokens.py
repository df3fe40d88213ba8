"""The OA access token and its single-use refresh token, kept in the outbox's store (SQLite or Redis).

A Zalo refresh token works once: each refresh returns a new pair, and losing the new one means re-authorising the
OA by hand. So the new pair is stored durably before it is used, and only one worker (thread or process, on any
machine sharing the store) refreshes at a time: it takes the store's refresh lease, and the others wait for the pair
it saves instead of spending the same refresh token a second time.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable

import requests

from app.config import Settings
from app.outbox.base import OutboxStore, TokenPair

__all__ = ["RefreshFailed", "TokenPair", "Tokens"]

log = logging.getLogger(__name__)
REFRESH_PATH = "/v4/oa/access_token"
REFRESH_AHEAD = 600.0  # refresh when less than this is left of the access token's 25 h
LOCK_SECONDS = 60.0  # the refresh lease: well above the refresh request's own timeouts
WAIT_SECONDS = 30.0  # how long a worker waits for another's refresh before giving up this attempt


class RefreshFailed(Exception):
    """No usable access token now; ``reason`` labels the send failure."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Tokens:
    def __init__(self, outbox: OutboxStore, settings: Settings, session: requests.Session,
                 timeout: tuple[float, float], clock: Callable[[], float] = time.time) -> None:
        self.outbox, self.settings, self.session, self.timeout, self.clock = outbox, settings, session, timeout, clock
        self.store = outbox.token_store
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.lease = max(LOCK_SECONDS, 2 * sum(timeout) + 5)  # must outlast our own refresh request
        self._lock = threading.Lock()  # threads sharing this object queue here rather than poll the database

    def load(self) -> TokenPair | None:
        return self.store.load()

    def save(self, pair: TokenPair) -> None:
        """Store ``pair`` (durably when this returns) and end any refresh lease."""
        self.store.save(pair, self.clock())

    def bootstrap(self) -> bool:
        """Seed the store, only when it holds no pair: from the SQLite outbox when moving to Redis, else from
        ZALO_ACCESS_TOKEN / ZALO_REFRESH_TOKEN. After the first refresh the environment's refresh token is spent, and
        the pair last stored is the only good one."""
        if self.settings.REDIS_URL and self._adopt_sqlite_pair():
            return True
        access, refresh = self.settings.ZALO_ACCESS_TOKEN, self.settings.ZALO_REFRESH_TOKEN
        if not (access or refresh):
            return False
        expires_at = None if access else 0.0  # with only a refresh token, refresh before the first send
        seeded = self.store.seed(TokenPair(access, refresh, expires_at), self.clock())
        if seeded:
            log.info("Zalo tokens bootstrapped from the environment into %s", self.outbox.where)
        return seeded

    def _adopt_sqlite_pair(self) -> bool:
        from app.outbox.sqlite import Outbox

        previous = Outbox.for_settings(self.settings)
        pair = previous.token_store.load() if previous.exists() else None
        if pair is None or not self.store.seed(pair, self.clock()):
            return False
        log.warning("Zalo tokens copied from %s into %s: the SQLite file's pair is no longer used",
                    previous.where, self.outbox.where)
        return True

    def access_token(self) -> str | None:
        """A usable access token, refreshed first when it is about to expire; None when none is configured."""
        pair = self.load()
        if pair is None:
            return None
        now = self.clock()
        if pair.expires_at is not None and pair.expires_at - now < REFRESH_AHEAD:
            try:
                return self.refresh(pair.access_token)
            except RefreshFailed:
                if pair.access_token and pair.expires_at > now:
                    return pair.access_token  # not expired yet: use it and refresh on a later send
                raise
        return pair.access_token

    def refresh(self, stale: str) -> str:
        """A new access token in place of ``stale``; if another worker has already replaced it, that one."""
        with self._lock:
            deadline = self.clock() + WAIT_SECONDS
            while True:
                pair = self.load()
                if pair is None:
                    raise RefreshFailed("no_token")
                if pair.access_token != stale:
                    return pair.access_token
                if self.store.take_lease(self.owner, self.clock(), self.lease):
                    break
                if self.clock() > deadline:
                    raise RefreshFailed("refresh_busy")
                time.sleep(0.05)
            try:
                pair = self.load()  # re-read under the lease: another worker may have saved a pair just before
                assert pair is not None
                if pair.access_token != stale:
                    return pair.access_token
                new = self._request(pair.refresh_token)
                self.save(new)
                log.info("Zalo access token refreshed; expires in %s s",
                         "?" if new.expires_at is None else round(new.expires_at - self.clock()))
                return new.access_token
            finally:
                self.store.end_lease(self.owner)

    def _request(self, refresh_token: str) -> TokenPair:
        s = self.settings
        try:
            response = self.session.post(
                s.ZALO_OAUTH_BASE.rstrip("/") + REFRESH_PATH, headers={"secret_key": s.ZALO_APP_SECRET},
                data={"refresh_token": refresh_token, "app_id": s.ZALO_APP_ID, "grant_type": "refresh_token"},
                timeout=self.timeout)
            data = response.json()
        except (requests.RequestException, ValueError) as exc:
            # If Zalo did receive it, the refresh token is spent and the OA must be re-authorised by hand.
            log.error("Zalo token refresh failed in transit (%s); if it keeps failing, re-authorise the OA and run"
                      " `tongdai zalo-token set`", type(exc).__name__)
            raise RefreshFailed("refresh_network") from exc
        access = data.get("access_token") if isinstance(data, dict) else None
        refresh = data.get("refresh_token") if isinstance(data, dict) else None
        if not (isinstance(access, str) and access and isinstance(refresh, str) and refresh):
            detail = data.get("error_description") or data.get("error") if isinstance(data, dict) else data
            log.error("Zalo refused the token refresh (%s): re-authorise the OA and run `tongdai zalo-token set`",
                      detail)
            raise RefreshFailed("refresh_refused")
        try:
            expires_at: float | None = self.clock() + float(data.get("expires_in", ""))  # a string of seconds
        except (TypeError, ValueError):
            expires_at = None
        return TokenPair(access, refresh, expires_at)
