"""Fuzzy search over one dataset's names, with location phrases as a second signal, and a decision.

Two stages keep it fast at 100,000+ records: an inverted index over folded name words gathers
candidates with numpy (IDF-weighted word hits), then only the best few dozen are scored in detail
(rapidfuzz token order-insensitive ratio + IDF-weighted word coverage + location bonus).
"""

from __future__ import annotations

import math
import sys
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from lookups.datasets.base import Entry
from lookups.decide import Candidate, Decision, decide
from lookups.pacing import paced
from lookups.vocab import MAX_QUERY_WORDS, QueryToken, Vocabulary, normalise_words
from lookups.work import note

# The work of one search is bounded whatever the query: at most ``vocab.MAX_QUERY_WORDS`` words, each with at
# most ``vocab.MAX_READINGS`` readings, so at most 72 posting lists plus the places named; of those,
# the rarest up to POSTINGS_BUDGET row ids are counted, and only SHORTLIST rows are scored in detail.
SHORTLIST = 32  # rows scored in detail (the costly step), so also the longest ranked list a search returns
# Scoring a row costs about one step per query word: past SCORED_WORDS words, fewer rows are scored so that
# rows x words stays at SHORTLIST x SCORED_WORDS. Every query a resident really sends has at most 16 words.
SCORED_WORDS = 16
POSTINGS_BUDGET = 20_000  # row ids counted per search: a handful of common words' lists at 100,000 records
MARKERS = frozenset({"quan", "phuong", "duong", "xa", "kiet", "hem", "so", "tai", "o", "gan"})
LOC_BONUS = 6.0
PLACE_WEIGHT = 1.5  # shortlist credit per word of a street/ward the query names and the record is on
PLACE_WORD = 0.3  # name credit kept by such a word ("Lai" of "Lê Lai" in "Quán Bé Lài")
RECALL = 0.75  # the words the user sent must be in the name; the name may have more words they left out
TYPO = 40.0  # points lost per corrected letter share of a word: "khue" read as "khe" costs 10
SHAPE = 0.1  # weight of the character-level ratio, which catches what word matching misses (merged words)
# Records of one name that ``exact`` checks for a street or ward: the branches of a big chain. A name shared by
# more is left to the search (and its options are selected by id), so an exact look-up stays a few array reads.
EXACT_GROUP = 4096


@dataclass
class _Query:
    tokens: list[QueryToken]
    words: list[str]
    spans: dict[int, tuple[int, int] | None]  # location phrase id -> where it occurs in words
    scores: dict[tuple[int, tuple[int, ...]], tuple[float, bool]]  # (name set, words used) -> score, exact
    word_set: frozenset[str] = frozenset()
    likeliest: list[_Word] = field(default_factory=list)  # each word's reading when a record has none of them
    readings: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)  # word -> (token, rank, edits)


