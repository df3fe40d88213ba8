"""The state store in process memory: the stand-in for Redis in ``make run``, the CLI and tests, with the same
behaviour (``app.state.store`` says what a store does)."""

from __future__ import annotations

import fnmatch
import math
import threading
import time
from collections.abc import Sequence
from typing import Any

from app.state.store import Op

SWEEP_EVERY = 1000  # writes between purges of expired keys, so the stand-in's memory stays bounded


class MemoryStore:
    """The stand-in: a dict under a lock, with expiry times checked on access and swept now and then."""

    backend = "memory"

    def __init__(self, prefix: str = "tongdai:") -> None:
        self.prefix = prefix
        self._data: dict[str, tuple[Any, float]] = {}  # key -> (value, expires at, monotonic; inf = never)
        self._lock = threading.Lock()
        self._writes = 0
        self.round_trips = 0

    @property
    def available(self) -> bool:
        return True

    def execute(self, ops: Sequence[Op]) -> list[Any] | None:
        with self._lock:
            now = time.monotonic()
            self.round_trips += 1
            self._writes += len(ops)
            if self._writes >= SWEEP_EVERY:
                self._writes = 0
                self._data = {k: v for k, v in self._data.items() if v[1] > now}
            return [self._run(op, self.prefix + op.key, now) for op in ops]

    def ping(self) -> bool:
        return True

    def keys(self, pattern: str = "*") -> list[str]:
        now = time.monotonic()
        with self._lock:
            return sorted(k[len(self.prefix):] for k, (_, exp) in self._data.items()
                          if exp > now and fnmatch.fnmatchcase(k, self.prefix + pattern))

    def clear(self) -> int:
        with self._lock:
            count = len(self._data)
            self._data.clear()
            return count

    def close(self) -> None:
        """Nothing to release."""

    def _get(self, key: str, now: float) -> Any:
        found = self._data.get(key)
        if found is None or found[1] <= now:
            self._data.pop(key, None)
            return None
        return found[0]

    def _put(self, key: str, value: Any, ttl: int, now: float, keep: bool = False) -> None:
        expires = self._data[key][1] if keep and key in self._data else (now + ttl if ttl else math.inf)
        self._data[key] = (value, expires)

    def _run(self, op: Op, key: str, now: float) -> Any:
        cmd, current = op.cmd, self._get(key, now) if op.key else None
        if cmd == "get":
            return current if isinstance(current, str) else None
        if cmd in ("set", "setnx"):
            if cmd == "setnx" and current is not None:
                return False
            self._put(key, op.value, op.ttl, now)
            return True
        if cmd == "delete":
            return int(self._data.pop(key, None) is not None)  # _get has already dropped an expired one
        if cmd == "incr":
            value = int(current or 0) + 1
            self._put(key, str(value), op.ttl, now, keep=current is not None)
            return value
        if cmd in ("hincr", "zincr", "pfadd", "count"):
            return self._collection(cmd, key, op, current, now)
        if cmd == "uncount":
            members = current if isinstance(current, set) else set()
            found = op.value in members
            members.discard(op.value)
            return int(found)
        if cmd == "hgetall":
            return {k: int(v) for k, v in (current or {}).items()}
        if cmd == "ztop":
            ranked = sorted((current or {}).items(), key=lambda kv: (kv[1], kv[0]), reverse=True)
            return ranked[:op.count]
        if cmd == "pfcount":
            return len(current or ())
        if cmd == "ttl":
            if current is None:
                return -2
            expires = self._data[key][1]
            # rounded first: (now + 60) - now is 60.00000000000001 for some clock readings, which ceil makes 61
            return -1 if expires == math.inf else math.ceil(round(expires - now, 6))
        if cmd == "ping":
            return True
        raise ValueError(f"unknown state store command {cmd!r}")

    def _collection(self, cmd: str, key: str, op: Op, current: Any, now: float) -> Any:
        if cmd in ("pfadd", "count"):
            members: set[str] = current if isinstance(current, set) else set()
            added = op.value not in members
            members.add(op.value)
            self._put(key, members, op.ttl, now)
            return int(added) if cmd == "pfadd" else (added, len(members))
        table: dict[str, float] = current if isinstance(current, dict) else {}
        table[op.value] = table.get(op.value, 0) + 1
        self._put(key, table, op.ttl, now)
        return int(table[op.value]) if cmd == "hincr" else float(table[op.value])
