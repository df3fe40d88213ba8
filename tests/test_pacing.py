"""``lookups.pacing``: background work waits while another thread serves a request, within bounds."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from lookups import pacing


@pytest.fixture(autouse=True)
def no_fair_slice_left() -> None:
    pacing._state.run_until = 0.0  # a fair slice granted in one test must not excuse waiting in the next


@contextmanager
def request_in_another_thread(seconds: float) -> Iterator[None]:
    """A request that is being served for ``seconds`` (from the moment the block starts)."""
    inside = threading.Event()

    def serve() -> None:
        with pacing.serving():
            inside.set()
            time.sleep(seconds)

    thread = threading.Thread(target=serve)
    thread.start()
    inside.wait(5)
    try:
        yield
    finally:
        thread.join(10)


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def test_no_request_no_wait() -> None:
    assert timed(lambda: [pacing.pace() for _ in range(10_000)]) < 0.5


def test_background_work_waits_until_the_request_is_done(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pacing, "MAX_WAIT", 5.0)
    with request_in_another_thread(0.3):
        waited = timed(pacing.pace)
    assert 0.2 <= waited < 3.0


def test_a_stream_of_requests_cannot_stop_a_build(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pacing, "MAX_WAIT", 0.2)
    monkeypatch.setattr(pacing, "FAIR_SLICE", 1.0)
    with request_in_another_thread(3.0):
        first = timed(pacing.pace)  # waits MAX_WAIT, then the build has its fair slice
        then = timed(lambda: [pacing.pace() for _ in range(1000)])
    assert 0.15 <= first < 1.5
    assert then < 0.5


def test_the_serving_thread_never_waits_for_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pacing, "MAX_WAIT", 5.0)
    with request_in_another_thread(1.0), pacing.serving(), pacing.serving():  # nested: counted once
        # A first load inside a request: other requests are being served too, but this thread is one of them.
        assert timed(lambda: [pacing.pace() for _ in range(1000)]) < 0.5
    assert pacing._state.serving == 0


def test_paced_yields_every_item_in_order() -> None:
    assert list(pacing.paced(range(5))) == [0, 1, 2, 3, 4]


def test_building_restores_the_interpreter_afterwards() -> None:
    import gc
    import sys

    interval, enabled = sys.getswitchinterval(), gc.isenabled()
    with pacing.building(), pacing.building():
        assert not gc.isenabled() and sys.getswitchinterval() <= pacing.BUILD_SWITCH_INTERVAL
        built = [object()]
    assert gc.isenabled() == enabled and sys.getswitchinterval() == interval
    frozen = gc.get_freeze_count()
    assert frozen > 0  # what the builds made is out of reach of later collections
    with pacing.building(freeze=False):  # freeing a version: nothing new to freeze
        built.clear()
    assert gc.get_freeze_count() <= frozen  # nothing new frozen (frozen objects other threads free leave it)
    gc.unfreeze()
