"""``lookups.teardown``: a replaced version is freed a little at a time, and nothing still in use is touched."""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass

import pytest

from lookups import teardown


class Record:
    def __init__(self, n: int) -> None:
        self.name = f"record {n}"
        self.visits = tuple((n, k) for k in range(3))


@dataclass
class Version:  # shaped like a Snapshot: data with many records and an index with big tables
    records: tuple[Record, ...]
    table: dict[str, list[int]]


def make(n: int = 5000) -> Version:
    return Version(tuple(Record(i) for i in range(n)), {f"w{i}": [i, i + 1] for i in range(n)})


def test_everything_is_freed_and_the_pile_is_emptied() -> None:
    version = make()
    refs = [weakref.ref(version), *(weakref.ref(r) for r in version.records)]
    pile: list[object] = [version]
    del version
    assert teardown.release(pile) > 0
    assert pile == []
    assert all(ref() is None for ref in refs)


def test_freeing_is_spread_over_many_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    version = make()
    refs = [weakref.ref(r) for r in version.records]
    alive: list[int] = []
    monkeypatch.setattr(teardown, "pace", lambda: alive.append(sum(ref() is not None for ref in refs)))
    pile: list[object] = [version]
    del version
    teardown.release(pile)
    assert alive[0] == len(refs) and all(ref() is None for ref in refs)
    # Dropped in one go, the 5,000 records would all go between two steps; here at most one goes per step.
    assert max(a - b for a, b in zip(alive, alive[1:], strict=False)) <= 1


def test_what_someone_else_holds_survives_intact() -> None:
    version = make(200)
    kept_record, kept_table = version.records[7], version.table
    pile: list[object] = [version]
    del version
    teardown.release(pile)
    assert kept_record.name == "record 7" and kept_record.visits == ((7, 0), (7, 1), (7, 2))
    assert len(kept_table) == 200 and kept_table["w5"] == [5, 6]


def test_a_pinned_version_is_freed_only_after_its_request_is_done() -> None:
    version = make(100)
    ref = weakref.ref(version)
    pinned = [version]  # a request still holding it
    pile: list[object] = [version]
    del version
    done = threading.Event()
    thread = threading.Thread(target=lambda: (teardown.release_when_unused(pile, poll=0.01), done.set()))
    thread.start()
    time.sleep(0.2)
    assert not done.is_set() and ref() is not None and ref().records[3].name == "record 3"  # type: ignore[union-attr]
    pinned.clear()  # the request ends
    thread.join(5)
    assert done.is_set() and ref() is None
