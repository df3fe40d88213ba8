"""The outbox in SQLite, used without ``REDIS_URL`` (``app.outbox.base`` says what a store does).

One file under ``TONGDAI_STATE_DIR`` holds the jobs of every channel, the dead letters and the Zalo OA token pair,
shared by the web process and any worker process on the same machine. A state directory made when only Zalo had an
outbox keeps its ``zalo-outbox.sqlite3``: it is used as it is (a ``channel`` column is added, its jobs are Zalo's).
Every operation opens its own connection, because SQLite connections must not cross threads, and every
read-then-write runs under ``BEGIN IMMEDIATE`` so that two workers, threads or processes, never claim the same job.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from app.config import Settings
from app.outbox.base import LEASE_SECONDS, DeadLetter, Job
from app.outbox.sqlite_tokens import SqliteTokens

log = logging.getLogger(__name__)
FILENAME = "outbox.sqlite3"
LEGACY = "zalo-outbox.sqlite3"  # the name before every channel shared the outbox

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    msg_id TEXT NOT NULL UNIQUE,            -- Zalo's message.msg_id: a retried delivery is stored once
    user_id TEXT NOT NULL,
    event TEXT NOT NULL,                    -- the verified webhook body, exactly as received
    state TEXT NOT NULL DEFAULT 'pending',  -- pending | done | failed | dead
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    message TEXT,                           -- the request body to send, built once so every retry sends the same
    last_error TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    unsure INTEGER NOT NULL DEFAULT 0,      -- attempts that may have been delivered (app.outbound.delivery)
    in_flight INTEGER NOT NULL DEFAULT 0,   -- 1 from a claim until its result is recorded
    channel TEXT NOT NULL DEFAULT 'zalo'    -- zalo | twilio | gateway
);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (state, next_attempt_at);
CREATE TABLE IF NOT EXISTS dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id INTEGER NOT NULL UNIQUE REFERENCES jobs (id),
    user_id TEXT NOT NULL,
    message TEXT NOT NULL,
    reason TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    created_at REAL NOT NULL,
    resent_at REAL
);
CREATE TABLE IF NOT EXISTS tokens (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    access_token TEXT NOT NULL,
    refresh_token TEXT NOT NULL,
    expires_at REAL,                        -- NULL: unknown (a bootstrapped token), trusted until Zalo refuses it
    updated_at REAL NOT NULL,
    lock_owner TEXT,                        -- the worker refreshing now; others wait for its new pair
    lock_until REAL
);
"""
ADDED_COLUMNS = {"unsure": "INTEGER NOT NULL DEFAULT 0", "in_flight": "INTEGER NOT NULL DEFAULT 0",
                 "channel": "TEXT NOT NULL DEFAULT 'zalo'"}


def _add_columns(conn: sqlite3.Connection) -> None:
    """Bring an outbox file made by an older version up to ``SCHEMA`` (CREATE TABLE IF NOT EXISTS leaves it as is)."""
    present = {row[1] for row in conn.execute("PRAGMA table_info(jobs)")}
    for name, kind in ADDED_COLUMNS.items():
        if name not in present:
            conn.execute(f"ALTER TABLE jobs ADD COLUMN {name} {kind}")


