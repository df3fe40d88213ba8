"""The state store, on the real Redis and on the in-process stand-in alike: its commands, and the result cache
built on it (one entry per folded query, keyed on dataset versions, nothing time-dependent or broken cached)."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app import create_app
from app.config import Settings
from app.services import services
from app.state import open_store
from app.state.store import Op, StateStore
from lookups.importing import versions
from lookups.store import Catalog

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def store(state_config: dict[str, str]) -> StateStore:
    return open_store(Settings.from_env({}, **state_config))


@pytest.fixture
def make_app(catalog: Catalog, state_config: dict[str, str]) -> Callable[..., Flask]:
    def make(**config: Any) -> Flask:
        return create_app({"TONGDAI_CHANNELS": "api", "CATALOG": catalog, **state_config, **config})

    return make


def ask(app: Flask, text: str, sender: str = "op-1") -> dict[str, Any]:
    response = app.test_client().post("/api/v1/query", json={"text": text, "sender": sender})
    assert response.status_code == 200, response.data
    reply: dict[str, Any] = response.get_json()["reply"]
    return reply


def cache_count(app: Flask, result: str) -> float:
    return services(app).metrics.registry.get_sample_value("tongdai_cache_lookups_total", {"result": result}) or 0.0


def test_commands_behave_alike(store: StateStore) -> None:
    before = getattr(store, "round_trips", 0)
    got = store.execute([
        Op("set", "a", "1", 60), Op("get", "a"), Op("setnx", "a", "2", 60), Op("setnx", "b", "2", 60),
        Op("get", "missing"), Op("incr", "n", ttl=60), Op("incr", "n", ttl=60), Op("hincr", "h", "x", 60),
        Op("hincr", "h", "x", 60), Op("hincr", "h", "y", 60), Op("zincr", "z", "pho", 60), Op("zincr", "z", "bun", 60),
        Op("zincr", "z", "pho", 60), Op("pfadd", "p", "s1", 60), Op("pfadd", "p", "s1", 60), Op("pfadd", "p", "s2", 60),
        Op("ttl", "a"), Op("ttl", "missing"), Op("delete", "b"), Op("delete", "b"),
    ])
    assert got == [True, "1", False, True, None, 1, 2, 1, 2, 1, 1.0, 1.0, 2.0, 1, 0, 1, 60, -2, 1, 0]
    assert getattr(store, "round_trips", 1) == before + 1  # a batch is one round trip
    reads = store.execute([Op("hgetall", "h"), Op("ztop", "z", count=5), Op("pfcount", "p"), Op("hgetall", "none")])
    assert reads == [{"x": 2, "y": 1}, [("pho", 2.0), ("bun", 1.0)], 2, {}]
    assert store.keys() == ["a", "h", "n", "p", "z"] and store.keys("h*") == ["h"]
    assert store.ping() and store.available
    assert store.clear() == 5 and store.keys() == []


def test_counters_keep_their_first_expiry(store: StateStore) -> None:
    """``incr`` gives a new key its ttl and leaves an existing one's alone: a fixed window, not a sliding one."""
    assert store.execute([Op("incr", "w", ttl=1)]) == [1]
    time.sleep(0.6)
    assert store.execute([Op("incr", "w", ttl=1)]) == [2]
    time.sleep(0.6)
    assert store.execute([Op("incr", "w", ttl=1), Op("get", "w")]) == [1, "1"]
    store.clear()


