"""A running service switches to a new version without a restart and without a failed request: the Catalog on
its own, then a real gunicorn (two workers) driven with requests while an import and a rollback land."""

from __future__ import annotations

import shutil
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from gunicorn_kit import gunicorn

from app.cli import main
from lookups import store
from lookups.built import records
from lookups.store import Catalog

ROOT = Path(__file__).resolve().parents[1]
PORTAL = ROOT / "tests" / "fixtures" / "imports" / "food_portal.json"
GTFS = ROOT / "tests" / "fixtures" / "imports" / "bus_feed.zip"
NEW = "attp gio bien man thai"  # only in the portal file
SWITCH_TIMEOUT = 20.0  # the default TONGDAI_RELOAD_SECONDS is 2; a switch should show well within this


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(ROOT / "data", tmp_path / "data", ignore=shutil.ignore_patterns("tools")))


def tongdai(data_dir: Path, *argv: str) -> int:
    return main(["--data-dir", str(data_dir), *argv])


def test_catalog_swaps_whole_snapshots_and_pinned_requests_keep_theirs(data_dir: Path) -> None:
    # No reload checks of its own: opening is quick now, so one could swap before ``refresh`` looks.
    catalog = Catalog(data_dir, reload_every=0)
    old_food, old_index = catalog.food, catalog.food_index
    assert old_index.lookup("gio bien man thai").status != "found"
    assert tongdai(data_dir, "data", "import", "food_safety", str(PORTAL), "--force", "--as-of", "2026-12-01") == 0
    with catalog.pinned():  # one request: a swap that lands in the middle does not reach it
        assert catalog.food is old_food
        assert catalog.refresh(wait=True) == ["food_safety"]
        assert catalog.food is old_food and catalog.food_index is old_index
    assert catalog.food is not old_food and len(catalog.food.records) == len(catalog.food_index) == 3
    assert catalog.food_index.lookup("gio bien man thai").status == "found"
    assert catalog.versions()["food_safety"] == (data_dir / "versions/food_safety/CURRENT").read_text().strip()


def test_background_reload_and_a_broken_version_keeps_the_old_one(data_dir: Path) -> None:
    catalog = Catalog(data_dir, reload_every=0.05)
    assert len(catalog.food_index) == 3000
    assert tongdai(data_dir, "data", "import", "food_safety", str(PORTAL), "--force", "--as-of", "2026-12-01") == 0
    deadline = time.monotonic() + 10
    while len(catalog.food_index) == 3000:  # lookups go on from the old snapshot while the new one opens
        assert time.monotonic() < deadline, "no switch within 10 s"
        time.sleep(0.01)
    assert catalog.food.meta.as_of.isoformat() == "2026-12-01"
    broken = data_dir / "versions" / "food_safety" / "broken"
    shutil.copytree(data_dir / "food_safety", broken)
    (broken / "records.jsonl").write_text('{"id": "X"}\n', encoding="utf-8")  # no name: the loader refuses it
    (data_dir / "versions" / "food_safety" / "CURRENT").write_text("broken\n")
    assert catalog.refresh(wait=True) == ["food_safety"]
    assert len(catalog.food_index) == 3  # still the last good version


