"""The Zalo test rig: an app wired to a fake Zalo API, with a worker the test drives itself."""

from __future__ import annotations

import argparse
import functools
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from fake_zalo import OA_SECRET_KEY, FakeZalo, event

from app import create_app
from app.channels.zalo import outbox, parse_inbound
from app.cli_ops import add_commands
from app.outbox import Outbox
from app.services import Services, services
from app.worker import WorkerConfig, drain_once
from app.zalo_api import Sender, make_sender
from app.zalo_tokens import Tokens
from lookups.datasets.base import default_data_dir
from lookups.store import Catalog

USER = "6142494823000000000"
FAST = WorkerConfig(max_attempts=3, backoff=0.01, backoff_max=0.04, poll=0.05, connect_timeout=0.5, read_timeout=0.3)
LATER = 1e10  # a ``now`` past every back-off


@functools.cache
def shared_catalog() -> Catalog:
    """The sample data, loaded once for all the Zalo test modules."""
    found = Catalog(default_data_dir())
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
    box: Outbox
    sender: Sender

    def queue(self, name: str = "user_send_text", text: str | None = None, msg_id: str | None = None) -> None:
        raw = event(name, text, msg_id)
        msg = parse_inbound(json.loads(raw))
        assert self.box.enqueue(msg.message_id, msg.sender, raw.decode())

    def tokens(self) -> Tokens:
        return Tokens(self.box, self.svc.settings, requests.Session(), (0.5, 2))

    def drain(self, now: float | None = None, config: WorkerConfig = FAST) -> dict[str, int]:
        return drain_once(self.svc, self.box, self.sender, config, now)

    def jobs(self) -> list[dict[str, Any]]:
        with sqlite3.connect(self.box.path) as conn:
            conn.row_factory = sqlite3.Row
            return [dict(row) for row in conn.execute("SELECT * FROM jobs ORDER BY id")]

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
