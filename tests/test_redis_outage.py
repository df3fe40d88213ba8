"""Redis going away and coming back, for real: a throwaway ``redis-server`` on a spare port, stopped (and frozen
with SIGSTOP, a Redis too slow to answer) in the middle of the test. Lookups go on without cache or conversation,
the outage is logged once and shown in /readyz and /metrics, and everything comes back by itself."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from redis_kit import Server

from app import create_app
from app.services import services
from lookups.store import Catalog

RETRY = 1  # seconds between reconnection attempts (TONGDAI_REDIS_RETRY)
FAST = 0.5  # seconds: an answer during the outage takes the lookup's time, not a Redis timeout's


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path).start()
    try:
        yield server
    finally:
        if server.proc is not None:
            os.kill(server.proc.pid, signal.SIGCONT)  # in case the test stopped with it frozen
        server.stop()


@pytest.fixture
def app(server: Server) -> Flask:
    return create_app({"TONGDAI_CHANNELS": "api", "CATALOG": Catalog(), "REDIS_URL": server.url,
                       "TONGDAI_REDIS_PREFIX": "outage:", "TONGDAI_REDIS_RETRY": RETRY,
                       "TONGDAI_SENDER_SALT": "test-salt"})


def ask(app: Flask, text: str) -> dict[str, Any]:
    started = time.perf_counter()
    response = app.test_client().post("/api/v1/query", json={"text": text, "sender": "resident-1"})
    assert response.status_code == 200 and time.perf_counter() - started < FAST
    reply: dict[str, Any] = response.get_json()["reply"]
    return reply


def metric(app: Flask, name: str, **labels: str) -> float:
    return services(app).metrics.registry.get_sample_value(name, labels) or 0.0


def readiness(app: Flask) -> str:
    response = app.test_client().get("/readyz")
    assert response.status_code == 200  # the hotline still answers every lookup: ready, with the outage named
    state: str = response.get_json()["redis"]
    return state


def until_up(app: Flask, seconds: float = 5 * RETRY) -> None:
    deadline = time.monotonic() + seconds
    while readiness(app) != "up":
        assert time.monotonic() < deadline, "Redis did not come back"
        time.sleep(0.1)


def conversation_works(app: Flask) -> bool:
    listing = ask(app, "attp pho hoa")
    return listing["hint"].startswith("Trả lời 1-3") and ask(app, "2")["fields"][0]["value"].startswith("88 Ngô")


def test_stopped_redis_is_answered_around_and_recovered_from(app: Flask, server: Server,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    assert ask(app, "attp pho hoa le duan") == ask(app, "attp pho hoa le duan")
    assert metric(app, "tongdai_cache_lookups_total", result="hit") == 1 and conversation_works(app)
    assert readiness(app) == "up" and metric(app, "tongdai_redis_up") == 1

    server.stop()
    for _ in range(3):
        assert ask(app, "attp pho hoa le duan")["status"] == "found"
    stateless = ask(app, "attp pho hoa")
    assert stateless["status"] == "ambiguous" and stateless["hint"].startswith("Soạn ATTP")  # no state: no numbers
    assert ask(app, "2")["title"].startswith("Danh sách đã hết hạn")
    assert readiness(app) == "down" and metric(app, "tongdai_redis_up") == 0
    assert metric(app, "tongdai_redis_outages_total") == 1
    time.sleep(RETRY + 0.2)  # a reconnection attempt fails too: still one log line, one outage
    ask(app, "kcb nhi")
    assert caplog.text.count("unreachable") == 1 and metric(app, "tongdai_redis_outages_total") == 1
    hits = metric(app, "tongdai_cache_lookups_total", result="hit")

    server.start()  # same port, empty (no persistence): the cache refills
    until_up(app)
    assert caplog.text.count("reachable again") == 1 and metric(app, "tongdai_redis_up") == 1
    ask(app, "kcb nhi")
    ask(app, "kcb nhi")
    assert metric(app, "tongdai_cache_lookups_total", result="hit") == hits + 1 and conversation_works(app)


def test_a_frozen_redis_costs_one_timeout_then_nothing(app: Flask, server: Server,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    assert conversation_works(app)
    assert server.proc is not None
    os.kill(server.proc.pid, signal.SIGSTOP)  # accepts connections, answers nothing: the slowest Redis there is
    try:
        started = time.perf_counter()
        for _ in range(5):
            assert ask(app, "giadat le duan")["status"] == "found"
        assert time.perf_counter() - started < 5 * FAST
        assert readiness(app) == "down" and caplog.text.count("unreachable") == 1
    finally:
        os.kill(server.proc.pid, signal.SIGCONT)
    until_up(app)
    assert conversation_works(app)
