"""Build once, map everywhere (``lookups.built``): a version's files are built by one process, before its pointer
moves, and every other catalog (another worker, another process) only opens them."""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from app.cli import main
from lookups.built import build, index_files, records
from lookups.built.place import Places
from lookups.datasets import food_safety
from lookups.datasets.base import bundled_data_dir
from lookups.datasets.declared import declarations
from lookups.datasets.kinds import kind
from lookups.importing import versions
from lookups.store import Catalog

ROOT = Path(__file__).resolve().parents[1]
PORTAL = ROOT / "tests" / "fixtures" / "imports" / "food_portal.json"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(bundled_data_dir(), tmp_path / "data", ignore=shutil.ignore_patterns("tools")))


@pytest.fixture
def no_build(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Index builds made from now on (by this process), recorded instead of written."""
    made: list[Path] = []

    def refuse(entries: object, folder: Path) -> None:
        made.append(folder)
        raise AssertionError(f"built {folder} again")

    monkeypatch.setattr(index_files, "write", refuse)
    return made


def built_indexes(data_dir: Path, state: Path) -> list[Path]:
    return sorted(p.parent for p in [*data_dir.rglob(index_files.FILE), *state.rglob(index_files.FILE)])


def test_a_second_catalog_only_opens_what_the_first_built(data_dir: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    first = Catalog(data_dir, reload_every=0, state_dir=tmp_path / "state")
    first.warm()
    made = built_indexes(data_dir, tmp_path / "state")
    assert len(made) == sum(len(kind(d.plugin).indexes) for d in first.declarations)  # every index, once
    assert all(data_dir in p.parents for p in made)  # a data directory of its own: beside each version
    stamps = {p: p.stat().st_mtime_ns for p in made}
    calls: list[Path] = []
    monkeypatch.setattr(index_files, "write", lambda entries, folder: calls.append(folder))
    second = Catalog(data_dir, reload_every=0, state_dir=tmp_path / "state")  # another worker
    second.warm()
    assert calls == [] and {p: p.stat().st_mtime_ns for p in made} == stamps
    assert second.food_index.lookup("pho hoa").status == first.food_index.lookup("pho hoa").status == "ambiguous"
    assert list(second.food.records) == list(food_safety.load(data_dir / "food_safety").records)


def test_the_bundled_pack_builds_under_the_state_dir(tmp_path: Path) -> None:
    state = tmp_path / "state"
    before = {p for p in bundled_data_dir().rglob("*")}
    catalog = Catalog(state_dir=state, reload_every=0)
    assert catalog.food_index.lookup("pho hoa").status == "ambiguous"
    assert {p for p in bundled_data_dir().rglob("*")} == before  # nothing written into the installed pack
    folder = catalog.places.folder("food_safety", "base")
    assert folder.parent == state / "built" / "food_safety"
    assert folder.name.startswith(catalog.food.meta.version + "-f")
    assert (folder / "records.jsonl").is_file() and (folder / "food" / index_files.FILE).is_file()


def test_two_processes_starting_together_build_once(data_dir: Path, tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import logging, sys
        from pathlib import Path
        from lookups.store import Catalog
        logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(name)s %(message)s")
        Catalog(Path({str(data_dir)!r}), reload_every=0, state_dir=Path({str(tmp_path / "state")!r})).warm()
    """)
    starts = [subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
              for _ in range(2)]
    logs = [proc.communicate(timeout=120)[0] for proc in starts]
    assert [proc.returncode for proc in starts] == [0, 0], logs
    built = [line for out in logs for line in out.splitlines() if line.startswith("lookups.built.build built ")]
    datasets = [d.id for d in declarations(data_dir)]
    assert sorted(line.split()[2] for line in built) == sorted(datasets), logs  # each dataset built by one of them
    opened = [line for out in logs for line in out.splitlines() if line.startswith("lookups.snapshot opened ")]
    assert len(opened) == 2 * len(datasets)


def test_a_crashed_builds_leftovers_are_removed(data_dir: Path, tmp_path: Path) -> None:
    places = Places(data_dir, tmp_path / "state")
    target = places.folder("food_safety", "base")
    target.parent.mkdir(parents=True)
    leftover = target.parent / f".{target.name}.tmp-999999"
    (leftover / "food").mkdir(parents=True)
    assert build.ensure(places, "food_safety", "base", kind("food_safety")) == target
    assert not leftover.exists() and (target / build.META).is_file()
    assert not list(target.parent.glob(".*.tmp-*"))


def test_a_build_waiting_on_a_lock_that_a_prune_removed_locks_the_new_one(tmp_path: Path) -> None:
    lock = tmp_path / ".version.lock"
    seen: list[bool] = []

    def build_waiting() -> None:
        with build._locked(lock):
            seen.append(lock.exists())  # a later builder opening the path would lock this same file

    with lock.open("a") as holder:  # the prune: holds the lock, removes the file, lets go
        fcntl.flock(holder, fcntl.LOCK_EX)
        waiting = threading.Thread(target=build_waiting)
        waiting.start()
        time.sleep(0.2)  # the thread has opened the file and waits on it
        lock.unlink()
        fcntl.flock(holder, fcntl.LOCK_UN)
    waiting.join(10)
    assert seen == [True]


