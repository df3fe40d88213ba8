"""The console under test: the app with the console, Zalo (to a fake Zalo API) and API channels, served by a real
HTTP server on loopback, a driven Zalo worker rig, operator accounts made with ``tongdai operator add``, and a
headless Chromium (Debian's ``chromium``, launched by Playwright) to drive it. Screenshots go to a git-ignored
folder (``var/console-screenshots``)."""

from __future__ import annotations

import io
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fake_zalo import FakeZalo
from werkzeug.serving import WSGIRequestHandler
from zalo_kit import FAST, Rig, zalo_env

from app import create_app
from app.channels.zalo.client import make_sender
from app.channels.zalo.webhook import outbox
from app.cli import main
from app.services import services
from lookups.store import Catalog

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "var" / "console-screenshots"
PASSWORDS = {"an": "admin-pass-123", "binh": "operator-pass-123", "chi": "viewer-pass-123"}
ROLES = {"an": "admin", "binh": "operator", "chi": "viewer"}


class OneRequestPerConnection(WSGIRequestHandler):
    """HTTP/1.0: each connection closes after its response, so no request thread outlives its test waiting on a
    browser's idle keep-alive connection (and freeing objects later, in another test)."""

    protocol_version = "HTTP/1.0"


@dataclass
class Console:
    app: Any
    url: str
    rig: Rig
    state: Path


def add_operator(monkeypatch: pytest.MonkeyPatch, name: str, role: str, password: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(["operator", "add", name, "--role", role])


@pytest.fixture
def console(fake: FakeZalo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Console]:
    """A served console with an admin (an), an operator (binh) and a viewer (chi); SQLite reports database and
    outbox in a fresh state directory; the data directory a private copy of the sample pack (imports write)."""
    from werkzeug.serving import make_server

    state = tmp_path / "state"
    data = Path(shutil.copytree(ROOT / "data", tmp_path / "data", ignore=shutil.ignore_patterns("tools")))
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    env = {**zalo_env(fake, state), "TONGDAI_CHANNELS": "zalo,api,console", "TONGDAI_WORKER_THREAD": "0",
           "TONGDAI_API_KEY": "console-test-key", "TONGDAI_DATA_DIR": str(data), "TONGDAI_RELOAD_SECONDS": "0"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for name, role in ROLES.items():
        assert add_operator(monkeypatch, name, role, PASSWORDS[name]) == 0
    app = create_app({"CATALOG": Catalog(data)})
    svc, box = services(app), outbox(app)
    rig = Rig(fake, svc, box, make_sender(svc.settings, box, FAST.timeout))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=OneRequestPerConnection)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield Console(app, f"http://127.0.0.1:{server.server_port}", rig, state)
    server.shutdown()
    server.server_close()
    from reports_kit import close

    close(app)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("no `chromium` on the PATH (Debian: apt-get install chromium; .ci/run installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 800, "height": 1000}, locale="vi-VN")
    context.set_default_timeout(15000)
    opened = context.new_page()
    yield opened
    context.close()


def sign_in(page: Any, console: Console, name: str = "an", password: str | None = None) -> None:
    page.goto(f"{console.url}/console/login")
    page.get_by_label("Tên đăng nhập").fill(name)
    page.get_by_label("Mật khẩu").fill(password or PASSWORDS[name])
    page.get_by_role("button", name="Đăng nhập").click()


def shot(page: Any, name: str, full_page: bool = True) -> None:
    """The page as it looks now (whole, or the window only), saved under ``SHOTS``."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)
