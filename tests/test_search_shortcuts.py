"""A search's shortcuts give what the plain way gives: location phrases rejected by word id without being decoded
(``Records.located``), a phrase looked for only where its first word is (``Records._span``), the query words left for
a name worked out once per search (``Query.rests``), a one-name set decoded without lists of lists
(``Records._name_set``), the shortlist's name-length penalty read per row (``row_penalty``), and a look-up by
string that walks the equal hashes after the first instead of searching for where they end (``Keys.find``)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lookups import index_files
from lookups.datasets import food_safety
from lookups.datasets.base import Entry
from lookups.datasets.synth import synth_data_dir
from lookups.index import Index
from lookups.index_build import build
from lookups.index_files import Keys, key_parts
from lookups.index_query import NameSet, Query
from lookups.index_score import Records

DATA = Path(__file__).resolve().parents[1] / "data"
ODD = [  # aliases, a name that folds to nothing, numbers, no locations, a street named twice, a 4-word street
    Entry("X1", ("Phở Hòa", "Phở Hòa Lê Duẩn"), ("12 Lê Duẩn", "Lê Duẩn", "Hải Châu", "Thạch Thang (trướcsápnhập)")),
    Entry("X2", ("🍜",), ("Hải Châu 1 Hải Châu", "Hùng Vương", "Hải Châu")),
    Entry("X3", ("Bún chả cá 109", ""), ("109 Nguyễn Chí Thanh", "Nguyễn Chí Thanh", "Hải Châu")),
    Entry("X4", ("Bánh mì",), ()),
    Entry("X5", ("Cơm gà Lê Lai",), ("3 Lê Lai Lê Lai", "Lê Lai", "Hải Châu")),
    Entry("X6", ("Quán 5",), ("5 Nguyễn Văn Thoại", "Nguyễn Văn Thoại Sơn Trà", "Nguyễn Văn Thoại", "Sơn Trà")),
]


@pytest.fixture(scope="module")
def entries(tmp_path_factory: pytest.TempPathFactory) -> list[Entry]:
    folder = synth_data_dir(2000, tmp_path_factory.mktemp("synth"), DATA)
    return [r.entry() for r in food_safety.load(folder / "food_safety").records] + ODD


@pytest.fixture(scope="module")
def index(entries: list[Entry]) -> Index:
    return Index(entries)


def queries(entries: list[Entry], count: int = 250) -> list[str]:
    """Names with their street, ward or address (whole, less a word, a marker before it), typos, numbers."""
    rng = random.Random(7)
    out = ["pho hoa 12 le duan", "com ga le lai le lai", "quan 5 nguyen thoai", "bun cha ca 109 nguyen chi thanh",
           "banh mi hai chau 1", "phuong hai chau", "", "quan " * 30]
    for entry in [*ODD, *rng.sample(entries, count)]:
        name = entry.names[0]
        place = rng.choice(entry.locations) if entry.locations else ""
        words = place.split()
        less = " ".join(words[:1] + words[2:]) if len(words) >= 3 else place
        typo = list(name.lower())
        typo[rng.randrange(len(typo))] = rng.choice("aehnot")
        out += [f"{name} {place}", f"{name} duong {less}", f"{''.join(typo)} {place}", f"{place} {name}",
                f"{name} 12 {rng.choice(words) if words else ''}"]
    return out


def plain_located(records: Records, rows: np.ndarray, query: Query) -> dict[int, list[int]]:
    """Every phrase of every row, to be decoded and tried by ``_span``, as before ``located``."""
    starts = records._locs_start
    found = {row: records._locs[starts[row]:starts[row + 1]].tolist() for row in rows.tolist()}
    return {row: pids for row, pids in found.items() if pids}


def plain_span(records: Records, query: Query, pid: int) -> tuple[int, int] | None:
    """``_span`` as it was: every form of the phrase tried at every start."""
    phrase, words, word_set = tuple(records.phrases[pid].split()), query.words, query.word_set
    if (phrase and word_set.isdisjoint(phrase)) or (
            len([w for w in phrase if w in word_set]) < len(phrase) - (len(phrase) >= 3)):
        query.spans[pid] = None
        return None
    query.phrases[pid] = phrase
    forms = [phrase]
    if len(phrase) >= 3:
        forms += [phrase[:k] + phrase[k + 1:] for k in range(len(phrase)) if not phrase[k].isdigit()]
    found = query.spans[pid] = next(
        ((start, start + len(form)) for form in forms for start in range(len(words) - len(form) + 1)
         if tuple(words[start:start + len(form)]) == form), None)
    return found


def plain_name_set(records: Records, set_id: int) -> NameSet:
    """A name set decoded the general way, whatever its number of names."""
    some = records._set_names_start[set_id + 1] > records._set_names_start[set_id]
    names = tuple(records._set_text[set_id].split("\n")) if some else ()
    splits = [n.split() for n in names]
    words = tuple(dict.fromkeys([w for ws in splits for w in ws]))
    start, end = records._set_words_start[set_id], records._set_words_start[set_id + 1]
    idf = dict(zip(words, records._set_idf[start:end].tolist(), strict=True))
    return NameSet(names, words, idf, tuple([(ws, set(ws), sum([idf[w] for w in ws]) or 1.0) for ws in splits]))


class Forgetful(dict[Any, Any]):
    """Keeps nothing: each record's rest is worked out from its own readings."""

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


