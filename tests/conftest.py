"""Shared fixtures: drive the product through its real entry point, the ``tongdai`` command."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_sms import FakeGateway, FakeTwilio
from fake_zalo import FakeZalo
from redis_kit import drop_prefix, new_prefix, shared_url
from sms_kit import SmsRig, make_sms_rig, running_providers
from zalo_kit import BACKENDS, Rig, backend_env, make_rig, shared_catalog

from app.cli import main
from lookups.store import Catalog

pytest_plugins = ("reports_kit", "console_kit")  # reports databases (SQLite, PostgreSQL); the served console


@pytest.fixture
def ask(capsys: pytest.CaptureFixture[str]) -> Callable[..., Any]:
    """``ask("attp pho hoa")`` runs ``tongdai ask`` and returns what it printed (parsed for --channel json)."""

    def run(text: str, channel: str = "json", at: str | None = None) -> Any:
        argv = ["ask", "--channel", channel, *(["--at", at] if at else []), "--", text]
        assert main(argv) == 0
        out = capsys.readouterr().out
        return json.loads(out) if channel == "json" else out.rstrip("\n")

    return run


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The bundled sample pack, loaded once: tests only read it (imports work on copies in tmp_path)."""
    return shared_catalog()


# --- Zalo: a fake Zalo API on loopback, and a worker rig over each outbox backend (see zalo_kit) -----------------

@pytest.fixture
def fake() -> Iterator[FakeZalo]:
    server = FakeZalo()
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with backend_env(request.param, monkeypatch) as name:
        yield name


@pytest.fixture
def rig(backend: str, fake: FakeZalo, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Rig:
    return make_rig(fake, catalog, tmp_path / "state", monkeypatch)


# --- Outbound SMS: fake Twilio REST and eSMS MT servers on loopback, and a rig over each outbox backend (sms_kit) --

@pytest.fixture
def providers() -> Iterator[tuple[FakeTwilio, FakeGateway]]:
    with running_providers() as found:
        yield found


@pytest.fixture
def sms_rig(backend: str, providers: tuple[FakeTwilio, FakeGateway], fake: FakeZalo, catalog: Catalog,
            tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SmsRig:
    return make_sms_rig(providers, fake, catalog, tmp_path / "state", monkeypatch)


# --- Redis: the real server for the state tests (see redis_kit), and the two stores they run against ----------

@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    source = shared_url(tmp_path_factory.mktemp("redis"))
    url = next(source)
    if url is None:
        pytest.skip("no Redis at 127.0.0.1:6379 and redis-server is not installed (.ci/run installs it)")
    yield url
    source.close()  # stops the session's own server, if it started one


@pytest.fixture(params=["memory", "redis"])
def state_config(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """Settings for ``create_app``: the in-process stand-in, or the real Redis under a prefix of its own."""
    if request.param == "memory":
        yield {}
        return
    url: str = request.getfixturevalue("redis_url")
    prefix = new_prefix()
    yield {"REDIS_URL": url, "TONGDAI_REDIS_PREFIX": prefix, "TONGDAI_SENDER_SALT": "test-salt"}
    drop_prefix(url, prefix)
