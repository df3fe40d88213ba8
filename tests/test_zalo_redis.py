"""The Zalo outbox on a real Redis: two worker processes sharing the queue and the token pair, a Redis restart in
the middle of a Zalo outage, the refresh lock, and what the store tells operators."""

from __future__ import annotations

import json
import logging
import math
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_zalo import FakeZalo, event, sign
from throwaway_redis import ThrowawayRedis, spare_port
from zalo_kit import LATER, USER, WorkerProcess, backend_env, make_rig, wait_for, zalo_env

from app import create_app
from app.outbound.policy import WorkerConfig
from app.outbound.worker import run_forever
from app.outbox.base import TokenPair
from app.outbox.redis import RedisOutbox
from lookups.store import Catalog

PATIENT = WorkerConfig(max_attempts=100, backoff=0.02, backoff_max=0.1, poll=0.05, connect_timeout=0.5,
                       read_timeout=0.5)  # keeps retrying through a long outage instead of dead-lettering


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ThrowawayRedis]:
    redis_server = ThrowawayRedis(tmp_path / "redis")
    redis_server.start()
    yield redis_server
    redis_server.shutdown()


def queue_for(box: RedisOutbox, user: str, msg_id: str) -> None:
    body = json.loads(event("user_send_text"))
    body["sender"]["id"] = user
    body["message"]["msg_id"] = msg_id
    assert box.enqueue(msg_id, user, json.dumps(body))


