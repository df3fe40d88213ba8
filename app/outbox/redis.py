"""The outbox in Redis, used when ``REDIS_URL`` is set, so that web and worker processes on any number of
machines share one queue, one de-duplication and one token pair (``app.outbox.base`` says what a store does).

Keys, under ``TONGDAI_REDIS_PREFIX`` (default ``tongdai:``) followed by ``zalo:`` (a name kept from when Zalo was the
only channel with an outbox, so that an upgrade finds the jobs and tokens it left; every channel's jobs are here):

- ``job:<id>`` a hash (channel, msg_id, user_id, event, state, attempts, message, last_error, created_at,
  updated_at, and for the at-most-twice rule ``unsure`` and ``in_flight``, see ``app.outbox.base``); a job without
  a channel is Zalo's; ``seq`` the last job id
- ``seen:<msg_id>`` the job id, for 24 h (``SET NX``): an event Zalo delivers again is stored once
- ``due`` the pending jobs (a sorted set scored by ``next_attempt_at``); a claim moves its job one lease ahead, so
  the job of a worker that died mid-send becomes due again
- ``done``, ``failed``, ``dead`` finished jobs scored by when they finished, for ``counts`` and ``purge``
- ``letter:<id>`` a dead letter (hash, with the channel), ``letter-seq`` their last id, ``letters`` those not yet
  re-sent
- ``wake`` at most one item, pushed on enqueue, that idle workers wait on with ``BLPOP``
- ``tokens`` the OA token pair, ``tokens:lock`` the refresh lease (see ``app.outbox.redis_tokens``)

Every read-then-write is one Lua script and every multi-key write one ``MULTI``, so no two workers claim the same
job and a crash (of a worker or of Redis, whose AOF keeps whole transactions only) never leaves half a change.
Durability is Redis's: with ``appendonly yes`` and ``appendfsync everysec`` a restart loses nothing, a power cut at
most the last second. Written for one Redis server (not Cluster): the scripts build their keys from the prefix.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, cast

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from app.outbox.base import LEASE_SECONDS, DeadLetter, Job, OutboxUnavailable
from app.outbox.redis_scripts import CLAIM, DEAD_LETTER, ENQUEUE
from app.outbox.redis_tokens import RedisTokens
from app.state.redis import safe_url

log = logging.getLogger(__name__)
SEEN_SECONDS = 86400  # Zalo re-delivers an unanswered event for up to 12 h
WAIT_SLICE = 1.0  # longest BLPOP, so a stop or an outage is noticed within a second


def _num(value: float) -> str:
    return f"{value:.6f}"  # no exponent, whatever Lua's tonumber and Redis's score parser make of one


class RedisOutbox:
    def __init__(self, client: redis.Redis, prefix: str, blocking: redis.Redis | None = None,
                 lease: float = LEASE_SECONDS) -> None:
        self.redis, self.prefix, self.lease = client, prefix + "zalo:", lease
        self.blocking = blocking or client  # BLPOP needs a socket timeout above WAIT_SLICE
        self.token_store = RedisTokens(client, self.prefix)
        self.wakeup = threading.Event()
        self._enqueue, self._claim = client.register_script(ENQUEUE), client.register_script(CLAIM)
        self._dead_letter = client.register_script(DEAD_LETTER)
        self._down = False

    @classmethod
    def from_url(cls, url: str, prefix: str = "tongdai:") -> RedisOutbox:
        """``prefix``: ``Settings.TONGDAI_REDIS_PREFIX`` (app.outbox.open_outbox passes it)."""
        # Short timeouts: the webhook waits on the enqueue, and answers 503 (Zalo retries) rather than hang. One
        # immediate retry on a broken connection, so a connection left over from before a Redis restart is replaced
        # unnoticed; none on a timeout, where the command may have run (a claim twice would hide a job for a lease).
        once = Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,))
        client = redis.Redis.from_url(url, decode_responses=True, socket_timeout=2.0, socket_connect_timeout=1.0,
                                      retry=once)
        blocking = redis.Redis.from_url(url, decode_responses=True, socket_timeout=WAIT_SLICE + 2.0,
                                        socket_connect_timeout=1.0, retry=once)
        return cls(client, prefix, blocking)

    @property
    def where(self) -> str:
        return f"{safe_url(self.redis)} ({self.prefix}*)"

    def exists(self) -> bool:
        return True  # polling creates no keys

    def key(self, *parts: object) -> str:
        return self.prefix + ":".join(str(part) for part in parts)

    def _outage(self, exc: Exception | None) -> None:
        """Log an outage once when it starts and once when it ends, not once per message or scrape."""
        if exc is not None and not self._down:
            log.error("Redis at %s is unreachable (%s): Zalo events are refused with 503 until it is back",
                      self.where, exc)
        elif exc is None and self._down:
            log.warning("Redis at %s is reachable again", self.where)
        self._down = exc is not None

    def enqueue(self, msg_id: str, user_id: str, event: str, now: float | None = None, *, channel: str = "zalo",
                message: str | None = None, due: float | None = None) -> bool:
        now = time.time() if now is None else now
        given = "" if message is None else "=" + message  # "" is no message; "=" an empty one
        try:
            stored = cast(int, self._enqueue(args=[self.prefix, msg_id, user_id, event, _num(now), SEEN_SECONDS,
                                                   channel, given, _num(max(now, due or now))]))
        except redis.RedisError as exc:
            self._outage(exc)
            raise OutboxUnavailable(str(exc)) from exc
        self._outage(None)
        self.wakeup.set()
        return stored > 0

    def claim(self, now: float | None = None) -> Job | None:
        now = time.time() if now is None else now
        # The lease runs from the real time: ``now`` may be when a long drain began.
        found = self._claim(args=[self.prefix, _num(now), _num(max(now, time.time()) + self.lease), _num(now)])
        if not found:
            return None
        job_id, attempts, msg_id, user_id, event, message, unsure, channel = found
        return Job(int(job_id), msg_id, user_id, event, int(attempts), message, int(unsure), channel or "zalo")

    def save_message(self, job_id: int, message: str) -> None:
        self.redis.hset(self.key("job", job_id), mapping={"message": message, "updated_at": _num(time.time())})

    def _finish(self, pipe: redis.client.Pipeline, job_id: int, state: str, reason: str) -> None:
        now = time.time()  # the job ends up in exactly one of due, done, failed, dead
        pipe.hset(self.key("job", job_id), mapping={"state": state, "last_error": reason, "updated_at": _num(now),
                                                    "in_flight": 0})
        pipe.zrem(self.key("due"), job_id)
        pipe.zadd(self.key(state), {str(job_id): now})

    def _finished(self, job_id: int, state: str, reason: str) -> None:
        with self.redis.pipeline() as pipe:  # MULTI
            self._finish(pipe, job_id, state, reason)
            pipe.execute()

    def done(self, job_id: int) -> None:
        self._finished(job_id, "done", "")

    def fail(self, job_id: int, reason: str) -> None:
        self._finished(job_id, "failed", reason)

    def retry(self, job_id: int, reason: str, at: float, unknown: bool = False) -> None:
        self._due_again(job_id, reason, at, {"unsure": 1} if unknown else {})

    def postpone(self, job_id: int, reason: str, at: float) -> None:
        self._due_again(job_id, reason, at, {"attempts": -1})  # the claim's attempt given back

    def _due_again(self, job_id: int, reason: str, at: float, counts: dict[str, int]) -> None:
        """The claimed job due again at ``at``, with ``counts`` added to its counters, in one transaction."""
        key = self.key("job", job_id)
        with self.redis.pipeline() as pipe:
            pipe.zadd(self.key("due"), {str(job_id): at}, xx=True)  # XX: never revive a job another worker finished
            pipe.hset(key, mapping={"last_error": reason, "updated_at": _num(time.time()), "in_flight": 0})
            for name, by in counts.items():
                pipe.hincrby(key, name, by)
            pipe.execute()

    def dead_letter(self, job: Job, message: str, reason: str) -> int:
        return int(self._dead_letter(args=[self.prefix, job.id, job.user_id, message, reason, job.attempts,
                                           _num(time.time()), job.channel]))

    def dead_letters(self, ids: list[int] | None = None) -> list[DeadLetter]:
        waiting = [int(i) for i in cast(list[str], self.redis.zrange(self.key("letters"), 0, -1))]
        wanted = [i for i in waiting if ids is None or i in ids]
        with self.redis.pipeline(transaction=False) as pipe:
            for letter in wanted:
                pipe.hgetall(self.key("letter", letter))
            rows: list[dict[str, Any]] = pipe.execute()
        return [DeadLetter(i, int(r["job_id"]), r["user_id"], r["message"], r["reason"], int(r["attempts"]),
                           float(r["created_at"]), None, r.get("channel") or "zalo")
                for i, r in zip(wanted, rows, strict=True) if r]

    def resent(self, letter: DeadLetter) -> None:
        now = time.time()
        with self.redis.pipeline() as pipe:
            pipe.hset(self.key("letter", letter.id), "resent_at", _num(now))
            pipe.zrem(self.key("letters"), letter.id)
            pipe.zrem(self.key("dead"), letter.job_id)
            self._finish(pipe, letter.job_id, "done", "")
            pipe.execute()

    def dead_letter_count(self) -> float:
        try:
            count = float(self.redis.zcard(self.key("letters")))
        except redis.RedisError as exc:
            self._outage(exc)
            return float("nan")
        self._outage(None)
        return count

    def counts(self) -> dict[str, int]:
        states = ("pending", "done", "failed", "dead")
        with self.redis.pipeline(transaction=False) as pipe:
            for state in states:
                pipe.zcard(self.key("due" if state == "pending" else state))
            found = pipe.execute()
        return {state: int(n) for state, n in zip(states, found, strict=True) if n}

    def purge(self, before: float) -> int:
        purged = 0
        for state in ("done", "failed"):
            ids = self.redis.zrangebyscore(self.key(state), "-inf", f"({_num(before)}")
            if ids:
                with self.redis.pipeline() as pipe:
                    pipe.delete(*(self.key("job", i) for i in ids))
                    pipe.zrem(self.key(state), *ids)
                    purged += int(pipe.execute()[0])
        return purged

    def wake(self) -> None:
        self.wakeup.set()

    def wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self.wakeup.is_set() and (left := deadline - time.monotonic()) > 0:
            try:
                if self.blocking.blpop([self.key("wake")], timeout=max(0.01, min(left, WAIT_SLICE))):
                    break
            except redis.RedisError:  # an outage: the drain has logged it; do not spin
                self.wakeup.wait(left)
        self.wakeup.clear()

    def check(self) -> None:
        try:
            info = {**self.redis.info("persistence"), **self.redis.info("memory")}
        except redis.RedisError as exc:
            log.warning("cannot read the persistence settings of Redis at %s: %s", self.where, exc)
            return
        if not int(info.get("aof_enabled", 0)):
            log.warning("Redis at %s runs without appendonly: a restart can lose queued messages and the Zalo"
                        " token pair (set appendonly yes, appendfsync everysec)", self.where)
        if str(info.get("maxmemory_policy", "")).startswith("allkeys-"):
            log.warning("Redis at %s may evict any key (maxmemory-policy %s), queued messages too: use"
                        " noeviction or a volatile-* policy", self.where, info["maxmemory_policy"])
