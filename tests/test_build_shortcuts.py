"""The index build's shortcuts give what the plain way gives: a record's shared location tail worked out once
(``lookups.index_pass``), and string tables encoded in one piece (``lookups.index_files.string_parts``)."""

from __future__ import annotations

import numpy as np
import pytest

from lookups import index_pass
from lookups.datasets.base import Entry
from lookups.index_build import _location_counts, build
from lookups.index_files import _one_by_one, string_parts

ENTRIES = [
    Entry("A1", ("Phở Hòa",), ("12 Lê Duẩn", "Lê Duẩn", "Hải Châu", "Hải Châu", "Thạch Thang (trướcsápnhập)")),
    Entry("A2", ("PHỞ HÒA", "Phở Hòa Lê Duẩn"), ("Lê Duẩn", "Lê Duẩn", "Hải Châu", "Hải Châu")),  # address = street
    Entry("A3", ("Bún chả", ""), ("", "Lê Duẩn", "Hải Châu", "Hải Châu", "Thạch Thang (trướcsápnhập)")),
    Entry("A4", ("Cơm gà Bà Buội",), ("K12/3 Hùng Vương Hải Châu", "Hùng Vương", "Hải Châu", "Hải Châu")),
    Entry("A5", ("🍜",), ("Hải Châu 1 Hải Châu", "Hùng Vương", "Hải Châu")),  # the address says the ward twice
    Entry("A6", ("Bánh mì",), ()),
    Entry("A7", ("Bánh mì",), ("99 Trần Phú",)),  # no tail
    Entry("A8", ("Cà phê",), ("Hải Châu", "Hùng Vương", "Hải Châu", "Hải Châu")),  # a one-word-shorter address
    Entry("A9", ("Quán 5",), ("5 Trần Phú", "Trần Phú", "Hải Châu", "Hải Châu", "Thạch Thang (trướcsápnhập)")),
]


def _parts(entries: list[Entry]) -> dict[str, np.ndarray]:
    parts, _ = build(entries)
    return parts


@pytest.mark.parametrize("tails", [0, 1, 2])
def test_records_taken_on_their_own_build_the_same_index(monkeypatch: pytest.MonkeyPatch, tails: int) -> None:
    shared = _parts(ENTRIES)
    monkeypatch.setattr(index_pass, "TAILS", tails)  # no tail (or only the first few) remembered
    alone = _parts(ENTRIES)
    assert shared.keys() == alone.keys()
    for name in shared:
        assert np.array_equal(shared[name], alone[name]), name


def test_records_per_location_word_count_each_record_once() -> None:
    one = index_pass.Pass()
    for entry in ENTRIES * 3:
        one.add(entry)
    expected = np.zeros(len(one.word_ids), dtype=np.int64)
    flat, starts = list(one.loc_flat), list(one.loc_start)
    for row in range(len(ENTRIES) * 3):
        words = {w for pid in flat[starts[row]:starts[row + 1]] for w in one.phrase_distinct[pid]}
        expected[list(words)] += 1
    assert np.array_equal(_location_counts(one), expected)
    assert one.tail_uses and sum(one.tail_uses) == 3 * sum(1 for e in ENTRIES if e.locations)


@pytest.mark.parametrize("items", [[], [""], ["", ""], ["Phở", "", "Hòa"], ["a\0b", "c"], ["\0"], ["x\ud800y", "é"],
                                   ["Đà Nẵng"] * 3 + ["🍜 phở"]])
def test_a_string_table_encoded_in_one_piece_is_the_same(items: list[str]) -> None:
    blob, offsets = string_parts(items)
    plain_blob, plain_offsets = _one_by_one(items)
    assert blob.dtype == plain_blob.dtype and offsets.dtype == plain_offsets.dtype
    assert blob.tobytes() == plain_blob.tobytes() and offsets.tolist() == plain_offsets.tolist()
