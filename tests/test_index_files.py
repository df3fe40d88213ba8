"""The index as files: ``Index.open`` of a written folder answers as ``Index(entries)`` does, in every method,
opening reads no record, and a folder that is not an index of this format is refused with a clear error."""

from __future__ import annotations

import json
import random
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from lookups import index_build, index_files, vocab
from lookups.datasets import food_safety
from lookups.datasets.base import Entry
from lookups.datasets.synth import synth_data_dir
from lookups.index import Index
from lookups.index_files import FORMAT, IndexFilesError

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def entries(tmp_path_factory: pytest.TempPathFactory) -> list[Entry]:
    folder = synth_data_dir(3000, tmp_path_factory.mktemp("synth"), DATA)
    return [r.entry() for r in food_safety.load(folder / "food_safety").records]


def queries(entries: list[Entry], count: int = 300) -> list[str]:
    """Names, names with a place, typos, swapped and dropped words, Telex, abbreviations, ids and nonsense."""
    rng = random.Random(15)
    out = ["", "   ", "bv da nang", "phowr hoaf q son tra", "x" * 300, "1 2 3 4 5", "quan " * 40]
    for entry in rng.sample(entries, count):
        words = entry.names[0].split()
        place = rng.choice(entry.locations) if entry.locations else ""
        typo = list(entry.names[0].lower())
        typo[rng.randrange(len(typo))] = rng.choice("aehnot")
        out += [entry.names[0], f"{entry.names[0]} {place}", "".join(typo), " ".join(reversed(words)),
                " ".join(words[1:]) + f" gan {place}", entry.id.lower()]
    return out


def answers(index: Index, texts: list[str], entries: list[Entry]) -> list[object]:
    out: list[object] = [len(index)]
    for text in texts:
        out += [index.search(text, limit=40), index.lookup(text), index.exact(text), index.row(text)]
        out += [index.idf(w) for w in text.lower().split()[:5]] + [w in index.vocabulary for w in text.split()[:5]]
    out += [(index.row(e.id), index.display(index.row(e.id) or 0)) for e in entries[::7]]
    return out


def written(entries: list[Entry], folder: Path) -> Index:
    folder.mkdir(exist_ok=True)
    Index.write(entries, folder)
    return Index.open(folder)


def test_opened_files_answer_as_the_index_in_memory(entries: list[Entry], tmp_path: Path) -> None:
    texts = queries(entries)
    opened = written(entries, tmp_path)
    expected = answers(Index(entries), texts, entries)
    assert answers(opened, texts, entries) == expected
    assert sum(isinstance(a, list) and len(a) > 0 for a in expected) > len(texts) // 2  # most searches find some


def test_colliding_hashes_are_told_apart_by_the_strings(entries: list[Entry], tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Keyed by a hash of only the first letter, every look-up collides: the answers must not change."""
    texts = queries(entries[:400], count=60)
    expected = answers(Index(entries[:400]), texts, entries[:400])

    def first_letter(keys: object) -> np.ndarray:
        return np.array([ord(k[:1] or "\0") for k in keys], dtype="<i8")  # type: ignore[attr-defined]

    for module in (index_files, index_build, vocab):
        monkeypatch.setattr(module, "digests", first_letter)
    assert answers(written(entries[:400], tmp_path), texts, entries[:400]) == expected


def open_peak(folder: Path) -> int:
    """Bytes allocated at most while opening ``folder`` (numpy reports its buffers to tracemalloc)."""
    tracemalloc.start()
    try:
        Index.open(folder)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_opening_builds_nothing_proportional_to_the_records(entries: list[Entry], tmp_path: Path) -> None:
    """Ten times the records, files six times larger: opening allocates about the same (maps are not counted)."""
    small, large = tmp_path / "small", tmp_path / "large"
    written(entries[:300], small)
    written(entries, large)
    size = sum(p.stat().st_size for p in large.iterdir())
    assert size > 5 * sum(p.stat().st_size for p in small.iterdir())
    assert open_peak(large) < 1.2 * open_peak(small) < size / 5, (open_peak(small), open_peak(large), size)


def test_an_empty_index_and_one_of_nameless_records(tmp_path: Path) -> None:
    empty = written([], tmp_path / "a")
    assert len(empty) == 0 and empty.search("pho") == [] and empty.row("1") is None
    odd = written([Entry("X1", ("!!!",), ("",)), Entry("X2", ("Phở Hòa",), ("???", "Lê Duẩn"))], tmp_path / "b")
    assert [c.id for c in odd.search("pho hoa")] == ["X2"] and odd.exact("!!!") is None and odd.row("x1") == 0


def _rewrite_meta(folder: Path, **changes: object) -> None:
    meta = json.loads((folder / "index.json").read_text())
    (folder / "index.json").write_text(json.dumps({**meta, **changes}))


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda f: (f / "index.json").unlink(), "no index.json"),
        (lambda f: (f / "index.json").write_text("{not json"), "unreadable"),
        (lambda f: _rewrite_meta(f, format=FORMAT - 1), f"this code reads format {FORMAT}"),
        (lambda f: _rewrite_meta(f, format="lucene"), "index format 'lucene'"),
        (lambda f: _rewrite_meta(f, abbreviations="0" * 16), "another abbreviations table"),
        (lambda f: (f / "post_rows.npy").unlink(), "part post_rows"),
        (lambda f: (f / "idf.npy").write_bytes(b"garbage"), "part idf"),
        (lambda f: (f / "idf.npy").write_bytes((f / "idf.npy").read_bytes()[:-1]), "part idf"),  # cut short
        (lambda f: (f / "idf.npy").write_bytes(b"x" * (f / "idf.npy").stat().st_size), "part idf"),  # not .npy
        (lambda f: _rewrite_meta(f, layout={}), "part "),
        (lambda f: _rewrite_meta(f, records=5), "5"),
        (lambda f: _rewrite_meta(f, parts=["idf"]), "incomplete index"),
    ],
)
def test_a_folder_that_is_no_index_of_this_format_is_refused(tmp_path: Path, spoil: object, message: str) -> None:
    Index.write([Entry("1", ("Phở Hòa",), ("Lê Duẩn",))], tmp_path)
    spoil(tmp_path)  # type: ignore[operator]
    with pytest.raises(IndexFilesError, match=message):
        Index.open(tmp_path)


def test_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IndexFilesError, match="no index.json"):
        Index.open(tmp_path / "nowhere")


def test_a_record_without_a_name_found_through_its_street_is_no_error(tmp_path: Path) -> None:
    records = [Entry("N1", ("",), ("Lê Duẩn",)), Entry("N2", ("Phở Hòa",), ("Lê Duẩn",)),
               Entry("N3", ("Bún Chả",), ("Lê Duẩn",))]
    for index in (Index(records), written(records, tmp_path)):
        assert index.search("pho hoa le duan", limit=5)[0].id == "N2"
        assert {c.id for c in index.search("le duan")} == {"N1", "N2", "N3"}  # it used to raise ValueError
