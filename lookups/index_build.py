"""Build the parts of an index from a dataset's entries: one pass over the records, the rest in numpy.

The pass folds each distinct name and location string once and numbers what repeats: name sets (the names of
a record, shared by a chain's branches), location phrases and words. Posting lists, location word counts,
places and the look-ups are then array operations over those numbers. Word ids follow the words' hashes, so
the word table is its own look-up.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from typing import Any

import numpy as np

from lookups.datasets.base import Entry
from lookups.index_files import Parts, digests, key_parts, string_parts
from lookups.vocab import normalise_words, vocabulary_parts


class _Pass:
    """What one pass over the entries numbers: name sets, phrases, words, and each record's."""

    def __init__(self) -> None:
        # Folding is word by word (a space folds to a word break, a mark after it goes with it), and words repeat
        # far more than names or addresses do: each space-separated part is folded, and its words numbered, once.
        self.parts: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {}
        self.name_keys: dict[str, str] = {}  # a name -> its words joined by spaces
        self.key_ids: dict[str, tuple[int, ...]] = {}  # such a key -> the ids of its words
        self.loc_phrases: dict[str, tuple[int, int]] = {}  # a location string -> its phrase id and length
        self.word_ids: dict[str, int] = {}  # in order of first sight; renumbered by hash afterwards
        self.set_ids: dict[tuple[str, ...], int] = {}
        self.set_names: list[tuple[str, ...]] = []
        self.set_words, self.set_words_start = array("i"), array("q", [0])  # word ids, distinct, as first seen
        self.name_of_row = array("i")
        self.phrase_ids: dict[tuple[str, ...], int] = {}
        self.phrases: list[str] = []  # folded words joined by spaces
        self.phrase_display: list[str] = []  # the location string a phrase was first seen as
        self.phrase_words, self.phrase_words_start = array("i"), array("q", [0])
        self.loc_flat, self.loc_start = array("i"), array("i", [0])  # each record's phrases, longest first

    def words_of(self, text: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """The words of a name or location string, and their ids."""
        words: list[str] = []
        ids: list[int] = []
        parts = self.parts
        for part in text.split(" "):
            if part:
                found = parts.get(part) or self.part(part)
                words += found[0]
                ids += found[1]
        return tuple(words), tuple(ids)

    def part(self, part: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
        # A word is numbered when first folded, which is the order of before (numbered with the first new name set
        # or phrase that has it): a string whose words are read makes a new set or phrase, or reads as one made
        # before (``PHỞ HÒA``, ``Phở Hòa``), whose words all have their numbers.
        words = tuple(normalise_words(part))
        word_ids = self.word_ids
        found = self.parts[part] = (words, tuple(word_ids.setdefault(w, len(word_ids)) for w in words))
        return found

    def name_key(self, name: str) -> str:
        words, ids = self.words_of(name)
        key = self.name_keys[name] = " ".join(words)
        self.key_ids.setdefault(key, ids)
        return key

    def phrase(self, loc: str) -> tuple[int, int]:
        """The phrase id of a location string and its length in words (0: no words), numbered at first sight."""
        key, ids = self.words_of(loc)
        pid = self.phrase_ids.get(key, -1) if key else -1
        if key and pid < 0:
            pid = self.phrase_ids[key] = len(self.phrases)
            self.phrases.append(" ".join(key))
            self.phrase_display.append(loc)
            self.phrase_words.extend(ids)
            self.phrase_words_start.append(len(self.phrase_words))
        found = self.loc_phrases[loc] = (pid, len(key))
        return found

    def add(self, entry: Entry) -> None:
        keys, phrases, raw = self.name_keys, self.loc_phrases, entry.names
        if len(raw) == 1 and raw[0]:  # most records: no aliases
            names: tuple[str, ...] = (keys.get(raw[0]) or self.name_key(raw[0]),)
        else:
            names = tuple(dict.fromkeys(keys.get(n) or self.name_key(n) for n in raw if n))
        set_id = self.set_ids.get(names)
        if set_id is None:
            set_id = self.set_ids[names] = len(self.set_names)
            self.set_names.append(names)
            key_ids = self.key_ids
            self.set_words.extend(dict.fromkeys(i for n in names for i in key_ids[n]))
            self.set_words_start.append(len(self.set_words))
        self.name_of_row.append(set_id)
        locs: dict[int, int] = {}  # phrase id -> its length in words
        for loc in entry.locations:
            pid, length = phrases.get(loc) or self.phrase(loc)
            if length:
                locs[pid] = length
        # Longest first; reverse keeps phrases of one length in the order they came, as a stable sort does.
        self.loc_flat.extend(sorted(locs, key=locs.__getitem__, reverse=True) if len(locs) > 1 else locs)
        self.loc_start.append(len(self.loc_flat))


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Positions ``starts[i]:starts[i] + counts[i]`` for every i, concatenated."""
    total = int(counts.sum())
    firsts = np.cumsum(counts) - counts
    return np.repeat(starts - firsts, counts) + np.arange(total, dtype=np.int64)


def _csr(groups: np.ndarray, values: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """``values`` grouped by ``groups`` (kept in their order within a group) and each group's start."""
    order = np.argsort(groups, kind="stable")
    start = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.bincount(groups, minlength=count), out=start[1:])
    return values[order].astype(np.int32), start


def build(entries: Sequence[Entry]) -> tuple[Parts, dict[str, Any]]:
    """Every part of the index of ``entries``, and the counts ``index.json`` records."""
    one = _Pass()
    for entry in entries:
        one.add(entry)
    size, n_sets, n_phrases, n_words = len(entries), len(one.set_names), len(one.phrases), len(one.word_ids)
    words = list(one.word_ids)
    word_hashes = digests(words)
    order = np.argsort(word_hashes, kind="stable")
    renumber = np.empty(n_words, dtype=np.int32)
    renumber[order] = np.arange(n_words, dtype=np.int32)
    words = [words[i] for i in order.tolist()]

    name_of_row = np.frombuffer(one.name_of_row, dtype=np.int32)
    set_words = renumber[np.frombuffer(one.set_words, dtype=np.int32)]
    set_words_start = np.frombuffer(one.set_words_start, dtype=np.int64)
    set_length = np.diff(set_words_start)
    rows = np.arange(size, dtype=np.int32)
    # Posting lists: every (word, row) of the records' name sets, grouped by word, rows ascending.
    per_row = set_length[name_of_row]
    pair_words = set_words[_ranges(set_words_start[name_of_row], per_row)]
    post_rows, post_start = _csr(pair_words, np.repeat(rows, per_row), n_words)
    post_count = np.diff(post_start)
    # Records per location word: typo corrections may land on it.
    loc_flat = np.frombuffer(one.loc_flat, dtype=np.int32)
    loc_start = np.frombuffer(one.loc_start, dtype=np.int32)
    loc_rows = np.repeat(rows, np.diff(loc_start))
    phrase_words = renumber[np.frombuffer(one.phrase_words, dtype=np.int32)]
    phrase_words_start = np.frombuffer(one.phrase_words_start, dtype=np.int64)
    phrase_length = np.diff(phrase_words_start)
    per_loc = phrase_length[loc_flat]
    pairs = np.repeat(loc_rows.astype(np.int64), per_loc) * max(n_words, 1)
    pairs += phrase_words[_ranges(phrase_words_start[loc_flat], per_loc)]
    pairs.sort()  # a record may have a word in several of its phrases: count it once
    distinct = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))] if len(pairs) else pairs
    loc_count = np.bincount(distinct % max(n_words, 1), minlength=n_words)
    # Streets, wards and districts: phrases several records share, recognised in the query before counting.
    place_rows, place_start = _csr(loc_flat, loc_rows, n_phrases)
    places = np.flatnonzero(np.diff(place_start) > 1)
    place_length = np.zeros(n_words, dtype=np.uint8)  # the longest place a word starts
    longest = np.minimum(phrase_length[places], 255).astype(np.uint8)
    np.maximum.at(place_length, phrase_words[phrase_words_start[places]], longest)
    by_set = np.argsort(name_of_row, kind="stable").astype(np.int32)
    set_start = np.zeros(n_sets + 1, dtype=np.int64)
    np.cumsum(np.bincount(name_of_row, minlength=n_sets), out=set_start[1:])

    denominator = max(size, 1)
    max_idf = math.log(1 + denominator)
    idf = np.array([math.log(1 + denominator / n) if n else max_idf for n in post_count.tolist()], dtype=np.float64)
    names = [name for names in one.set_names for name in names]
    name_set = np.repeat(np.arange(n_sets, dtype=np.int32), [len(n) for n in one.set_names])
    parts: Parts = {
        "name_of_row": name_of_row, "by_set": by_set, "set_start": set_start,
        "set_words_start": set_words_start, "set_idf": idf[set_words],  # a name set's words' IDF, as first seen
        "set_length": set_length.astype(np.float32), "name_set": name_set,
        "set_names_start": np.concatenate(([0], np.cumsum([len(n) for n in one.set_names]))).astype(np.int64),
        "loc_flat": loc_flat, "loc_start": loc_start, "place_rows": place_rows, "place_start": place_start,
        "post_rows": post_rows, "post_start": post_start, "idf": idf, "place_length": place_length,
    }
    _strings(parts, "ids", [e.id for e in entries], [e.id.casefold() for e in entries])
    _strings(parts, "display", [e.names[0] for e in entries])
    _strings(parts, "names", names, names)
    _strings(parts, "set_text", ["\n".join(names) for names in one.set_names])  # a name set in one read
    _strings(parts, "phrases", one.phrases, one.phrases)
    _strings(parts, "phrase_display", one.phrase_display)
    parts.update(vocabulary_parts(words, word_hashes[order], post_count + loc_count))
    longest_place = int(phrase_length[places].max()) if len(places) else 0
    return parts, {"records": size, "name_sets": n_sets, "phrases": n_phrases, "words": n_words,
                   "longest_place": longest_place}


def _strings(parts: Parts, name: str, items: Sequence[str], keys: Sequence[str] | None = None) -> None:
    """A string table, and a look-up of its rows by ``keys`` (one per item) when given."""
    parts[f"{name}_blob"], parts[f"{name}_offsets"] = string_parts(items)
    if keys is not None:
        parts[f"{name}_hashes"], parts[f"{name}_rows"] = key_parts(digests(keys))
