"""The Zalo test rig: an app wired to a fake Zalo API, with a worker the test drives itself, on either store: the
SQLite file, or the real Redis (``REDIS_URL``, default 127.0.0.1:6379) under a key prefix of its own, deleted after."""

from __future__ import annotations

import argparse
import functools
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
from fake_zalo import OA_SECRET_KEY, FakeZalo, event

from app import create_app
from app.channels.zalo.client import Sender, make_sender
from app.channels.zalo.events import parse_inbound
from app.channels.zalo.tokens import Tokens
from app.channels.zalo.webhook import outbox
from app.cli.ops import add_commands
from app.outbound.policy import WorkerConfig
from app.outbound.senders import Senders
from app.outbound.worker import drain_once
from app.outbox import open_outbox
from app.outbox.base import OutboxStore
from app.outbox.redis import RedisOutbox
from app.outbox.sqlite import Outbox
from app.services import Services, services
from lookups.datasets.base import bundled_data_dir
from lookups.store import Catalog

USER = "6142494823000000000"
FAST = WorkerConfig(max_attempts=3, backoff=0.01, backoff_max=0.04, poll=0.05, connect_timeout=0.5, read_timeout=0.3)
LATER = 1e10  # a ``now`` past every back-off
ROOT = Path(__file__).resolve().parent.parent
WORKER_PROCESS = ("import argparse, logging, sys\n"
                  "from app.cli.ops import add_commands, run\n"
                  "from lookups.datasets.base import bundled_data_dir\n"
                  "from lookups.store import Catalog\n"
                  "logging.basicConfig(level=logging.INFO, format='%(name)s %(levelname)s %(message)s')\n"
                  "top = argparse.ArgumentParser()\n"
                  "add_commands(top.add_subparsers(dest='command'))\n"
                  "sys.exit(run(top.parse_args(['worker']), Catalog(bundled_data_dir())))\n")
BACKENDS = ("sqlite", "redis")
REDIS_URL = os.environ.get("TONGDAI_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def drop_keys(url: str, prefix: str) -> None:
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=prefix + "*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


@contextmanager
def backend_env(backend: str, monkeypatch: pytest.MonkeyPatch, url: str = REDIS_URL) -> Iterator[str]:
    """The environment for ``backend``: for Redis, ``REDIS_URL`` and a fresh key prefix, whose keys go after."""
    if backend == "sqlite":
        monkeypatch.delenv("REDIS_URL", raising=False)
        yield backend
        return
    prefix = f"tongdai-test:{uuid.uuid4().hex[:12]}:"
    monkeypatch.setenv("REDIS_URL", url)
    monkeypatch.setenv("TONGDAI_REDIS_PREFIX", prefix)
    try:
        yield backend
    finally:
        drop_keys(url, prefix)


@functools.cache
def shared_catalog() -> Catalog:
    """The sample data, loaded once for all the Zalo test modules."""
    found = Catalog(bundled_data_dir())
    found.warm()
    return found


def zalo_env(fake: FakeZalo, state: Path, tokens: bool = True) -> dict[str, str]:
    env = {"ZALO_APP_ID": fake.app_id, "ZALO_APP_SECRET": fake.app_secret, "ZALO_OA_SECRET_KEY": OA_SECRET_KEY,
           "ZALO_API_BASE": fake.url, "ZALO_OAUTH_BASE": fake.url, "TONGDAI_STATE_DIR": str(state),
           "TONGDAI_CHANNELS": "zalo"}
    return {**env, "ZALO_ACCESS_TOKEN": "AT-1", "ZALO_REFRESH_TOKEN": "RT-1"} if tokens else env


@dataclass
class Rig:
    fake: FakeZalo
    svc: Services
    box: OutboxStore
    sender: Sender

    def queue(self, name: str = "user_send_text", text: str | None = None, msg_id: str | None = None) -> None:
        raw = event(name, text, msg_id)
        msg = parse_inbound(json.loads(raw))
        assert self.box.enqueue(msg.message_id, msg.sender, raw.decode())

    def tokens(self) -> Tokens:
        return Tokens(self.box, self.svc.settings, requests.Session(), (0.5, 2))

    def drain(self, now: float | None = None, config: WorkerConfig = FAST) -> dict[str, int]:
        return drain_once(self.svc, self.box, Senders(zalo=self.sender), config, now)

    def another_box(self) -> OutboxStore:
        """The same store through a connection of its own, as another process would have it."""
        return open_outbox(self.svc.settings)

    def jobs(self) -> list[dict[str, Any]]:
        if isinstance(self.box, Outbox):
            with sqlite3.connect(self.box.path) as conn:
                conn.row_factory = sqlite3.Row
                return [dict(row) for row in conn.execute("SELECT * FROM jobs ORDER BY id")]
        assert isinstance(self.box, RedisOutbox)
        client, rows = self.box.redis, []
        for job_id in sorted(int(k.rsplit(":", 1)[1]) for k in client.scan_iter(match=self.box.key("job", "*"))):
            row: dict[str, Any] = {**client.hgetall(self.box.key("job", job_id)), "id": job_id}
            for field in ("attempts", "unsure", "in_flight"):
                row[field] = int(row.get(field, 0))
            row["next_attempt_at"] = client.zscore(self.box.key("due"), job_id)  # None once finished
            rows.append(row)
        return rows

    def failures(self, reason: str) -> float:
        return self.svc.metrics.registry.get_sample_value("tongdai_send_failures_total",
                                                          {"channel": "zalo", "reason": reason}) or 0.0


def make_rig(fake: FakeZalo, catalog: Catalog, state: Path, monkeypatch: pytest.MonkeyPatch,
             tokens: bool = True, **settings: str) -> Rig:
    monkeypatch.setenv("TONGDAI_WORKER_THREAD", "0")  # this test drives the worker itself
    for name, value in {**zalo_env(fake, state, tokens), **settings}.items():
        monkeypatch.setenv(name, value)  # for the ``tongdai`` commands, which read the environment
    app = create_app({"CATALOG": catalog})
    svc, box = services(app), outbox(app)
    return Rig(fake, svc, box, make_sender(svc.settings, box, FAST.timeout))


def ops(*argv: str) -> argparse.Namespace:
    top = argparse.ArgumentParser()
    add_commands(top.add_subparsers(dest="command", required=True))
    return top.parse_args(argv)


def wait_for(check: Callable[[], Any], seconds: float = 5.0) -> Any:
    deadline = time.monotonic() + seconds
    while not (found := check()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
    return found


class WorkerProcess:
    """``tongdai worker`` as its own process, its log collected as it runs."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", WORKER_PROCESS], cwd=ROOT, env=env, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def started(self) -> bool:
        assert self.process.poll() is None, self.output
        return "outbox worker started" in self.output

    def stop(self) -> int:
        """SIGTERM, as a service manager stops it; its exit status."""
        self.process.send_signal(signal.SIGTERM)
        status = self.process.wait(10)
        self.reader.join(5)
        return status