def test_two_worker_processes_refresh_once_and_send_each_reply_once(
        fake: FakeZalo, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with backend_env("redis", monkeypatch):
        rig = make_rig(fake, catalog, tmp_path / "state", monkeypatch)
        assert isinstance(rig.box, RedisOutbox)
        fake.expire()  # both workers find the access token refused and want to refresh it
        fake.refresh_delay = 0.5  # long enough for the other worker to try while the first is refreshing
        env = {**os.environ, **zalo_env(fake, tmp_path / "state"), "TONGDAI_WORKER_POLL": "0.2"}
        workers = [WorkerProcess(env), WorkerProcess(env)]
        try:
            for worker in workers:
                wait_for(worker.started, 20)
            users = [f"61424948230000{i:05d}" for i in range(20)]
            for i, user in enumerate(users):
                queue_for(rig.box, user, f"two-workers-{i}")
            wait_for(lambda: rig.box.counts() == {"done": 20}, 20)
        finally:
            statuses = [worker.stop() for worker in workers]
        assert statuses == [0, 0], [w.output for w in workers]
        assert len(fake.refreshes) == 1 and fake.reused == []
        stale = [s for s in fake.sends if s.headers["access_token"] == "AT-1"]
        assert len(stale) == 2  # one per process: both were in the race for the refresh
        sent = sorted(s.json["recipient"]["user_id"] for s in fake.sends if s.headers["access_token"] == "AT-2")
        assert sent == users  # each reply once, none lost
        assert all(job["attempts"] == 1 for job in rig.jobs())


def test_a_redis_restart_during_a_zalo_outage_loses_no_queued_reply(
        server: ThrowawayRedis, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    zalo = FakeZalo()
    zalo.url = f"http://127.0.0.1:{spare_port()}"  # Zalo is down: nothing listens there yet
    with backend_env("redis", monkeypatch, server.url):
        rig = make_rig(zalo, catalog, tmp_path / "state", monkeypatch)
        app = create_app({"CATALOG": catalog})
        raw = event("user_send_text", msg_id="before-restart")
        response = app.test_client().post("/zalo/webhook", data=raw, content_type="application/json",
                                          headers={"X-ZEvent-Signature": sign(raw)})
        assert response.get_json() == {"status": "queued"}
        rig.queue(text="kcb nhi", msg_id="in-flight")
        assert rig.drain(config=PATIENT) == {"retry": 2}  # Zalo is down: both wait for their back-off
        assert rig.box.claim(LATER) is not None  # ... and a worker dies holding one of them
        idle = RedisOutbox.from_url(server.url, rig.svc.settings.TONGDAI_REDIS_PREFIX)
        assert idle.counts() == {"pending": 2}  # a connection that will be stale after the restart

        server.shutdown()
        refused = app.test_client().post("/zalo/webhook", data=raw, content_type="application/json",
                                         headers={"X-ZEvent-Signature": sign(raw)})
        assert refused.status_code == 503  # not stored, so not acknowledged: Zalo delivers it again
        assert math.isnan(rig.box.dead_letter_count())
        server.start()
        assert idle.counts() == {"pending": 2}  # reconnected unnoticed

        zalo.start(int(zalo.url.rsplit(":", 1)[1]))
        try:
            assert rig.drain(LATER + rig.box.lease + 1, PATIENT) == {"done": 2}
            assert rig.drain(LATER * 2) == {}
        finally:
            zalo.stop()
        assert sorted("attachment" in s.json["message"] for s in zalo.sends) == [False, True]  # one of each
        assert rig.tokens().load() == TokenPair("AT-1", "RT-1", None)  # the token pair survived too
        assert rig.box.counts() == {"done": 2} and rig.box.dead_letter_count() == 0


def test_the_worker_rides_out_redis_being_down_at_its_start_and_restarting_and_says_so_once(
        server: ThrowawayRedis, fake: FakeZalo, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    with backend_env("redis", monkeypatch, server.url), caplog.at_level(logging.WARNING):
        rig = make_rig(fake, catalog, tmp_path / "state", monkeypatch)
        stop = threading.Event()
        server.shutdown()  # the worker starts before Redis does
        thread = threading.Thread(target=run_forever, args=(rig.svc, stop, rig.box, None, PATIENT))
        thread.start()
        try:
            time.sleep(0.3)
            server.start()
            rig.queue(msg_id="first")
            wait_for(lambda: rig.box.counts() == {"done": 1})
            server.shutdown()
            time.sleep(0.5)  # ten polls against a Redis that is not there
            server.start()
            rig.queue(msg_id="second")
            wait_for(lambda: rig.box.counts() == {"done": 2})
        finally:
            stop.set()
            rig.box.wake()
            thread.join(5)
    assert len(fake.sends) == 2 and caplog.text.count("cannot read its token store") == 1
    assert caplog.text.count("draining failed") == 1 and "draining works again" in caplog.text


def test_one_refresh_lease_at_a_time_released_only_by_its_owner_and_expiring(
        catalog: Catalog, fake: FakeZalo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with backend_env("redis", monkeypatch):
        rig = make_rig(fake, catalog, tmp_path / "state", monkeypatch)
        one, other = rig.box.token_store, rig.another_box().token_store
        assert one.take_lease("a", 0, 30) and one.take_lease("a", 0, 30)  # its owner may take it again
        assert not other.take_lease("b", 0, 30)
        other.end_lease("b")  # not the owner: no effect
        assert not other.take_lease("b", 0, 30)
        one.end_lease("a")
        assert other.take_lease("b", 0, 0.05)
        time.sleep(0.1)  # a worker that died holding it frees it when it expires
        assert one.take_lease("a", 0, 30)
        one.save(TokenPair("AT-2", "RT-2", 123.0), 0)  # a saved pair ends the lease
        assert other.take_lease("b", 0, 30) and other.load() == TokenPair("AT-2", "RT-2", 123.0)


def test_a_redelivered_event_is_refused_for_24_hours_even_after_a_purge(
        catalog: Catalog, fake: FakeZalo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with backend_env("redis", monkeypatch):
        rig = make_rig(fake, catalog, tmp_path / "state", monkeypatch)
        assert isinstance(rig.box, RedisOutbox)
        rig.queue(msg_id="once")
        assert rig.drain() == {"done": 1} and rig.box.purge(time.time() + 60) == 1
        assert rig.box.enqueue("once", USER, "{}") is False
        assert 86300 < rig.box.redis.ttl(rig.box.key("seen", "once")) <= 86400


def test_operators_are_told_what_makes_redis_unsafe_and_never_its_password(
        server: ThrowawayRedis, caplog: pytest.LogCaptureFixture) -> None:
    where = RedisOutbox.from_url(f"redis://:s3cret@127.0.0.1:{server.port}/0", prefix="tongdai-test:").where
    assert "s3cret" not in where and f"127.0.0.1:{server.port}" in where
    box = RedisOutbox.from_url(server.url, prefix="tongdai-test:")
    with caplog.at_level(logging.WARNING):
        box.check()
        assert caplog.text == ""  # AOF on, no eviction: as production needs
        server.client().config_set("appendonly", "no")
        server.client().config_set("maxmemory-policy", "allkeys-lru")
        box.check()
    assert "without appendonly" in caplog.text and "allkeys-lru" in caplog.text


def test_moving_to_redis_takes_the_token_pair_the_sqlite_outbox_last_stored(
        catalog: Catalog, fake: FakeZalo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with backend_env("sqlite", monkeypatch):
        before = make_rig(fake, catalog, tmp_path / "state", monkeypatch)
        assert before.tokens().refresh("AT-1") == "AT-2"  # the environment's RT-1 is spent now
    with backend_env("redis", monkeypatch):
        after = make_rig(fake, catalog, tmp_path / "state", monkeypatch)
        assert isinstance(after.box, RedisOutbox)
        pair = after.tokens().load()
        assert pair is not None and (pair.access_token, pair.refresh_token) == ("AT-2", "RT-2")
