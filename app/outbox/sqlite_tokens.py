"""The Zalo OA token pair in the SQLite outbox's ``tokens`` row (``app.outbox.sqlite``), with the lease that lets one
worker at a time spend the single-use refresh token."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager, closing
from typing import Protocol

from app.outbox.base import TokenPair


class Database(Protocol):
    """What the tokens need of the outbox file (``app.outbox.sqlite.Outbox``)."""

    def exists(self) -> bool: ...

    def connect(self) -> sqlite3.Connection: ...

    def transaction(self, durable: bool = False) -> AbstractContextManager[sqlite3.Connection]: ...


class SqliteTokens:
    """The token pair in the outbox's ``tokens`` row; the refresh lease is two columns of it."""

    def __init__(self, box: Database) -> None:
        self.box = box

    def load(self) -> TokenPair | None:
        if not self.box.exists():
            return None
        with closing(self.box.connect()) as conn:
            row = conn.execute("SELECT access_token, refresh_token, expires_at FROM tokens WHERE id = 1").fetchone()
        return None if row is None else TokenPair(row[0], row[1], row[2])

    def save(self, pair: TokenPair, now: float) -> None:
        with self.box.transaction(durable=True) as conn:
            conn.execute(
                "INSERT INTO tokens (id, access_token, refresh_token, expires_at, updated_at) VALUES (1, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET access_token = excluded.access_token,"
                " refresh_token = excluded.refresh_token, expires_at = excluded.expires_at,"
                " updated_at = excluded.updated_at, lock_owner = NULL, lock_until = NULL",
                (pair.access_token, pair.refresh_token, pair.expires_at, now))

    def seed(self, pair: TokenPair, now: float) -> bool:
        with self.box.transaction(durable=True) as conn:
            cur = conn.execute("INSERT OR IGNORE INTO tokens (id, access_token, refresh_token, expires_at, updated_at)"
                               " VALUES (1, ?, ?, ?, ?)", (pair.access_token, pair.refresh_token, pair.expires_at, now))
        return cur.rowcount == 1

    def take_lease(self, owner: str, now: float, seconds: float) -> bool:
        with self.box.transaction() as conn:
            cur = conn.execute("UPDATE tokens SET lock_owner = ?, lock_until = ? WHERE id = 1 AND"
                               " (lock_until IS NULL OR lock_until < ? OR lock_owner = ?)",
                               (owner, now + seconds, now, owner))
        return cur.rowcount == 1

    def end_lease(self, owner: str) -> None:
        with self.box.transaction() as conn:
            conn.execute("UPDATE tokens SET lock_owner = NULL, lock_until = NULL WHERE lock_owner = ?", (owner,))

