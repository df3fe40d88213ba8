"""Who has opted out of proactive messages, per channel and salted sender hash, and when a Zalo user last wrote (for
the free consultation window). Kept durably, because a lost opt-out means a message to someone who said STOP:

- with ``REDIS_URL``: in Redis (``consent:<channel>:<hash>`` hashes, ``optouts:<channel>`` sets for counting), which
  production runs with ``appendonly yes`` for the outbox already (see the README);
- without it: ``consent.sqlite3`` under ``TONGDAI_STATE_DIR``, next to the outbox, written with ``synchronous=FULL``.

Not in the short-lived state store (cache, conversations): that one may be lost or evicted, and without Redis it
lives in one process's memory. No phone number or Zalo id is stored here, only ``consent_key``: the salted
``app.message.sender_hash`` of the Zalo id, or of the phone number in one form (``84905123456`` for ``+84 905 123 456``,
``84905123456`` and ``0905123456`` alike), so that an operator's notice finds the opt-out whatever form it names.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, cast

import redis

from app.config import Settings
from app.message import sender_hash
from app.state.redis import safe_url

log = logging.getLogger(__name__)
FILENAME = "consent.sqlite3"
SMS_CHANNELS = ("twilio", "gateway")  # recipients are phone numbers, held to the quiet hours
CHANNELS = (*SMS_CHANNELS, "zalo")  # where residents can opt out: the channels that send proactively
_NOT_DIGIT = re.compile(r"\D")
VIETNAM_NATIONAL = re.compile(r"^0(\d{9,10})$")  # 0905123456: Vietnam's national form of +84 905 123 456


def phone_digits(number: str) -> str:
    """A phone number as digits with its country code: "+84 905-123-456", "84905123456" and "0905123456" are all
    "84905123456" (a leading 0 is read as Vietnam's national prefix)."""
    digits = _NOT_DIGIT.sub("", number)
    national = VIETNAM_NATIONAL.match(digits)
    return "84" + national[1] if national else digits


def consent_key(salt: str, channel: str, recipient: str) -> str:
    """What the consent store knows of a recipient: the salted hash of their Zalo id or phone number (one form)."""
    who = phone_digits(recipient) if channel in SMS_CHANNELS else recipient
    return sender_hash(salt, channel, who or recipient)
SCHEMA = """
CREATE TABLE IF NOT EXISTS consent (
    channel TEXT NOT NULL,
    who TEXT NOT NULL,                       -- consent_key: a salted hash, never the number or id
    opted_out INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT '',         -- keyword | unfollow | twilio-21610 | follow | ...
    changed_at REAL,
    last_seen REAL,                          -- the sender's last message (Zalo's consultation window)
    PRIMARY KEY (channel, who)
);
"""


@dataclass(frozen=True)
class Standing:
    """What the store knows of one sender on one channel, read at once."""

    out: bool = False  # opted out of notices
    last_seen: float | None = None  # when they last wrote (epoch seconds): Zalo's consultation window


class ConsentStore(Protocol):
    @property
    def where(self) -> str: ...

    def set_out(self, channel: str, who: str, out: bool, source: str, now: float | None = None) -> bool:
        """Record an opt-out (``out``) or opt-in, durably; True when it changed the sender's state."""

    def standing(self, channel: str, who: str) -> Standing:
        """Whether the sender opted out and when they last wrote, in one read."""

    def seen(self, channel: str, who: str, at: float) -> None:
        """The sender wrote at ``at`` (kept when later than what is stored)."""

    def counts(self) -> dict[str, int]:
        """Senders opted out, per channel (channels with none left out)."""


class SqliteConsent:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._ready = False
        self._lock = threading.Lock()

    @property
    def where(self) -> str:
        return str(self.path)

    @contextmanager
    def _conn(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if not self._ready:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with closing(sqlite3.connect(self.path, timeout=30)) as conn:
                    conn.execute("PRAGMA journal_mode=WAL")
                    conn.executescript(SCHEMA)
                self._ready = True
        with closing(sqlite3.connect(self.path, timeout=30, isolation_level=None)) as conn:
            if write:
                conn.execute("PRAGMA synchronous=FULL")
                conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if write:
                    conn.execute("ROLLBACK")
                raise
            if write:
                conn.execute("COMMIT")

    def set_out(self, channel: str, who: str, out: bool, source: str, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        with self._conn(write=True) as conn:
            row = conn.execute("SELECT opted_out FROM consent WHERE channel = ? AND who = ?", (channel, who)).fetchone()
            conn.execute("INSERT INTO consent (channel, who, opted_out, source, changed_at) VALUES (?, ?, ?, ?, ?)"
                         " ON CONFLICT (channel, who) DO UPDATE SET opted_out = excluded.opted_out,"
                         " source = excluded.source, changed_at = excluded.changed_at",
                         (channel, who, int(out), source, now))
        return bool(row[0] if row else 0) != out

    def standing(self, channel: str, who: str) -> Standing:
        if not self.path.exists():
            return Standing()
        with self._conn() as conn:
            row = conn.execute("SELECT opted_out, last_seen FROM consent WHERE channel = ? AND who = ?",
                               (channel, who)).fetchone()
        return Standing(bool(row[0]), None if row[1] is None else float(row[1])) if row else Standing()

    def seen(self, channel: str, who: str, at: float) -> None:
        with self._conn(write=True) as conn:
            conn.execute("INSERT INTO consent (channel, who, last_seen) VALUES (?, ?, ?) ON CONFLICT (channel, who)"
                         " DO UPDATE SET last_seen = MAX(COALESCE(last_seen, 0), excluded.last_seen)",
                         (channel, who, at))

    def counts(self) -> dict[str, int]:
        if not self.path.exists():
            return {}
        with self._conn() as conn:
            rows = conn.execute("SELECT channel, COUNT(*) FROM consent WHERE opted_out = 1 GROUP BY channel")
            return {channel: int(n) for channel, n in rows}


SET_OUT = """
local key, members = KEYS[1], KEYS[2]
local was = redis.call('HGET', key, 'out') == '1'
redis.call('HSET', key, 'out', ARGV[1], 'source', ARGV[2], 'changed_at', ARGV[3])
if ARGV[1] == '1' then redis.call('SADD', members, ARGV[4]) else redis.call('SREM', members, ARGV[4]) end
if was == (ARGV[1] == '1') then return 0 end
return 1
"""
SEEN = """
local old = tonumber(redis.call('HGET', KEYS[1], 'last_seen') or '0')
if tonumber(ARGV[1]) > old then redis.call('HSET', KEYS[1], 'last_seen', ARGV[1]) end
return 0
"""


class RedisConsent:
    CHANNELS = CHANNELS

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.redis, self.prefix = client, prefix
        self._set_out, self._seen = client.register_script(SET_OUT), client.register_script(SEEN)

    @classmethod
    def from_url(cls, url: str, prefix: str) -> RedisConsent:
        # Longer timeouts than the state store's 50 ms: an opt-out must be recorded, not skipped.
        return cls(redis.Redis.from_url(url, decode_responses=True, socket_timeout=2.0, socket_connect_timeout=1.0),
                   prefix)

    @property
    def where(self) -> str:
        return f"{safe_url(self.redis)} ({self.prefix}consent:*)"

    def _key(self, channel: str, who: str) -> str:
        return f"{self.prefix}consent:{channel}:{who}"

    def set_out(self, channel: str, who: str, out: bool, source: str, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        keys = [self._key(channel, who), f"{self.prefix}optouts:{channel}"]
        return bool(self._set_out(keys=keys, args=["1" if out else "0", source, f"{now:.3f}", who]))

    def standing(self, channel: str, who: str) -> Standing:
        out, seen = cast(list[str | None], self.redis.hmget(self._key(channel, who), ["out", "last_seen"]))
        return Standing(out == "1", float(seen) if seen else None)

    def seen(self, channel: str, who: str, at: float) -> None:
        self._seen(keys=[self._key(channel, who)], args=[f"{at:.3f}"])

    def counts(self) -> dict[str, int]:
        with self.redis.pipeline(transaction=False) as pipe:
            for channel in self.CHANNELS:
                pipe.scard(f"{self.prefix}optouts:{channel}")
            found = pipe.execute()
        return {channel: int(n) for channel, n in zip(self.CHANNELS, found, strict=True) if n}


def opted_out(store: ConsentStore) -> dict[str, int] | None:
    """Senders opted out now, per channel, for ``tongdai stats`` and the stats API; None when unreadable."""
    try:
        return store.counts()
    except Exception:
        log.exception("cannot read the opt-outs in %s", store.where)
        return None


def open_consent(settings: Settings) -> ConsentStore:
    """Redis when ``REDIS_URL`` is set, else the SQLite file under the state directory."""
    if settings.REDIS_URL:
        return RedisConsent.from_url(settings.REDIS_URL, settings.TONGDAI_REDIS_PREFIX)
    return SqliteConsent(settings.state_dir / FILENAME)


def record(store: ConsentStore, salt: str, channel: str, recipient: str, out: bool | None = None, source: str = "",
           seen: float | None = None) -> bool | None:
    """Record an opt-out (``out`` True) or opt-in (False) that ``source`` told us of, and/or when the recipient last
    wrote (``seen``). Whether the opt-out changed (True when only ``seen`` is recorded); None, logged, when the store
    cannot be reached: each caller decides what a lost record means (a 503, an error reply, or nothing)."""
    who = consent_key(salt, channel, recipient)
    try:
        changed = True if out is None else store.set_out(channel, who, out, source)
        if seen is not None:
            store.seen(channel, who, seen)
    except Exception:
        log.exception("could not record %s of %s sender %s", source or "the last message", channel, who[:8])
        return None
    return changed