class Outbox:
    def __init__(self, path: Path, lease: float = LEASE_SECONDS) -> None:
        self.path = path
        self.lease = lease
        self.wakeup = threading.Event()  # set on enqueue, so a worker thread in this process answers at once
        self.token_store = SqliteTokens(self)
        self._ready = False
        self._init_lock = threading.Lock()

    @classmethod
    def for_settings(cls, settings: Settings) -> Outbox:
        legacy = settings.state_dir / LEGACY
        return cls(legacy if legacy.exists() and not (settings.state_dir / FILENAME).exists()
                   else settings.state_dir / FILENAME)

    @property
    def where(self) -> str:
        return str(self.path)

    def exists(self) -> bool:
        return self.path.exists()

    def wake(self) -> None:
        self.wakeup.set()

    def wait(self, timeout: float) -> None:
        # Only this process's enqueues wake it: a worker in another process finds their jobs at its next poll.
        self.wakeup.wait(timeout)
        self.wakeup.clear()

    def check(self) -> None:  # nothing to check: the file is synced where it matters (``transaction(durable=True)``)
        pass

    def connect(self) -> sqlite3.Connection:
        with self._init_lock:
            if not self._ready:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with closing(sqlite3.connect(self.path, timeout=30, isolation_level=None)) as conn:
                    conn.execute("PRAGMA journal_mode=WAL")  # readers never block the webhook's insert
                    conn.executescript(SCHEMA)
                    _add_columns(conn)
                self._ready = True
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        conn.row_factory = sqlite3.Row
        return conn

    @contextmanager
    def transaction(self, durable: bool = False) -> Iterator[sqlite3.Connection]:
        """A write transaction, taken at its start (``BEGIN IMMEDIATE``) so a read inside it cannot go stale.
        ``durable``: synced to disk before it returns, for what a power cut must not take (a stored event behind a
        200, a new token pair). Other writes may be lost to a power cut (never to a crash): a reply sent twice."""
        with closing(self.connect()) as conn:
            conn.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def enqueue(self, msg_id: str, user_id: str, event: str, now: float | None = None, *, channel: str = "zalo",
                message: str | None = None, due: float | None = None) -> bool:
        """Store a verified event or a notice; False when it was stored before (Zalo delivered it again)."""
        now = time.time() if now is None else now
        with self.transaction(durable=True) as conn:
            cur = conn.execute(
                "INSERT OR IGNORE INTO jobs (msg_id, user_id, event, next_attempt_at, created_at, updated_at, channel,"
                " message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (msg_id, user_id, event, max(now, due or now), now, now, channel, message))
        self.wakeup.set()
        return cur.rowcount == 1

    def claim(self, now: float | None = None) -> Job | None:
        if not self.exists():  # nothing was ever queued: do not create files just by polling
            return None
        now = time.time() if now is None else now
        with self.transaction() as conn:
            row = conn.execute("SELECT * FROM jobs WHERE state = 'pending' AND next_attempt_at <= ?"
                               " ORDER BY next_attempt_at, id LIMIT 1", (now,)).fetchone()
            if row is None:
                return None
            # The lease runs from the real time: ``now`` may be when a long drain began.
            # Still in flight: the last claim's worker never recorded what became of its send.
            conn.execute("UPDATE jobs SET attempts = attempts + 1, unsure = unsure + in_flight, in_flight = 1,"
                         " next_attempt_at = ?, updated_at = ? WHERE id = ?",
                         (max(now, time.time()) + self.lease, now, row["id"]))
        return Job(row["id"], row["msg_id"], row["user_id"], row["event"], row["attempts"] + 1, row["message"],
                   row["unsure"] + row["in_flight"], row["channel"])

    def _update(self, job_id: int, sql: str, *values: object) -> None:
        with self.transaction() as conn:
            conn.execute(f"UPDATE jobs SET {sql}, updated_at = ? WHERE id = ?", (*values, time.time(), job_id))

    def save_message(self, job_id: int, message: str) -> None:
        self._update(job_id, "message = ?", message)

    def done(self, job_id: int) -> None:
        self._update(job_id, "state = 'done', last_error = '', in_flight = 0")

    def fail(self, job_id: int, reason: str) -> None:
        self._update(job_id, "state = 'failed', last_error = ?, in_flight = 0", reason)

    def retry(self, job_id: int, reason: str, at: float, unknown: bool = False) -> None:
        self._update(job_id, "next_attempt_at = ?, last_error = ?, unsure = unsure + ?, in_flight = 0", at, reason,
                     int(unknown))

    def postpone(self, job_id: int, reason: str, at: float) -> None:
        self._update(job_id, "next_attempt_at = ?, last_error = ?, attempts = MAX(0, attempts - 1), in_flight = 0",
                     at, reason)

    def dead_letter(self, job: Job, message: str, reason: str) -> int:
        now = time.time()
        with self.transaction() as conn:
            conn.execute("UPDATE jobs SET state = 'dead', last_error = ?, in_flight = 0, updated_at = ? WHERE id = ?",
                         (reason, now, job.id))
            cur = conn.execute("INSERT INTO dead_letters (job_id, user_id, message, reason, attempts, created_at)"
                               " VALUES (?, ?, ?, ?, ?, ?)", (job.id, job.user_id, message, reason, job.attempts, now))
        return int(cur.lastrowid or 0)

    def dead_letters(self, ids: list[int] | None = None) -> list[DeadLetter]:
        if not self.exists():
            return []
        sql = ("SELECT d.*, j.channel FROM dead_letters d JOIN jobs j ON j.id = d.job_id"
               " WHERE d.resent_at IS NULL")
        if ids is not None:
            sql += f" AND d.id IN ({','.join('?' * len(ids))})"
        with closing(self.connect()) as conn:
            rows = conn.execute(sql + " ORDER BY d.id", ids or ()).fetchall()
        return [DeadLetter(r["id"], r["job_id"], r["user_id"], r["message"], r["reason"], r["attempts"],
                           r["created_at"], r["resent_at"], r["channel"]) for r in rows]

    def resent(self, letter: DeadLetter) -> None:
        now = time.time()
        with self.transaction() as conn:
            conn.execute("UPDATE dead_letters SET resent_at = ? WHERE id = ?", (now, letter.id))
            conn.execute("UPDATE jobs SET state = 'done', last_error = '', updated_at = ? WHERE id = ?",
                         (now, letter.job_id))

    def dead_letter_count(self) -> float:
        """For the ``tongdai_dead_letters`` gauge, read at every scrape so it is right in every process."""
        if not self.exists():
            return 0.0
        try:
            with closing(self.connect()) as conn:
                return float(conn.execute("SELECT COUNT(*) FROM dead_letters WHERE resent_at IS NULL").fetchone()[0])
        except sqlite3.Error:
            log.exception("cannot count dead letters in %s", self.path)
            return float("nan")

    def counts(self) -> dict[str, int]:
        if not self.exists():
            return {}
        with closing(self.connect()) as conn:
            return {r["state"]: r["n"] for r in conn.execute("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state")}

    def purge(self, before: float) -> int:
        """Forget finished jobs older than ``before``; they were kept so a late re-delivery is still recognised."""
        with self.transaction() as conn:
            cur = conn.execute("DELETE FROM jobs WHERE state IN ('done', 'failed') AND updated_at < ?"
                               " AND id NOT IN (SELECT job_id FROM dead_letters)", (before,))
        return cur.rowcount
