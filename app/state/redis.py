"""Redis behind the ``StateStore`` interface: every batch is one MULTI/EXEC pipeline (one round trip), and a
circuit breaker keeps a dead or slow Redis from slowing replies down.

Calls time out after ``timeout`` seconds (tens of milliseconds: state is a convenience, the answer is not)
and are never retried by the client; opening a connection, which a process does once (TLS included), may take
``connect_timeout``. The first failure marks Redis down and is logged once; while down,
batches return ``None`` at once without touching the network, except one probe every ``retry_every``
seconds, whose success marks Redis up again (logged once too).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

import redis
from redis.backoff import NoBackoff
from redis.client import Pipeline
from redis.retry import Retry

from app.state.store import Op

log = logging.getLogger(__name__)
# (position of the command's result in the pipeline, its conversion); a pair of positions gives the conversion
# both results (``count``: SADD's and SCARD's).
Take = tuple[int | tuple[int, int], Callable[[Any], Any]]


def masked(url: str) -> str:
    """The URL without its password, fit for logs."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    return f"{parts.scheme}://{host}:{parts.port or 6379}{parts.path}"


def safe_url(client: redis.Redis) -> str:
    """The server's address for logs: never its password."""
    kwargs = client.connection_pool.connection_kwargs
    if "path" in kwargs:
        return f"unix://{quote(str(kwargs['path']))}?db={kwargs.get('db', 0)}"
    return f"redis://{kwargs.get('host', 'localhost')}:{kwargs.get('port', 6379)}/{kwargs.get('db', 0)}"


def _same(value: Any) -> Any:
    return value


class RedisStore:
    backend = "redis"

    def __init__(self, url: str, *, prefix: str = "tongdai:", timeout: float = 0.05, connect_timeout: float = 0.5,
                 retry_every: float = 3.0) -> None:
        self.prefix = prefix
        self.url = masked(url)
        self.retry_every = retry_every
        self.client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=connect_timeout,
                                           retry=Retry(NoBackoff(), 0), decode_responses=True)
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._next_try = 0.0
        self.round_trips = 0  # batches sent, for the benchmark and tests; one batch is one round trip
        self.listeners: list[Callable[[bool], None]] = []  # told True/False when Redis comes back / goes away

    @property
    def available(self) -> bool:
        return self._down_since is None

    def execute(self, ops: Sequence[Op]) -> list[Any] | None:
        if not ops:
            return []
        if not self._may_try():
            return None
        pipe = self.client.pipeline(transaction=True)
        takes: list[Take] = []
        for op in ops:
            takes.append(self._queue(pipe, op, len(pipe.command_stack)))
        try:
            raw = pipe.execute()
        except redis.ResponseError as exc:  # a command Redis refused (wrong type, out of memory): not an outage
            log.error("Redis refused a batch of %d commands: %s", len(ops), exc)
            return None
        except (redis.RedisError, OSError) as exc:
            self._failed(exc)
            return None
        self.round_trips += 1
        if self._down_since is not None:
            self._recovered()
        return [convert((raw[at[0]], raw[at[1]]) if isinstance(at, tuple) else raw[at]) for at, convert in takes]

    def ping(self) -> bool:
        return self.execute([Op("ping")]) is not None

    def keys(self, pattern: str = "*") -> list[str]:
        try:
            return sorted(k[len(self.prefix):] for k in self.client.scan_iter(match=self.prefix + pattern, count=500))
        except (redis.RedisError, OSError):
            return []

    def clear(self) -> int:
        """Delete every key under this store's prefix (tests, and operators resetting a deployment)."""
        names = [self.prefix + key for key in self.keys()]
        for start in range(0, len(names), 500):
            self.client.unlink(*names[start:start + 500])
        return len(names)

    def close(self) -> None:
        self.client.close()

    def _queue(self, pipe: Pipeline, op: Op, at: int) -> Take:
        key, ttl = self.prefix + op.key, op.ttl or None
        cmd = op.cmd
        if cmd == "get":
            pipe.get(key)
        elif cmd in ("set", "setnx"):
            pipe.set(key, op.value, ex=ttl, nx=cmd == "setnx")
            return at, bool
        elif cmd == "delete":
            pipe.delete(key)
            return at, int
        elif cmd == "incr":
            if ttl:  # creates the key with its expiry only if absent, so the window is fixed, not sliding
                pipe.set(key, 0, ex=ttl, nx=True)
            pipe.incr(key)
            return at + (1 if ttl else 0), int
        elif cmd in ("hincr", "zincr", "pfadd"):
            if cmd == "hincr":
                pipe.hincrby(key, op.value, 1)
            elif cmd == "zincr":
                pipe.zincrby(key, 1, op.value)
            else:
                pipe.pfadd(key, op.value)
            if ttl:
                pipe.expire(key, ttl)
            return at, float if cmd == "zincr" else int
        elif cmd == "count":
            pipe.sadd(key, op.value)
            if ttl:
                pipe.expire(key, ttl)
            pipe.scard(key)
            return (at, at + (2 if ttl else 1)), lambda pair: (bool(pair[0]), int(pair[1]))
        elif cmd == "uncount":
            pipe.srem(key, op.value)
            return at, int
        elif cmd == "hgetall":
            pipe.hgetall(key)
            return at, lambda found: {k: int(v) for k, v in found.items()}
        elif cmd == "ztop":
            pipe.zrevrange(key, 0, op.count - 1, withscores=True)
            return at, lambda found: [(str(m), float(s)) for m, s in found]
        elif cmd in ("pfcount", "ttl"):
            (pipe.pfcount if cmd == "pfcount" else pipe.ttl)(key)
            return at, int
        elif cmd == "ping":
            pipe.ping()
            return at, bool
        else:
            raise ValueError(f"unknown state store command {cmd!r}")
        return at, _same

    def _may_try(self) -> bool:
        if self._down_since is None:
            return True
        now = time.monotonic()
        with self._lock:
            if now < self._next_try:
                return False
            self._next_try = now + self.retry_every  # this caller probes; the others skip until it is known
            return True

    def _failed(self, exc: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            first = self._down_since is None
            if first:
                self._down_since = now
            self._next_try = now + self.retry_every
        if not first:
            log.debug("Redis at %s still unreachable: %s", self.url, exc)
            return
        log.error("Redis at %s unreachable (%s: %s): answering without cache, conversations, de-duplication, rate "
                  "limits and statistics; retrying every %.0f s", self.url, type(exc).__name__, exc, self.retry_every)
        for listener in self.listeners:
            listener(False)

    def _recovered(self) -> None:
        with self._lock:
            since, self._down_since = self._down_since, None
        if since is None:
            return
        log.warning("Redis at %s reachable again after %.1f s", self.url, time.monotonic() - since)
        for listener in self.listeners:
            listener(True)
