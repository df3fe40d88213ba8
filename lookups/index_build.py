"""Build the parts of an index from a dataset's entries: one pass over the records, the rest in numpy.

The pass (``lookups.index_pass``) folds each distinct name and location string once and numbers what repeats:
name sets (the names of a record, shared by a chain's branches), location phrases and words. Posting lists,
location word counts, places and the look-ups are then array operations over those numbers. Word ids follow the
words' hashes, so the word table is its own look-up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from lookups.datasets.base import Entry
from lookups.index_files import Parts, digests, key_parts, string_parts
from lookups.index_pass import Pass
from lookups.vocab import vocabulary_parts


def ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Positions ``starts[i]:starts[i] + counts[i]`` for every i, concatenated."""
    ends = np.cumsum(counts)
    total = int(ends[-1]) if len(ends) else 0
    return np.repeat(starts - (ends - counts), counts) + np.arange(total, dtype=np.int64)


def _location_counts(one: Pass) -> np.ndarray:
    """Records per location word, by the words' first-sight ids: each tail's words once per record that has
    the tail, and the words each record has apart from its tail's."""
    counts = np.bincount(np.frombuffer(one.own_words, dtype=np.int32), minlength=len(one.word_ids))
    sizes = [len(words) for words in one.tail_words]
    flat = np.fromiter((w for words in one.tail_words for w in words), dtype=np.int64, count=sum(sizes))
    np.add.at(counts, flat, np.repeat(np.asarray(one.tail_uses, dtype=counts.dtype), sizes))
    return counts


def _csr(groups: np.ndarray, values: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """``values`` grouped by ``groups`` (kept in their order within a group) and each group's start."""
    order = np.argsort(groups, kind="stable")
    start = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.bincount(groups, minlength=count), out=start[1:])
    return values[order].astype(np.int32), start


def build(entries: Sequence[Entry]) -> tuple[Parts, dict[str, Any]]:
    """Every part of the index of ``entries``, and the counts ``index.json`` records."""
    one = Pass()
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
    pair_words = set_words[ranges(set_words_start[name_of_row], per_row)]
    post_rows, post_start = _csr(pair_words, np.repeat(rows, per_row), n_words)
    post_count = np.diff(post_start)
    # Records per location word: typo corrections may land on it.
    loc_flat = np.frombuffer(one.loc_flat, dtype=np.int32)
    loc_start = np.frombuffer(one.loc_start, dtype=np.int32)
    loc_rows = np.repeat(rows, np.diff(loc_start))
    phrase_words = renumber[np.frombuffer(one.phrase_words, dtype=np.int32)]
    phrase_words_start = np.frombuffer(one.phrase_words_start, dtype=np.int64)
    phrase_length = np.diff(phrase_words_start)
    loc_count = _location_counts(one)[order]  # a record's word once, however many of its phrases have it
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
        # what the shortlist takes off a row's word hits, shorter names first among equals: in float32, as the search
        # worked it out from set_length before, so the same rows are shortlisted
        "row_penalty": (0.01 * set_length.astype(np.float32))[name_of_row], "name_set": name_set,
        "set_names_start": np.concatenate(([0], np.cumsum([len(n) for n in one.set_names]))).astype(np.int64),
        "loc_flat": loc_flat, "loc_start": loc_start, "place_rows": place_rows, "place_start": place_start,
        "post_rows": post_rows, "post_start": post_start, "idf": idf, "place_length": place_length,
        # a phrase's word ids (as its string's words, repeats kept): a search rejects by id, undecoded, the phrases
        # of its scored records that share too few words with the query (``index_score.Records.located``)
        "phrase_words": phrase_words, "phrase_words_start": phrase_words_start,
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