def test_a_built_version_is_opened_by_the_access_that_notices_it_a_source_read_in_a_thread(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[str] = []
    thread = threading.Thread

    def recorded(*args: Any, **kwargs: Any) -> threading.Thread:
        if kwargs.get("name", "").startswith("reload-"):  # not the threads that let replaced versions go
            threads.append(kwargs["name"])
        return thread(*args, **kwargs)

    monkeypatch.setattr(store.threading, "Thread", recorded)
    catalog = Catalog(data_dir, reload_every=0.01)
    assert len(catalog.food_index) == 3000 and len(catalog.bus.stops) > 0
    assert tongdai(data_dir, "data", "import", "food_safety", str(PORTAL), "--force", "--as-of", "2026-12-01") == 0
    time.sleep(0.02)
    assert len(catalog.food_index) == 3000  # this access noticed, and answers from the version it started with
    assert len(catalog.food_index) == 3 and threads == []  # opened there: maps only, no thread beside requests
    assert tongdai(data_dir, "data", "import", "bus", str(GTFS), "--force", "--allow-partial") == 0
    time.sleep(0.02)
    catalog.bus  # noqa: B018  # the access that notices: buses are read from their source, in a thread
    assert threads == ["reload-bus"]


def mapped(path: Path) -> bool:
    return str(path) in Path("/proc/self/maps").read_text()


def test_the_replaced_version_is_closed_once_no_request_holds_it(data_dir: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(records, "IN_MEMORY", 0)  # the sample's records mapped, as a big registry's are
    catalog = Catalog(data_dir, reload_every=0)
    old = weakref.ref(catalog.food_index)
    closed_in: list[str] = []  # the thread that let it go: not a request's, which would wait for the unmapping
    weakref.finalize(catalog.food_index, lambda: closed_in.append(threading.current_thread().name))
    old_store = catalog.places.folder("food_safety", "base") / "records.jsonl"
    assert mapped(old_store)
    pinned, done = threading.Event(), threading.Event()
    answers: list[str] = []

    def request() -> None:  # a request that started before the switch and ends after it
        with catalog.pinned():
            index = catalog.food_index
            pinned.set()
            done.wait(10)
            answers.append(index.lookup("pho hoa").status)

    thread = threading.Thread(target=request)
    thread.start()
    pinned.wait(5)
    assert tongdai(data_dir, "data", "import", "food_safety", str(PORTAL), "--force", "--as-of", "2026-12-01") == 0
    assert catalog.refresh(wait=True) == ["food_safety"]
    assert old() is not None and mapped(old_store)  # still pinned: still open
    done.set()
    thread.join(10)
    assert answers == ["ambiguous"]  # the old version answered whole (three Phở Hòa in the sample pack)
    deadline = time.monotonic() + 5  # let go by a thread of its own once its last request is done
    while old() is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert old() is None and not mapped(old_store)  # closed (no cycles, no other holder)
    assert closed_in == ["retire-base"]
    assert [t.name for t in threading.enumerate() if t.name.startswith("retire-")] == []
    assert len(catalog.food_index) == 3


@pytest.fixture
def server(data_dir: Path, tmp_path: Path) -> Iterator[str]:
    env: dict[str, str | None] = {
        "TONGDAI_DATA_DIR": str(data_dir), "TONGDAI_CHANNELS": "api", "TONGDAI_API_KEY": "",
        "TONGDAI_STATE_DIR": str(tmp_path / "state"), "TONGDAI_RELOAD_SECONDS": None,  # None: the default
        "TONGDAI_API_RATE_LIMIT": "0"}  # the driver asks as fast as the server answers, far past any per-key limit
    with gunicorn(env, tmp_path, timeout=60) as url:
        yield url


class Driver:
    """Two threads asking ``NEW`` as fast as the server answers, recording every outcome."""

    def __init__(self, base: str) -> None:
        self.base, self.stop = base, threading.Event()
        self.results: list[tuple[float, int, Any]] = []
        self.threads = [threading.Thread(target=self.loop, daemon=True) for _ in range(2)]

    def loop(self) -> None:
        with requests.Session() as session:
            while not self.stop.is_set():
                try:
                    r = session.post(f"{self.base}/api/v1/query", json={"text": NEW, "channel": "json"}, timeout=30)
                    self.results.append((time.monotonic(), r.status_code, r.json()["reply"]))
                except (requests.RequestException, ValueError) as exc:
                    self.results.append((time.monotonic(), 0, repr(exc)))

    def settled(self, since: float, check: Callable[[dict[str, Any]], bool], streak: int = 30) -> bool:
        """The last ``streak`` answers, all given after ``since``, all pass ``check``."""
        tail = [reply for at, _, reply in self.results[-streak:] if at > since]
        return len(tail) == streak and all(isinstance(r, dict) and check(r) for r in tail)

    def wait_for(self, since: float, check: Callable[[dict[str, Any]], bool]) -> float:
        while not self.settled(since, check):
            assert time.monotonic() < since + SWITCH_TIMEOUT, f"no switch in {SWITCH_TIMEOUT}s"
            time.sleep(0.05)
        return time.monotonic() - since


def is_new(reply: dict[str, Any]) -> bool:
    return bool(reply["title"] == "Nhà hàng Gió Biển Mân Thái" and reply["footer"]["as_of"] == "2026-12-01")


def is_old(reply: dict[str, Any]) -> bool:
    return bool(reply["footer"]["as_of"] == "2026-11-01")


def test_gunicorn_switches_versions_without_a_failed_request(server: str, data_dir: Path) -> None:
    driver = Driver(server)
    for thread in driver.threads:
        thread.start()
    try:
        time.sleep(1.0)
        assert tongdai(data_dir, "data", "import", "food_safety", str(PORTAL), "--force", "--as-of", "2026-12-01",
                       "--source", "Cổng dữ liệu mở") == 0
        imported = driver.wait_for(time.monotonic(), is_new)
        assert tongdai(data_dir, "data", "rollback", "food_safety") == 0
        rolled_back = driver.wait_for(time.monotonic(), is_old)
    finally:
        driver.stop.set()
        for thread in driver.threads:
            thread.join(timeout=15)
    failed = [(code, reply) for _, code, reply in driver.results
              if code != 200 or not isinstance(reply, dict) or reply["status"] == "error"]
    assert not failed, failed[:3]
    assert len(driver.results) > 100 and imported < SWITCH_TIMEOUT and rolled_back < SWITCH_TIMEOUT
    assert is_old(driver.results[0][2]) and not is_new(driver.results[-1][2])  # answers carry their version's date
    print(f"switch seen by both workers after {imported:.1f} s, rollback after {rolled_back:.1f} s, "
          f"{len(driver.results)} requests, none failed")
