"""Scoring one shortlisted record against a query: location phrases first, then the name words left.

A record scores the best of its names: rapidfuzz's order-insensitive ratio blended with IDF-weighted word
coverage, less a cost per corrected letter and per number that differs, plus a bonus per place of the query
it is on. The record's names and phrases are read from the index's string tables; a query decodes each
name set and phrase once (``Query.sets``, ``Query.phrases``), however many records share it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz, process

from lookups.decide import Candidate
from lookups.index_files import Strings
from lookups.vocab import QueryToken

MARKERS = frozenset({"quan", "phuong", "duong", "xa", "kiet", "hem", "so", "tai", "o", "gan"})
LOC_BONUS = 6.0
RECALL = 0.75  # the words the user sent must be in the name; the name may have more words they left out
TYPO = 40.0  # points lost per corrected letter share of a word: "khue" read as "khe" costs 10
SHAPE = 0.1  # weight of the character-level ratio, which catches what word matching misses (merged words)


@dataclass(frozen=True, slots=True)
class Word:
    word: str
    edits: int
    known: bool
    length: int
    idf: float  # an unknown word weighs as the rarest: it is what the user meant and we lack


class NameSet(NamedTuple):
    names: tuple[str, ...]  # folded names of a record (name and aliases)
    words: tuple[str, ...]  # their distinct words, in order
    idf: dict[str, float]  # of each of those words


@dataclass
class Query:
    tokens: list[QueryToken]
    words: list[str]
    word_set: frozenset[str] = frozenset()
    likeliest: list[Word] = field(default_factory=list)  # each word's reading when a record has none of them
    readings: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)  # word -> (token, rank, edits)
    spans: dict[int, tuple[int, int] | None] = field(default_factory=dict)  # phrase id -> where it is in words
    scores: dict[tuple[int, tuple[int, ...]], tuple[float, bool]] = field(default_factory=dict)
    sets: dict[int, NameSet] = field(default_factory=dict)  # name sets decoded for this query
    phrases: dict[int, tuple[str, ...]] = field(default_factory=dict)  # phrases decoded for this query


class Records:
    """What the index knows of each record, read from its parts: ids, names, location phrases."""

    def __init__(self, parts: Mapping[str, np.ndarray]) -> None:
        self.ids = Strings(parts["ids_blob"], parts["ids_offsets"])
        self.display = Strings(parts["display_blob"], parts["display_offsets"])
        self.names = Strings(parts["names_blob"], parts["names_offsets"])
        self.phrases = Strings(parts["phrases_blob"], parts["phrases_offsets"])
        self.phrase_display = Strings(parts["phrase_display_blob"], parts["phrase_display_offsets"])
        # Read one item at a time: a memoryview's items are Python ints, cheaper than numpy scalars.
        self._name_of_row = parts["name_of_row"].data
        self._loc_flat, self._loc_start = parts["loc_flat"].data, parts["loc_start"].data
        self._set_text = Strings(parts["set_text_blob"], parts["set_text_offsets"])
        self._set_names_start = parts["set_names_start"].data
        self._set_idf = parts["set_idf"].data
        self._set_words_start = parts["set_words_start"].data

    def name_set(self, set_id: int, query: Query) -> NameSet:
        found = query.sets.get(set_id)
        if found is None:
            some = self._set_names_start[set_id + 1] > self._set_names_start[set_id]
            names = tuple(self._set_text[set_id].split("\n")) if some else ()
            words = tuple(dict.fromkeys(w for n in names for w in n.split()))  # as built: ``set_idf`` is of these
            idf = self._set_idf[self._set_words_start[set_id]:self._set_words_start[set_id + 1]].tolist()
            found = query.sets[set_id] = NameSet(names, words, dict(zip(words, idf, strict=True)))
        return found

    def phrase(self, pid: int, query: Query) -> tuple[str, ...]:
        found = query.phrases.get(pid)
        if found is None:
            found = query.phrases[pid] = tuple(self.phrases[pid].split())
        return found

    def score(self, row: int, query: Query) -> Candidate:
        set_id = self._name_of_row[row]
        name_set = self.name_set(set_id, query)
        used: set[int] = set()
        matched_locs: list[str] = []
        pids = self._loc_flat[self._loc_start[row]:self._loc_start[row + 1]].tolist()
        for pid in pids:
            span = self._span(query, pid)
            if span is None or all(w in name_set.words for w in self.phrase(pid, query)) or used & set(range(*span)):
                continue
            used.update(range(*span))
            if span[0] > 0 and query.words[span[0] - 1] in MARKERS:
                used.add(span[0] - 1)
            matched_locs.append(self.phrase_display[pid])
        key = (set_id, tuple(sorted(used)))
        if key not in query.scores:
            query.scores[key] = self._name_score(query, used, name_set)
        best, exact = query.scores[key]
        score = best + min(len(matched_locs), 2) * LOC_BONUS
        return Candidate(self.ids[row], self.display[row], round(score, 2), tuple(matched_locs), exact)

    def _span(self, query: Query, pid: int) -> tuple[int, int] | None:
        """Where a location phrase occurs in the query; a 3+ word street may lack one word (Tôn Thắng)."""
        if pid not in query.spans:
            phrase, words = self.phrase(pid, query), query.words
            present = sum(w in query.word_set for w in phrase)
            if present < len(phrase) - (len(phrase) >= 3):  # most addresses: cheap "no"
                query.spans[pid] = None
                return None
            forms = [phrase]
            if len(phrase) >= 3:  # never the house number: "12 Lê Duẩn" is not "Lê Duẩn"
                forms += [phrase[:k] + phrase[k + 1:] for k in range(len(phrase)) if not phrase[k].isdigit()]
            query.spans[pid] = next(
                ((start, start + len(form)) for form in forms for start in range(len(words) - len(form) + 1)
                 if tuple(words[start:start + len(form)]) == form), None)
        return query.spans[pid]

    def _name_score(self, query: Query, used: set[int], name_set: NameSet) -> tuple[float, bool]:
        """How well the query words left after location matching name this place, and whether exactly."""
        rest = _readings(query, used, name_set)
        text = " ".join(w.word for w in rest)
        best = max((
            (1 - SHAPE) * _coverage(rest, name, name_set.idf) + SHAPE * ratio
            for name, ratio, _ in process.extract(text, name_set.names, scorer=fuzz.token_sort_ratio,
                                                   processor=None, limit=None)),
            default=0.0)  # a record without a name (found through the street it is on) names nothing
        # A corrected word costs more the more it carries the query: reading "khue" as "hue" in
        # "ca phe khue" changes which place is meant; reading "caphe" as "ca phe" does not.
        weight = sum(w.idf for w in rest) or 1.0
        typo = sum(TYPO * w.edits / max(w.length, 1) * (1 + w.idf / weight) for w in rest if w.edits)
        digits = sum(25.0 for w in rest if w.word.isdigit() and w.word not in name_set.words)
        digits += sum(8.0 for w in name_set.words if w.isdigit() and w not in query.words)
        exact = text in name_set.names and not any(w.edits for w in rest)
        return best - typo - digits, exact


def _readings(query: Query, used: set[int], name_set: NameSet) -> list[Word]:
    """Each query word not used by a location: the first of its readings this record contains, else its
    likeliest. Found from the record's few words, so a long query costs little per record."""
    picked: dict[int, tuple[int, str, int]] = {}  # token -> (rank of the reading, word, edits)
    for word in name_set.words:
        for pos, rank, edits in query.readings.get(word, ()):
            if pos not in picked or rank < picked[pos][0]:
                picked[pos] = (rank, word, edits)
    rest = []
    for pos, likeliest in enumerate(query.likeliest):
        if pos in used:
            continue
        if pos in picked:
            _, word, edits = picked[pos]
            rest.append(Word(word, edits, True, likeliest.length, name_set.idf[word]))
        else:
            rest.append(likeliest)
    return rest


def _coverage(rest: list[Word], name: str, idf: dict[str, float]) -> float:
    """IDF-weighted recall of the query words and precision over the name words, 0..100."""
    if not rest:
        return 0.0
    name_words = name.split()
    q_total = sum(w.idf for w in rest)
    q_hit = sum(w.idf for w in rest if w.word in name_words)
    n_total = sum(idf[w] for w in name_words) or 1.0
    sent = {w.word for w in rest}
    n_hit = sum(idf[w] for w in set(name_words) if w in sent)
    return 100.0 * (RECALL * q_hit / q_total + (1 - RECALL) * n_hit / n_total)