def test_located_keeps_exactly_the_phrases_that_share_enough_words_with_the_query(
        index: Index, entries: list[Entry]) -> None:
    records, kept = index._records, 0
    for text in queries(entries):
        query, ids = index._query(text)
        rows = index._shortlist(query, ids)
        plain: dict[int, list[int]] = {}
        for row, pids in plain_located(records, rows, query).items():
            for pid in pids:
                phrase = records.phrases[pid].split()
                shared = len([w for w in phrase if w in query.word_set])
                if phrase and shared and shared >= len(phrase) - (len(phrase) >= 3):
                    plain.setdefault(row, []).append(pid)
        assert records.located(rows, query) == plain, text
        kept += len(plain)
    assert kept  # the queries name places


def test_one_name_sets_decode_as_the_general_way(index: Index) -> None:
    records = index._records
    for set_id in range(len(records._set_names_start) - 1):
        fast, plain = records._name_set(set_id), plain_name_set(records, set_id)
        assert fast == plain
        assert [list(split[1]) for split in fast.split] == [list(split[1]) for split in plain.split]  # same order


def test_searches_score_as_the_plain_way(index: Index, entries: list[Entry], monkeypatch: pytest.MonkeyPatch) -> None:
    texts = queries(entries)
    fast = [index.search(text, limit=40) for text in texts]
    read = index._query

    def forgetful(text: str) -> tuple[Query, dict[str, int | None]]:
        query, ids = read(text)
        query.rests = Forgetful()
        return query, ids

    monkeypatch.setattr(index, "_query", forgetful)
    monkeypatch.setattr(Records, "located", plain_located)
    monkeypatch.setattr(Records, "_span", plain_span)
    monkeypatch.setattr(Records, "_name_set", plain_name_set)
    plain = [index.search(text, limit=40) for text in texts]
    assert fast == plain
    assert any(c.locations for ranked in fast for c in ranked)  # places were matched, some of them less a word


def test_the_row_penalty_is_the_name_length_penalty_of_the_row(entries: list[Entry]) -> None:
    parts, _ = build(entries)
    lengths = np.diff(parts["set_words_start"]).astype(np.float32)
    assert np.array_equal(parts["row_penalty"], 0.01 * lengths[parts["name_of_row"]])
    assert parts["row_penalty"].dtype == np.float32


@pytest.mark.parametrize("collide", [False, True])
def test_a_look_up_finds_every_row_of_a_hash(monkeypatch: pytest.MonkeyPatch, collide: bool) -> None:
    if collide:  # keys of one length share a hash: runs of equal hashes, as colliding digests would make
        monkeypatch.setattr(index_files, "digests", lambda keys: np.array([len(k) for k in keys], dtype=np.int64))
    keys = ["a", "bb", "a", "c", "a", "đ", "bb", "", "dd", "e" * 9]
    table = Keys(*key_parts(index_files.digests(keys)))
    wanted = ["a", "bb", "c", "đ", "", "zz", "a", "e" * 9, "f" * 20]
    hashes = index_files.digests(keys).tolist()
    plain = [[row for row, h in enumerate(hashes) if h == key] for key in index_files.digests(wanted).tolist()]
    assert table.find(wanted) == plain and table.find([]) == []
    assert any(len(rows) > 1 for rows in plain) and [] in plain
