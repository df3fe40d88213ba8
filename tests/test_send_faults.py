"""A reply reaches a resident at least once and at most twice, whatever fails mid-send: Zalo accepting the send and
answering after our read timeout, the worker process killed while Zalo has the request, Redis killed at that moment;
on both stores, against the fake Zalo API on loopback and real worker and Redis processes."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
import redis
from fake_http import Seen
from fake_zalo import FakeZalo, event, sign
from throwaway_redis import ThrowawayRedis
from zalo_kit import LATER, Rig, WorkerProcess, backend_env, make_rig, wait_for, zalo_env

from app import create_app
from app.channels.zalo.client import make_sender
from app.outbound.delivery import UNKNOWN
from app.outbound.policy import WorkerConfig
from app.outbound.senders import Senders
from app.outbound.worker import drain_once
from app.outbox.redis import RedisOutbox
from app.outbox.sqlite import Outbox
from lookups.store import Catalog

PATIENT = WorkerConfig(max_attempts=10, backoff=0.01, backoff_max=0.04, unknown_delay=0.05, poll=0.05,
                       connect_timeout=0.5, read_timeout=0.3)  # the production number of attempts, quickly
LATE = 1.0  # how long the fake Zalo takes to answer a send it has accepted: past PATIENT's read timeout


def due_now(rig: Rig) -> None:
    """Let the job a killed worker held be claimed now rather than when its lease ends (in two minutes)."""
    if isinstance(rig.box, Outbox):
        with sqlite3.connect(rig.box.path) as conn:
            conn.execute("UPDATE jobs SET next_attempt_at = 0 WHERE state = 'pending'")
        return
    assert isinstance(rig.box, RedisOutbox)
    for job_id in rig.box.redis.zrange(rig.box.key("due"), 0, -1):
        rig.box.redis.zadd(rig.box.key("due"), {job_id: 0})


def test_zalo_answering_after_the_timeout_gets_the_reply_sent_twice_then_a_dead_letter(
        rig: Rig, catalog: Catalog, tmp_path: Path) -> None:
    rig.fake.script, rig.fake.slow = ["timeout"] * 10, LATE  # every send is accepted, and answered too late
    env = {**os.environ, **zalo_env(rig.fake, tmp_path / "state"), "TONGDAI_WORKER_POLL": "0.05",
           "TONGDAI_ZALO_READ_TIMEOUT": "0.3", "TONGDAI_ZALO_BACKOFF": "0.05", "TONGDAI_ZALO_UNKNOWN_DELAY": "0.5"}
    worker = WorkerProcess(env)
    try:
        wait_for(worker.started, 20)
        raw = event("user_send_text")
        answer = create_app({"CATALOG": catalog}).test_client().post(
            "/zalo/webhook", data=raw, content_type="application/json", headers={"X-ZEvent-Signature": sign(raw)})
        assert answer.get_json() == {"status": "queued"}
        [letter] = wait_for(rig.box.dead_letters, 20)
        time.sleep(1.0)  # nothing more goes out
    finally:
        worker.stop()
    assert len(rig.fake.sends) == 2 and len({s.body for s in rig.fake.sends}) == 1
    assert letter.reason.startswith(UNKNOWN) and "timeout" in letter.reason and letter.attempts == 2
    assert "may have been delivered" in worker.output


def test_one_unknown_outcome_then_success_is_two_sends_the_second_after_the_longer_delay(rig: Rig) -> None:
    rig.fake.script, rig.fake.slow = ["timeout"], LATE
    rig.queue()
    config = WorkerConfig(max_attempts=10, backoff=1.0, unknown_delay=300.0, read_timeout=0.3)
    now = time.time()
    assert rig.drain(now, config) == {"retry": 1}
    assert rig.jobs()[0]["next_attempt_at"] == pytest.approx(now + 300.0, abs=2)  # not the 1 s back-off
    assert rig.drain(now + 299, config) == {}
    assert rig.drain(now + 301, config) == {"done": 1} and rig.drain(LATER, config) == {}
    assert len(rig.fake.sends) == 2 and rig.jobs()[0]["unsure"] == 1


def test_failures_that_cannot_have_been_delivered_are_retried_as_before(rig: Rig) -> None:
    rig.fake.script = [-32, "http500", -32, "http500", -32]  # each a clear answer: nothing was delivered
    rig.queue()
    assert [rig.drain(LATER + i, PATIENT) for i in range(6)] == [{"retry": 1}] * 5 + [{"done": 1}]
    assert len(rig.fake.sends) == 6 and rig.jobs()[0]["unsure"] == 0


@pytest.mark.parametrize("kills", [1, 2])
def test_a_worker_killed_mid_send_sends_at_least_once_and_at_most_twice(
        rig: Rig, tmp_path: Path, kills: int) -> None:
    gate = threading.Event()

    def hold(seen: Seen) -> None:
        gate.wait(20)  # Zalo has the request (it counts as sent) while the worker dies

    rig.fake.on_send = hold
    env = {**os.environ, **zalo_env(rig.fake, tmp_path / "state"), "TONGDAI_WORKER_POLL": "0.05"}
    rig.queue()
    for kill in range(1, kills + 1):
        worker = WorkerProcess(env)
        wait_for(lambda kill=kill: len(rig.fake.sends) == kill, 30)
        worker.process.kill()  # SIGKILL: no result is recorded
        assert worker.process.wait(10) != 0
        due_now(rig)
    gate.set()
    result = rig.drain(config=PATIENT)
    assert len(rig.fake.sends) == 2 and len({s.body for s in rig.fake.sends}) == 1
    if kills == 1:  # the lost attempt counts as unknown: one more send, which Zalo accepts
        assert result == {"done": 1} and rig.jobs()[0]["unsure"] == 1
    else:  # two attempts may have been delivered: no third
        [letter] = rig.box.dead_letters()
        assert result == {"dead": 1} and letter.reason.startswith(UNKNOWN)
    assert rig.drain(LATER, PATIENT) == {}


@pytest.mark.parametrize("timeout_first", [False, True])
def test_redis_killed_mid_send_sends_at_most_twice(
        fake: FakeZalo, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        timeout_first: bool) -> None:
    server = ThrowawayRedis(tmp_path / "redis")  # append-only, as production must be
    server.start()

    def kill_redis(seen: Seen) -> None:
        assert server.process is not None
        time.sleep(2.5)  # appendfsync everysec: what Redis acknowledged over 2 s ago is in the file, not later
        server.process.kill()  # SIGKILL while Zalo has the request; Zalo then accepts it
        server.process.wait()
        server.process = None

    try:
        with backend_env("redis", monkeypatch, server.url):
            rig = make_rig(fake, catalog, tmp_path / "state", monkeypatch)
            rig.queue()
            now = time.time()
            if timeout_first:
                fake.script, fake.slow = ["timeout"], LATE
                assert rig.drain(now, PATIENT) == {"retry": 1}
                now = LATER
            fake.on_send = kill_redis
            patient = Senders(zalo=make_sender(rig.svc.settings, rig.box, (0.5, 10.0)))  # waits out the kill
            with pytest.raises(redis.RedisError):
                drain_once(rig.svc, rig.box, patient, PATIENT, now)  # sent; the result cannot be recorded
            fake.on_send = None
            server.start()  # reloads its append-only file: the job, still in flight
            result = rig.drain(max(now, time.time()) + rig.box.lease + 1, PATIENT)
            assert rig.drain(LATER * 2, PATIENT) == {}
            letters = rig.box.dead_letters()
    finally:
        server.shutdown()
    assert len(fake.sends) == 2 and len({s.body for s in fake.sends}) == 1
    if timeout_first:
        assert result == {"dead": 1} and letters[0].reason.startswith(UNKNOWN)
    else:
        assert result == {"done": 1} and letters == []
