"""Background work (building a new dataset version, freeing a replaced one) that gives way to requests.

A live reload builds the new version in a thread of the serving process, so the build and the lookups share
one GIL. Measured with benchmarks/import_speed.py on 100,000 records, three things made lookups wait:

- Full garbage collections set off by the build's millions of new objects walk the whole heap, old snapshot
  included: up to 2.6 s. ``building`` turns automatic collection off during a build and freezes what exists
  afterwards (``gc.freeze``), so later collections never walk the datasets; records and indexes hold no
  reference cycles, so a replaced snapshot is still freed by reference counting.
- A lookup releases the GIL in every larger numpy call (and a request in every Redis or socket call), then
  waits up to a switch interval to get it back from the busy builder, dozens of times per lookup: p50 went
  from 6 ms to 40 ms. The builder calls ``pace`` once per record; while another thread is ``serving`` a
  request, ``pace`` sleeps, so the request has the interpreter to itself. So that a steady stream of
  requests cannot starve a build, it never waits more than MAX_WAIT at a time and then runs FAIR_SLICE.
- A shorter switch interval during builds bounds what the C-level stretches between ``pace`` calls cost.
"""

from __future__ import annotations

import gc
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

BUILD_SWITCH_INTERVAL = 0.0005  # seconds; CPython's default is 0.005
MAX_WAIT = 0.01  # the longest a build waits for requests in one go
FAIR_SLICE = 0.01  # then it runs this long whatever is being served
_POLL = 0.0005
T = TypeVar("T")


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.builds = 0
        self.freeze_due = False
        self.gc_was_enabled = True
        self.interval = sys.getswitchinterval()
        self.serving = 0  # threads inside ``serving``
        self.local = threading.local()
        self.run_until = 0.0  # a build's fair slice ends here


_state = _State()


@contextmanager
def building(*, freeze: bool = True) -> Iterator[None]:
    """Around background work: no automatic GC and a short switch interval until the last concurrent piece
    ends; then what exists is frozen if any piece built something (``freeze``; freeing needs no freeze, and
    a freeze keeps whatever cyclic garbage requests have left at that moment for good)."""
    with _state.lock:
        if _state.builds == 0:
            _state.gc_was_enabled, _state.interval = gc.isenabled(), sys.getswitchinterval()
            gc.disable()
            sys.setswitchinterval(min(_state.interval, BUILD_SWITCH_INTERVAL))
        _state.builds += 1
        _state.freeze_due = _state.freeze_due or freeze
    try:
        yield
    finally:
        with _state.lock:
            _state.builds -= 1
            if _state.builds == 0:
                if _state.freeze_due:
                    gc.freeze()
                _state.freeze_due = False
                sys.setswitchinterval(_state.interval)
                if _state.gc_was_enabled:
                    gc.enable()


@contextmanager
def serving() -> Iterator[None]:
    """Around one request (nested use counts once): background work gives way while it runs."""
    local = _state.local
    depth = getattr(local, "depth", 0)
    local.depth = depth + 1
    if depth == 0:
        with _state.lock:
            _state.serving += 1
    try:
        yield
    finally:
        local.depth = depth
        if depth == 0:
            with _state.lock:
                _state.serving -= 1


def pace() -> None:
    """Called often by background work: returns at once unless another thread is serving a request."""
    if not _state.serving:
        return
    if getattr(_state.local, "depth", 0):  # this thread is the one serving (a first load inside a request)
        return
    now = time.perf_counter()
    if now < _state.run_until:
        return
    deadline = now + MAX_WAIT
    while _state.serving and time.perf_counter() < deadline:
        time.sleep(_POLL)
    if _state.serving:
        _state.run_until = time.perf_counter() + FAIR_SLICE


def paced(items: Iterable[T]) -> Iterator[T]:
    """``items``, with ``pace`` before each: for the loops and comprehensions of background work."""
    for item in items:
        pace()
        yield item