class Index:
    """Built once per dataset version; read-only afterwards, so threads may share it."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self._size = len(entries)
        # Every loop over records or words goes through pacing, so a reload building this beside lookups
        # lets them go first (lookups.pacing).
        self._ids = [sys.intern(e.id) for e in paced(entries)]
        self._display = [e.names[0] for e in paced(entries)]
        # Chains and common names repeat: rows point at a shared (names, words) set, which saves
        # memory and lets one query score each distinct name once.
        self._name_sets: list[tuple[tuple[str, ...], tuple[str, ...]]] = []  # names, their distinct words
        set_ids: dict[tuple[str, ...], int] = {}
        name_of_row = array("i")
        phrase_ids: dict[tuple[str, ...], int] = {}
        self._phrases: list[tuple[str, ...]] = []
        self._display_locs: list[str] = []
        loc_flat, loc_start = array("i"), array("i", [0])
        postings: dict[str, array[int]] = {}
        loc_words: Counter[str] = Counter()  # records per location word: typo corrections may land on it
        phrase_rows: dict[int, array[int]] = {}
        # Streets, wards and chain names repeat across records: normalise each distinct string once.
        seen: dict[str, tuple[str, ...]] = {}

        def words_of(text: str) -> tuple[str, ...]:
            if text not in seen:
                seen[text] = tuple(normalise_words(text))
            return seen[text]

        for row, entry in enumerate(paced(entries)):
            names = tuple(dict.fromkeys(" ".join(words_of(n)) for n in entry.names if n))
            if names not in set_ids:
                set_ids[names] = len(self._name_sets)
                words = tuple(dict.fromkeys(sys.intern(w) for n in names for w in n.split()))
                self._name_sets.append((names, words))
            name_of_row.append(set_ids[names])
            for word in self._name_sets[set_ids[names]][1]:
                postings.setdefault(word, array("i")).append(row)
            locs: dict[int, None] = {}
            for loc in entry.locations:
                key = words_of(loc)
                if key and key not in phrase_ids:
                    phrase_ids[key] = len(self._phrases)
                    self._phrases.append(key)
                    self._display_locs.append(loc)
                if key:
                    locs[phrase_ids[key]] = None
            loc_flat.extend(sorted(locs, key=lambda p: -len(self._phrases[p])))  # longest first, as scored
            loc_start.append(len(loc_flat))
            for pid in locs:
                phrase_rows.setdefault(pid, array("i")).append(row)
            loc_words.update({w for pid in locs for w in self._phrases[pid]})
        self._name_of_row = np.frombuffer(name_of_row, dtype=np.int32)
        self._loc_flat = np.frombuffer(loc_flat, dtype=np.int32)
        self._loc_start = np.frombuffer(loc_start, dtype=np.int32)
        size = max(self._size, 1)
        self._idf = {w: math.log(1 + size / len(rows)) for w, rows in paced(postings.items())}
        self._max_idf = math.log(1 + size)
        self._post = {w: np.frombuffer(rows, dtype=np.int32) for w, rows in paced(postings.items())}
        # Streets, wards and districts (phrases several records share, unlike house addresses) are
        # recognised in the query before counting, so "le lai" counts as a street, not as name words.
        self._places = {self._phrases[pid]: np.frombuffer(rows, dtype=np.int32)
                        for pid, rows in paced(phrase_rows.items()) if len(rows) > 1}
        self._longest_place = max((len(p) for p in self._places), default=0)
        set_length = np.asarray([len(words) for _, words in paced(self._name_sets)], dtype=np.float32)
        self._length = set_length[self._name_of_row]
        loc_words.update({w: len(r) for w, r in paced(postings.items())})
        self.vocabulary = Vocabulary(loc_words)
        self._row_of = {record_id.casefold(): row for row, record_id in enumerate(paced(self._ids))}
        self._phrase_id = phrase_ids
        self._sets_of_name: dict[str, list[int]] = {}
        for set_id, (names, _) in enumerate(paced(self._name_sets)):
            for name in names:
                self._sets_of_name.setdefault(name, []).append(set_id)
        # Rows grouped by name set: the rows of set s are _by_set[_set_start[s]:_set_start[s + 1]].
        self._by_set = np.argsort(self._name_of_row, kind="stable").astype(np.int32)
        counts = np.bincount(self._name_of_row, minlength=len(self._name_sets))
        self._set_start = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)

    def __len__(self) -> int:
        return self._size

    def display(self, row: int) -> str:
        """The name a record is shown by."""
        return self._display[row]

    def row(self, record_id: str) -> int | None:
        """Position of a record by its id (ids are accepted in any case: ``fs0000123``)."""
        return self._row_of.get(record_id.strip().casefold())

    def exact(self, text: str) -> Candidate | None:
        """The one record that ``text`` names exactly, as "name" or "name street|ward|address", else None.

        Read word for word (folded, abbreviations expanded, no typo correction): a name of the record, then
        nothing or one of its location phrases. None when no record or several records read so (a name that
        is a prefix of another record's name plus a street counts both). This is how the selecting message
        of a listed option is known to select it without searching (``handlers.common.selectors``). The
        candidate scores what a search would give it: a full name, plus the bonus of a place it is on.
        """
        words = normalise_words(text, limit=MAX_QUERY_WORDS)
        found: dict[int, int] = {}  # row -> the location phrase named after its name (-1 for none)
        for size in range(len(words), 0, -1):
            sets = self._sets_of_name.get(" ".join(words[:size]))
            rest = tuple(words[size:])
            pid = self._phrase_id.get(rest) if rest else -1
            if not sets or pid is None:
                continue
            rows = np.concatenate([self._by_set[self._set_start[s]:self._set_start[s + 1]] for s in sets])
            if len(rows) > EXACT_GROUP:
                return None
            for row in self._rows_at(rows, pid) if rest else rows.tolist():
                found.setdefault(row, pid)
                if len(found) > 1:
                    return None
        if not found:
            return None
        ((row, pid),) = found.items()
        name_words = self._name_sets[int(self._name_of_row[row])][1]
        bonus = pid >= 0 and not all(w in name_words for w in self._phrases[pid])  # as ``_score`` counts it
        return Candidate(self._ids[row], self._display[row], 100.0 + LOC_BONUS * bonus,
                         (self._display_locs[pid],) if bonus else (), True)

    def _rows_at(self, rows: np.ndarray, pid: int) -> list[int]:
        """Those of ``rows`` that have location phrase ``pid``."""
        starts, ends = self._loc_start[rows], self._loc_start[rows + 1]
        counts = ends - starts
        if not counts.sum():
            return []
        firsts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        at = np.repeat(starts - firsts, counts) + np.arange(int(counts.sum()))
        hits: list[int] = np.repeat(rows, counts)[self._loc_flat[at] == pid].tolist()
        return hits

    def idf(self, word: str) -> float:
        return self._idf.get(word, self._max_idf)

    def search(self, text: str, limit: int = 10) -> list[Candidate]:
        note(searches=1)
        query = _Query(self.vocabulary.understand(text), [], {}, {})
        query.words = [t.word for t in query.tokens]
        query.word_set = frozenset(query.words)
        for pos, tok in enumerate(query.tokens):
            idf = self.idf(tok.word) if tok.known else self._max_idf
            query.likeliest.append(_Word(tok.word, tok.edits, tok.known, len(tok.raw), idf))
            for rank, (word, edits) in enumerate(tok.options()):
                query.readings.setdefault(word, []).append((pos, rank, edits))
        rows = self._shortlist(query)
        note(scored=len(rows) * len(query.tokens))
        scored = [self._score(int(row), query) for row in rows]
        scored.sort(key=lambda c: (-c.score, c.id))
        return scored[:limit]

    def lookup(self, text: str) -> Decision:
        return decide(self.search(text, limit=40))

    def _shortlist(self, query: _Query) -> np.ndarray:
        """The rows worth scoring: most IDF-weighted word hits, shorter names first among equals.

        Posting lists are taken rarest first up to POSTINGS_BUDGET entries: a word that half the
        registry shares ("quán") costs the most to count and tells the least about which place is meant;
        the scorer still weighs it for the shortlisted rows.
        """
        lists: list[tuple[np.ndarray, float]] = []
        in_place = self._place_spans(query.words, lists)
        for pos, tok in enumerate(query.tokens):
            for word, edits in tok.options():
                if word in self._post:
                    weight = self.idf(word) * (1.0 - 0.2 * edits) * (PLACE_WORD if pos in in_place else 1.0)
                    lists.append((self._post[word], weight))
        if not lists:
            return np.empty(0, dtype=np.int32)
        lists.sort(key=lambda item: len(item[0]))
        taken: list[tuple[np.ndarray, float]] = []
        total = 0
        for arr, weight in lists:
            if taken and total + len(arr) > POSTINGS_BUDGET:
                break
            taken.append((arr, weight))
            total += len(arr)
        ids = np.concatenate([arr for arr, _ in taken])
        weights = np.concatenate([np.full(len(arr), weight, dtype=np.float32) for arr, weight in taken])
        hits = np.bincount(ids, weights=weights, minlength=self._size)
        rows = np.flatnonzero(hits)
        size = SHORTLIST * SCORED_WORDS // max(len(query.tokens), SCORED_WORDS)
        if len(rows) > size:
            keys = hits[rows] - 0.01 * self._length[rows]
            rows = rows[np.argpartition(-keys, size)[:size]]
        return rows

    def _place_spans(self, words: list[str], lists: list[tuple[np.ndarray, float]]) -> set[int]:
        """Add the rows of every street/ward named in the query; return the positions it covers."""
        covered: set[int] = set()
        start = 0
        while start < len(words):
            for size in range(min(self._longest_place, len(words) - start), 0, -1):
                rows = self._places.get(tuple(words[start:start + size]))
                if rows is not None and (size > 1 or not words[start].isdigit()):
                    lists.append((rows, PLACE_WEIGHT * size))
                    covered.update(range(start, start + size))
                    start += size - 1
                    break
            start += 1
        return covered

    def _span(self, query: _Query, pid: int) -> tuple[int, int] | None:
        """Where a location phrase occurs in the query; a 3+ word street may lack one word (Tôn Thắng)."""
        if pid not in query.spans:
            phrase, words = self._phrases[pid], query.words
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

    def _score(self, row: int, query: _Query) -> Candidate:
        set_id = int(self._name_of_row[row])
        names, name_words = self._name_sets[set_id]
        used: set[int] = set()
        matched_locs: list[str] = []
        pids = self._loc_flat[self._loc_start[row]:self._loc_start[row + 1]].tolist()
        for pid in pids:
            span = self._span(query, pid)
            if span is None or all(w in name_words for w in self._phrases[pid]) or used & set(range(*span)):
                continue
            used.update(range(*span))
            if span[0] > 0 and query.words[span[0] - 1] in MARKERS:
                used.add(span[0] - 1)
            matched_locs.append(self._display_locs[pid])
        key = (set_id, tuple(sorted(used)))
        if key not in query.scores:
            query.scores[key] = self._name_score(query, used, names, name_words)
        best, exact = query.scores[key]
        score = best + min(len(matched_locs), 2) * LOC_BONUS
        return Candidate(self._ids[row], self._display[row], round(score, 2), tuple(matched_locs), exact)

    def _name_score(self, query: _Query, used: set[int], names: tuple[str, ...],
                    name_words: tuple[str, ...]) -> tuple[float, bool]:
        """How well the query words left after location matching name this place, and whether exactly."""
        rest = self._readings(query, used, name_words)
        text = " ".join(w.word for w in rest)
        best = max(
            (1 - SHAPE) * self._coverage(rest, name) + SHAPE * ratio
            for name, ratio, _ in process.extract(text, names, scorer=fuzz.token_sort_ratio,
                                                   processor=None, limit=None)
        )
        # A corrected word costs more the more it carries the query: reading "khue" as "hue" in
        # "ca phe khue" changes which place is meant; reading "caphe" as "ca phe" does not.
        weight = sum(w.idf for w in rest) or 1.0
        typo = sum(TYPO * w.edits / max(w.length, 1) * (1 + w.idf / weight) for w in rest if w.edits)
        digits = sum(25.0 for w in rest if w.word.isdigit() and w.word not in name_words)
        digits += sum(8.0 for w in name_words if w.isdigit() and w not in query.words)
        exact = text in names and not any(w.edits for w in rest)
        return best - typo - digits, exact

    def _readings(self, query: _Query, used: set[int], name_words: tuple[str, ...]) -> list[_Word]:
        """Each query word not used by a location: the first of its readings this record contains, else its
        likeliest. Found from the record's few words, so a long query costs little per record."""
        picked: dict[int, tuple[int, str, int]] = {}  # token -> (rank of the reading, word, edits)
        for word in name_words:
            for pos, rank, edits in query.readings.get(word, ()):
                if pos not in picked or rank < picked[pos][0]:
                    picked[pos] = (rank, word, edits)
        rest = []
        for pos, likeliest in enumerate(query.likeliest):
            if pos in used:
                continue
            if pos in picked:
                _, word, edits = picked[pos]
                rest.append(_Word(word, edits, True, likeliest.length, self.idf(word)))
            else:
                rest.append(likeliest)
        return rest

    def _coverage(self, rest: list[_Word], name: str) -> float:
        """IDF-weighted recall of the query words and precision over the name words, 0..100."""
        if not rest:
            return 0.0
        name_words = name.split()
        q_total = sum(w.idf for w in rest)
        q_hit = sum(w.idf for w in rest if w.word in name_words)
        idf = self._idf
        n_total = sum(idf.get(w, self._max_idf) for w in name_words) or 1.0
        sent = {w.word for w in rest}
        n_hit = sum(idf.get(w, self._max_idf) for w in set(name_words) if w in sent)
        return 100.0 * (RECALL * q_hit / q_total + (1 - RECALL) * n_hit / n_total)


@dataclass(frozen=True, slots=True)
class _Word:
    word: str
    edits: int
    known: bool
    length: int
    idf: float  # an unknown word weighs as the rarest: it is what the user meant and we lack