def test_spellings_of_one_query_share_one_cache_entry(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    replies = [ask(app, text) for text in ("ATTP Phở Hòa", "attp pho hoa", "ATTP  PHO  HOA", "attp phở hoà")]
    assert {r["status"] for r in replies} == {"ambiguous"}
    assert all(r["options"] == replies[0]["options"] for r in replies)
    keys = services(app).state.keys("cache:*")
    assert len(keys) == 1 and keys[0].endswith(":pho hoa") and keys[0].startswith("cache:attp:attp:vi:")
    assert (cache_count(app, "miss"), cache_count(app, "hit")) == (1, 3)
    assert not any("Phở" in key or "PHO" in key for key in keys)  # the folded text, never the raw one


def test_what_handlers_read_stays_in_the_key(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    trip, stop = ask(app, "BUS cho han, san bay"), ask(app, "BUS cho han san bay")
    assert trip["title"] != stop["title"]
    english = ask(app, "FOOD pho hoa")
    assert english["lang"] == "en" and "results" in english["title"]
    assert len(services(app).state.keys("cache:*")) == 3


def test_time_dependent_and_failed_answers_are_not_cached(make_app: Callable[..., Flask],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    assert ask(app, "MT HC103")["intent"] == "mt"
    assert ask(app, "HD ATTP")["status"] == "help"

    def broken(*_: object) -> None:
        raise RuntimeError("index exploded")

    monkeypatch.setattr("handlers.dispatch.answer", broken)  # what every channel's answer runs
    assert ask(app, "attp pho hoa")["status"] == "error"
    assert services(app).state.keys("cache:*") == []


@pytest.mark.parametrize("text", ["attp pho hoa", "bus 05", "pho hoa", ""])
def test_a_message_is_parsed_once(make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    """The cache key and the answer read one parse of the message (``handlers.dispatch.clean`` runs once a parse)."""
    from handlers import dispatch

    app = make_app()
    calls: list[str] = []
    real = dispatch.clean
    monkeypatch.setattr(dispatch, "clean", lambda raw: calls.append(raw) or real(raw))
    assert ask(app, text)["status"]
    assert len(calls) == 1


def test_cache_ttl_is_configurable(make_app: Callable[..., Flask]) -> None:
    app = make_app(TONGDAI_CACHE_TTL=1)
    ask(app, "attp pho hoa")
    state = services(app).state
    assert state.execute([Op("ttl", state.keys("cache:*")[0])]) == [1]
    time.sleep(1.1)
    assert state.keys("cache:*") == []
    off = make_app(TONGDAI_CACHE_TTL=0)
    ask(off, "kcb nhi")
    assert services(off).state.keys("cache:*") == [] and cache_count(off, "miss") == 0


def test_a_new_dataset_version_invalidates_its_entries_only(tmp_path: Path, state_config: dict[str, str]) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("versions", "tools"))
    catalog = Catalog(data, reload_every=0)
    app = create_app({"TONGDAI_CHANNELS": "api", "CATALOG": catalog, **state_config})
    before = ask(app, "attp pho hoa le duan")
    assert before["status"] == "found" and ask(app, "attp pho hoa le duan") == before
    ask(app, "kcb nhi hai chau")
    assert (cache_count(app, "miss"), cache_count(app, "hit")) == (2, 1)
    old_version = catalog.food.meta.version
    # An import: a new version folder (one record renamed) and the pointer moved to it, as lookups.importing does.
    folder = versions.root(data, "food_safety") / "renamed"
    shutil.copytree(data / "food_safety", folder)
    records = [json.loads(line) for line in (folder / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    target = next(r for r in records if r["id"] == before["matches"][0]["id"])
    target["name"] = "Phở Hòa Lê Duẩn Mới"
    (folder / "records.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                                          encoding="utf-8")
    (folder.parent / versions.POINTER).write_text("renamed", encoding="utf-8")
    assert catalog.refresh(wait=True) == ["food_safety"]
    assert catalog.food.meta.version != old_version
    after = ask(app, "attp pho hoa le duan")
    assert after["title"] == "Phở Hòa Lê Duẩn Mới"  # not the cached answer of the old version
    ask(app, "kcb nhi hai chau")  # clinics did not change: still cached
    assert (cache_count(app, "miss"), cache_count(app, "hit")) == (3, 2)
    keys = services(app).state.keys("cache:attp:*")
    assert len(keys) == 2 and {k.split(":")[4] for k in keys} == {old_version, catalog.food.meta.version}


def test_counting_a_member_twice_counts_it_once(store: StateStore) -> None:
    got = store.execute([Op("count", "c", "m1", 60), Op("count", "c", "m1", 60), Op("count", "c", "m2", 60),
                         Op("uncount", "c", "m1"), Op("uncount", "c", "m1"), Op("count", "c", "m3", 60),
                         Op("ttl", "c"), Op("uncount", "none", "m1")])
    assert got == [(True, 1), (False, 1), (True, 2), 1, 0, (True, 2), 60, 0]


def test_the_memory_stores_ttl_is_whole_seconds_at_any_clock_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.state import memory

    monkeypatch.setattr(memory.time, "monotonic", lambda: 16325.398)  # (now + 60) - now is 60.00000000000001 here
    store = memory.MemoryStore()
    assert store.execute([Op("count", "c", "m1", 60), Op("ttl", "c")]) == [(True, 1), 60]
