"""The Zalo worker: as a thread of the web process, as its own ``tongdai worker`` process, several at once on one
outbox, and picking up what a dead worker left; each on both stores (SQLite, and the real Redis)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fake_zalo import FakeZalo, event, sign
from zalo_kit import (
    FAST,
    Rig,
    WorkerProcess,
    wait_for,
    zalo_env,
)

from app import create_app
from app.channels.zalo.client import SENT, Outcome
from app.channels.zalo.webhook import outbox
from app.outbound.senders import Senders
from app.outbound.worker import drain_once, start_worker, stop_worker
from lookups.store import Catalog


def test_the_webhook_answers_before_the_worker_thread_sends(backend: str, fake: FakeZalo, catalog: Catalog,
                                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {**zalo_env(fake, tmp_path), "TONGDAI_WORKER_POLL": "5"}.items():
        monkeypatch.setenv(name, value)
    gate = threading.Event()
    fake.on_send = lambda seen: gate.wait(5)  # Zalo is slow today
    app = create_app({"CATALOG": catalog})
    start_worker(app)
    start_worker(app)  # a second call does not start a second thread
    try:
        raw = event("user_send_text")
        response = app.test_client().post("/zalo/webhook", data=raw, content_type="application/json",
                                          headers={"X-ZEvent-Signature": sign(raw)})
        assert response.status_code == 200 and response.get_json() == {"status": "queued"}
        wait_for(lambda: fake.sends)  # woken at once, not after the 5 s poll
        gate.set()
        wait_for(lambda: outbox(app).counts() == {"done": 1})
    finally:
        gate.set()
        stop_worker(app)
    assert "tongdai.outbox_worker" not in app.extensions and len(fake.sends) == 1


def test_no_worker_thread_when_told_so(rig: Rig, catalog: Catalog) -> None:
    app = create_app({"CATALOG": catalog})  # make_rig set TONGDAI_WORKER_THREAD=0
    start_worker(app)
    assert "tongdai.outbox_worker" not in app.extensions


def test_tongdai_worker_runs_as_its_own_process_until_sigterm(rig: Rig, tmp_path: Path) -> None:
    env = {**os.environ, **zalo_env(rig.fake, tmp_path / "state"), "TONGDAI_WORKER_POLL": "0.05"}
    worker = WorkerProcess(env)
    try:
        rig.queue()
        wait_for(lambda: rig.fake.sends, 15)
        wait_for(lambda: rig.box.counts() == {"done": 1})
    finally:
        status = worker.stop()
    assert status == 0, worker.output
    assert rig.fake.sends[0].json["recipient"]["user_id"] == "6142494823000000000"


def test_workers_sharing_the_outbox_send_each_reply_once(rig: Rig) -> None:
    for i in range(20):
        rig.queue(msg_id=f"m{i}")
    sent: list[dict[str, Any]] = []
    lock = threading.Lock()

    class Counting:
        def send(self, body: dict[str, Any]) -> Outcome:
            with lock:
                sent.append(body)
            time.sleep(0.001)
            return SENT

    def work() -> None:  # each its own connection to the store, as in another process
        drain_once(rig.svc, rig.another_box(), Senders(zalo=Counting()), FAST)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sent) == 20 and rig.box.counts() == {"done": 20}
    assert all(job["attempts"] == 1 for job in rig.jobs())


def test_a_job_left_by_a_dead_worker_is_taken_again_after_its_lease(rig: Rig) -> None:
    rig.queue()
    assert rig.box.claim() is not None  # ... and the worker holding it dies
    assert rig.drain() == {}
    assert rig.drain(time.time() + rig.box.lease + 1) == {"done": 1}
    assert rig.jobs()[0]["attempts"] == 2 and len(rig.fake.sends) == 1


def test_finished_jobs_are_kept_for_late_redeliveries_then_purged(rig: Rig) -> None:
    rig.queue()
    rig.drain()
    assert rig.box.purge(time.time() - 60) == 0
    assert rig.box.enqueue("cb31dff1c39642cc1b83", "u", "{}") is False  # still recognised
    assert rig.box.purge(time.time() + 60) == 1 and rig.jobs() == []