def test_the_cycle_collector_is_off_during_a_build_and_on_after(data_dir: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    seen: list[bool] = []
    real = index_files.write

    def write(entries: object, folder: Path) -> None:
        seen.append(gc.isenabled())
        if len(seen) == 1:
            raise RuntimeError("disk full")
        real(entries, folder)  # type: ignore[arg-type]

    monkeypatch.setattr(index_files, "write", write)
    places = Places(data_dir, tmp_path / "state")
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        build.ensure(places, "food_safety", "base", kind("food_safety"))
    assert gc.isenabled()  # a build that failed turns it back on too
    build.ensure(places, "food_safety", "base", kind("food_safety"))
    assert seen == [False, False] and gc.isenabled()
    gc.disable()
    try:  # a caller that had turned it off keeps it off
        build.ensure(Places(data_dir, tmp_path / "other"), "food_safety", "base", kind("food_safety"))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_import_builds_before_the_pointer_moves(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    switch = versions.switch
    seen: list[bool] = []

    def checking_switch(data: Path, dataset: str, version: str, action: str) -> str:
        seen.append((Places(data).folder(dataset, version) / build.META).is_file())
        return switch(data, dataset, version, action)

    catalog = Catalog(data_dir, reload_every=0, state_dir=tmp_path / "state")
    catalog.warm()  # a running worker, on the base versions
    monkeypatch.setattr(versions, "switch", checking_switch)
    assert main(["--data-dir", str(data_dir), "data", "import", "food_safety", str(PORTAL), "--force",
                 "--as-of", "2026-12-01"]) == 0
    vid = versions.read_pointer(data_dir, "food_safety")
    assert seen == [True]
    assert (data_dir / "versions" / "food_safety" / vid / "built").is_dir()  # beside the version it belongs to
    capsys.readouterr()
    monkeypatch.setattr(index_files, "write", lambda *_: pytest.fail("a serving catalog built an index"))
    assert catalog.refresh(wait=True) == ["food_safety"]  # the worker sees the pointer move and opens
    assert catalog.food.meta.as_of == date(2026, 12, 1) and len(catalog.food.records) == 3
    assert main(["--data-dir", str(data_dir), "ask", "attp gio bien man thai"]) == 0  # a fresh process too
    assert "Nha hang Gio Bien Man Thai\nDia chi: 120 Vo Nguyen Giap" in capsys.readouterr().out


def test_a_mapped_record_store_reads_like_the_source(data_dir: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(records, "IN_MEMORY", 0)  # map even the sample pack's few thousand records
    catalog = Catalog(data_dir, reload_every=0, state_dir=tmp_path / "state")
    store, source = catalog.food.records, food_safety.load(data_dir / "food_safety").records
    assert isinstance(store, records.Records) and len(store) == len(source) == 3000
    assert list(store) == list(source) and store[-1] == source[-1] and store[10:13] == list(source[10:13])
    with pytest.raises(IndexError):
        store[3000]
    parks = catalog.data("schools").records  # a declared table: dates and numbers come back typed
    assert isinstance(parks, records.Records)
    from lookups.datasets import table

    assert list(parks) == list(table.load(data_dir / "schools", "schools").records)
    line = (catalog.places.folder("food_safety", "base") / "records.jsonl").read_text(encoding="utf-8")
    assert json.loads(line.splitlines()[0])[0] == source[0].id  # one compact array a line


def test_workers_start_from_the_masters_catalog_and_its_current_version(data_dir: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from app import factory as app_package
    from app.config import Settings
    from app.services import services

    env = {"TONGDAI_DATA_DIR": str(data_dir), "TONGDAI_STATE_DIR": str(tmp_path / "state"), "TONGDAI_CHANNELS": "api",
           "TONGDAI_API_KEY": "k", "TONGDAI_WORKER_THREAD": "0"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(app_package, "_OPENED_BEFORE_FORK", [])
    app_package.open_catalog_before_fork(Settings.from_env())  # what gunicorn.conf.py does in the master
    (shared,) = app_package._OPENED_BEFORE_FORK
    assert shared.reload_every == 0  # no reload thread in the master
    assert main(["--data-dir", str(data_dir), "data", "import", "food_safety", str(PORTAL), "--force",
                 "--as-of", "2026-12-01"]) == 0  # lands after the master opened, before a worker starts
    monkeypatch.setattr(index_files, "write", lambda *_: pytest.fail("a worker built an index"))
    worker = app_package.create_app()  # in a forked worker: the master's catalog, brought up to date
    reply = worker.test_client().post("/api/v1/query", json={"text": "attp gio bien man thai"},
                                      headers={"X-API-Key": "k"})
    assert reply.status_code == 200 and reply.json["reply"]["footer"]["as_of"] == "2026-12-01"
    assert services(worker).catalog is shared and shared.reload_every == Settings.from_env().TONGDAI_RELOAD_SECONDS
