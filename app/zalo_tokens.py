"""The OA access token and its single-use refresh token, kept in the outbox database.

A Zalo refresh token works once: each refresh returns a new pair, and losing the new one means re-authorising the
OA by hand. So the new pair is committed before it is used, and only one worker (thread or process) refreshes at a
time: it takes a lease on the tokens row, and the others wait for the pair it saves instead of spending the same
refresh token a second time.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass

import requests

from app.config import Settings
from app.outbox import Outbox

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


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_at: float | None  # epoch seconds; None when unknown


class Tokens:
    def __init__(self, outbox: Outbox, settings: Settings, session: requests.Session,
                 timeout: tuple[float, float], clock: Callable[[], float] = time.time) -> None:
        self.outbox, self.settings, self.session, self.timeout, self.clock = outbox, settings, session, timeout, clock
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.lease = max(LOCK_SECONDS, 2 * sum(timeout) + 5)  # must outlast our own refresh request
        self._lock = threading.Lock()  # threads sharing this object queue here rather than poll the database

    def load(self) -> TokenPair | None:
        if not self.outbox.exists():
            return None
        with closing(self.outbox.connect()) as conn:
            row = conn.execute("SELECT access_token, refresh_token, expires_at FROM tokens WHERE id = 1").fetchone()
        return None if row is None else TokenPair(row[0], row[1], row[2])

    def save(self, pair: TokenPair) -> None:
        """Store ``pair`` (committed when this returns) and end any refresh lease."""
        with self.outbox.transaction(durable=True) as conn:
            conn.execute(
                "INSERT INTO tokens (id, access_token, refresh_token, expires_at, updated_at) VALUES (1, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET access_token = excluded.access_token,"
                " refresh_token = excluded.refresh_token, expires_at = excluded.expires_at,"
                " updated_at = excluded.updated_at, lock_owner = NULL, lock_until = NULL",
                (pair.access_token, pair.refresh_token, pair.expires_at, self.clock()))

    def bootstrap(self) -> bool:
        """Seed the store from ZALO_ACCESS_TOKEN / ZALO_REFRESH_TOKEN, only when it holds no pair: after the first
        refresh the environment's refresh token is spent, and the store's pair is the only good one."""
        access, refresh = self.settings.ZALO_ACCESS_TOKEN, self.settings.ZALO_REFRESH_TOKEN
        if not (access or refresh):
            return False
        expires_at = None if access else 0.0  # with only a refresh token, refresh before the first send
        with self.outbox.transaction(durable=True) as conn:
            cur = conn.execute("INSERT OR IGNORE INTO tokens (id, access_token, refresh_token, expires_at, updated_at)"
                               " VALUES (1, ?, ?, ?, ?)", (access, refresh, expires_at, self.clock()))
        if cur.rowcount:
            log.info("Zalo tokens bootstrapped from the environment into %s", self.outbox.path)
        return cur.rowcount == 1

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
                if self._take_lease():
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
                self._end_lease()

    def _take_lease(self) -> bool:
        now = self.clock()
        with self.outbox.transaction() as conn:
            cur = conn.execute("UPDATE tokens SET lock_owner = ?, lock_until = ? WHERE id = 1 AND"
                               " (lock_until IS NULL OR lock_until < ? OR lock_owner = ?)",
                               (self.owner, now + self.lease, now, self.owner))
        return cur.rowcount == 1

    def _end_lease(self) -> None:
        with self.outbox.transaction() as conn:
            conn.execute("UPDATE tokens SET lock_owner = NULL, lock_until = NULL WHERE lock_owner = ?", (self.owner,))

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
