"""Fuzzy search over one dataset's names, with location phrases as a second signal, and a decision.

Two stages keep it fast at 100,000+ records: an inverted index over folded name words gathers
candidates with numpy (IDF-weighted word hits), then only the best few dozen are scored in detail
(rapidfuzz token order-insensitive ratio + IDF-weighted word coverage + location bonus).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from lookups.datasets.base import Entry
from lookups.decide import Candidate, Decision, decide
from lookups.vocab import QueryToken, Vocabulary, normalise_words

SHORTLIST = 64
MARKERS = frozenset({"quan", "phuong", "duong", "xa", "kiet", "hem", "so", "tai", "o", "gan"})
LOC_BONUS = 6.0
RECALL = 0.75  # the words the user sent must be in the name; the name may have more words they left out
TYPO = 40.0  # points lost per corrected letter share of a word: "khue" read as "khe" costs 10
SHAPE = 0.1  # weight of the character-level ratio, which catches what word matching misses (merged words)


@dataclass
class _Query:
    tokens: list[QueryToken]
    words: list[str]
    spans: dict[int, tuple[int, int] | None]  # location phrase id -> where it occurs in words


class Index:
    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = entries
        self._names: list[tuple[str, ...]] = []
        self._name_words: list[frozenset[str]] = []
        self._locs: list[tuple[int, ...]] = []
        phrase_ids: dict[tuple[str, ...], int] = {}
        self._phrases: list[tuple[str, ...]] = []
        self._display_locs: list[str] = []
        postings: dict[str, list[int]] = {}
        loc_postings: dict[str, list[int]] = {}
        for row, entry in enumerate(entries):
            names = tuple(dict.fromkeys(" ".join(normalise_words(n)) for n in entry.names if n))
            words = frozenset(w for n in names for w in n.split())
            self._names.append(names)
            self._name_words.append(words)
            for word in words:
                postings.setdefault(word, []).append(row)
            locs = []
            for loc in entry.locations:
                key = tuple(normalise_words(loc))
                if not key:
                    continue
                if key not in phrase_ids:
                    phrase_ids[key] = len(self._phrases)
                    self._phrases.append(key)
                    self._display_locs.append(loc)
                locs.append(phrase_ids[key])
            self._locs.append(tuple(dict.fromkeys(locs)))
            for word in {w for pid in locs for w in self._phrases[pid]}:
                loc_postings.setdefault(word, []).append(row)
        size = max(len(entries), 1)
        self._idf = {w: math.log(1 + size / len(rows)) for w, rows in postings.items()}
        self._max_idf = math.log(1 + size)
        self._post = {w: np.asarray(rows, dtype=np.int32) for w, rows in postings.items()}
        self._loc_post = {w: np.asarray(rows, dtype=np.int32) for w, rows in loc_postings.items()}
        self._length = np.asarray([len(w) for w in self._name_words], dtype=np.float32)
        counts = Counter({w: len(r) for w, r in postings.items()})
        counts.update({w: len(r) for w, r in loc_postings.items()})
        self.vocabulary = Vocabulary(counts)
        self._row_of = {entry.id.casefold(): row for row, entry in enumerate(entries)}

    def __len__(self) -> int:
        return len(self.entries)

    def row(self, record_id: str) -> int | None:
        """Position of a record by its id (ids are accepted in any case: ``fs0000123``)."""
        return self._row_of.get(record_id.strip().casefold())

    def idf(self, word: str) -> float:
        return self._idf.get(word, self._max_idf)

    def search(self, text: str, limit: int = 10) -> list[Candidate]:
        query = _Query(self.vocabulary.understand(text), [], {})
        query.words = [t.word for t in query.tokens]
        rows = self._shortlist(query)
        scored = [self._score(int(row), query) for row in rows]
        scored.sort(key=lambda c: (-c.score, c.id))
        return scored[:limit]

    def lookup(self, text: str) -> Decision:
        return decide(self.search(text, limit=40))

    def _shortlist(self, query: _Query) -> np.ndarray:
        ids: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for tok in query.tokens:
            for word, edits in tok.options():
                penalty = 1.0 - 0.2 * edits
                if word in self._post:
                    arr = self._post[word]
                    ids.append(arr)
                    weights.append(np.full(len(arr), self.idf(word) * penalty, dtype=np.float32))
                if word in self._loc_post:
                    arr = self._loc_post[word]
                    ids.append(arr)
                    weights.append(np.full(len(arr), 0.3 * penalty, dtype=np.float32))
        if not ids:
            return np.empty(0, dtype=np.int32)
        hits = np.bincount(np.concatenate(ids), weights=np.concatenate(weights), minlength=len(self.entries))
        rows = np.flatnonzero(hits)
        if len(rows) > SHORTLIST:
            # Shorter names first among equal hits: "Phở Hòa" before "Phở Hòa Bình Minh".
            keys = hits[rows] - 0.01 * self._length[rows]
            rows = rows[np.argpartition(-keys, SHORTLIST)[:SHORTLIST]]
        return rows

    def _span(self, query: _Query, pid: int) -> tuple[int, int] | None:
        """Where a location phrase occurs in the query; a 3+ word street may lack one word (Tôn Thắng)."""
        if pid not in query.spans:
            phrase, words = self._phrases[pid], query.words
            forms = [phrase]
            if len(phrase) >= 3:  # never the house number: "12 Lê Duẩn" is not "Lê Duẩn"
                forms += [phrase[:k] + phrase[k + 1:] for k in range(len(phrase)) if not phrase[k].isdigit()]
            query.spans[pid] = next(
                ((start, start + len(form)) for form in forms for start in range(len(words) - len(form) + 1)
                 if tuple(words[start:start + len(form)]) == form), None)
        return query.spans[pid]

    def _score(self, row: int, query: _Query) -> Candidate:
        name_words = self._name_words[row]
        used: set[int] = set()
        matched_locs: list[str] = []
        for pid in sorted(self._locs[row], key=lambda p: -len(self._phrases[p])):
            span = self._span(query, pid)
            if span is None or set(self._phrases[pid]) <= name_words or used & set(range(*span)):
                continue
            used.update(range(*span))
            if span[0] > 0 and query.words[span[0] - 1] in MARKERS:
                used.add(span[0] - 1)
            matched_locs.append(self._display_locs[pid])
        rest = [_resolve(t, name_words) for i, t in enumerate(query.tokens) if i not in used]
        text = " ".join(w.word for w in rest)
        best = max(
            (1 - SHAPE) * self._coverage(rest, name) + SHAPE * ratio
            for name, ratio, _ in process.extract(text, self._names[row], scorer=fuzz.token_sort_ratio,
                                                   processor=None, limit=None)
        )
        # A corrected word costs more the more it carries the query: reading "khue" as "hue" in
        # "ca phe khue" changes which place is meant; reading "caphe" as "ca phe" does not.
        weight = sum(self.idf(w.word) for w in rest) or 1.0
        typo = sum(TYPO * w.edits / max(w.length, 1) * (1 + self.idf(w.word) / weight) for w in rest if w.edits)
        digits = sum(25.0 for w in rest if w.word.isdigit() and w.word not in name_words)
        digits += sum(8.0 for w in name_words if w.isdigit() and w not in query.words)
        bonus = min(len(matched_locs), 2) * LOC_BONUS
        score = best - typo - digits + bonus
        exact = text in self._names[row] and not any(w.edits for w in rest)
        entry = self.entries[row]
        return Candidate(entry.id, entry.names[0], round(score, 2), tuple(matched_locs), exact)

    def _coverage(self, rest: list[_Word], name: str) -> float:
        """IDF-weighted recall of the query words and precision over the name words, 0..100."""
        if not rest:
            return 0.0
        name_words = name.split()
        q_total = sum(self.idf(w.word) if w.known else self._max_idf for w in rest)
        q_hit = sum(self.idf(w.word) for w in rest if w.word in name_words)
        n_total = sum(self.idf(w) for w in name_words) or 1.0
        sent = {w.word for w in rest}
        n_hit = sum(self.idf(w) for w in set(name_words) if w in sent)
        return 100.0 * (RECALL * q_hit / q_total + (1 - RECALL) * n_hit / n_total)


@dataclass(frozen=True)
class _Word:
    word: str
    edits: int
    known: bool
    length: int


def _resolve(token: QueryToken, name_words: frozenset[str]) -> _Word:
    """The reading of a query word that this record contains, else its likeliest reading."""
    for word, edits in token.options():
        if word in name_words:
            return _Word(word, edits, True, len(token.raw))
    return _Word(token.word, token.edits, token.known, len(token.raw))
