"""The state store: short-lived shared state (result cache, conversations, de-duplication, rate counters, query
statistics) behind one small interface, with two implementations chosen by ``app.state.open_store``: Redis when
``REDIS_URL`` is set (``app.state.redis``), else ``MemoryStore``, an in-process stand-in with the same
behaviour for ``make run``, the CLI and tests.

Callers hand the store a batch of ``Op`` and get one result per op back; a batch is atomic and, on Redis, one
round trip (a MULTI/EXEC pipeline), which is how a message costs at most two round trips. ``execute`` returns
``None`` when the store cannot be reached: callers then carry on without state, never fail the message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Op:
    """One command. ``value`` is the value, hash field, set member or element; ``ttl`` seconds (0: none).

    get -> str | None; set -> True; setnx -> bool (set only if absent); delete -> int; incr -> int (a new key
    gets ``ttl``, an existing one keeps its own: fixed windows); hincr -> int and zincr -> float (``ttl`` is
    renewed); pfadd -> int; count -> (added, size): ``value`` joins the set ``key`` (``ttl`` renewed), so that
    counting the same member twice counts it once; uncount -> int (the member removed); hgetall -> dict[str, int];
    ztop -> [(member, score)], highest first, ``count`` of them; pfcount -> int; ttl -> seconds left (-1 none,
    -2 no key); ping -> True.
    """

    cmd: str
    key: str = ""
    value: str = ""
    ttl: int = 0
    count: int = 0


class StateStore(Protocol):
    backend: str  # "memory" or "redis"
    prefix: str

    @property
    def available(self) -> bool: ...

    def execute(self, ops: Sequence[Op]) -> list[Any] | None: ...

    def ping(self) -> bool: ...

    def keys(self, pattern: str = "*") -> list[str]: ...

    def clear(self) -> int: ...

    def close(self) -> None: ...


class Batch:
    """Ops with names, so results are read by name."""

    def __init__(self) -> None:
        self.ops: list[Op] = []
        self._at: dict[str, int] = {}

    def add(self, name: str, op: Op) -> None:
        self._at[name] = len(self.ops)
        self.ops.append(op)

    def run(self, store: StateStore) -> dict[str, Any] | None:
        """The results by name; None when the store cannot be reached."""
        results = store.execute(self.ops) if self.ops else ([] if store.available else None)
        return None if results is None else {name: results[at] for name, at in self._at.items()}
