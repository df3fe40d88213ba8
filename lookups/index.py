"""Fuzzy search over one dataset's names, with location phrases as a second signal, and a decision.

Two stages keep it fast at 100,000+ records: an inverted index over folded name words gathers
candidates with numpy (IDF-weighted word hits), then only the best few dozen are scored in detail
(rapidfuzz token order-insensitive ratio + IDF-weighted word coverage + location bonus; ``index_score``).

An index is built once per dataset version into immutable files (``Index.write``, ``index_build``) that every
process maps read-only (``Index.open``, ``index_files``): opening costs a few file maps, and the pages are
shared by every worker. ``Index(entries)`` holds the same parts in memory and searches through the same code.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from lookups.datasets.base import Entry
from lookups.decide import Candidate, Decision, decide
from lookups.index_build import build, ranges
from lookups.index_files import IndexFilesError, Keys, load, save
from lookups.index_query import Query, Word
from lookups.index_score import LOC_BONUS, Records, hit_sums
from lookups.vocab import MAX_QUERY_WORDS, Vocabulary, normalise_words
from lookups.work import note

# The work of one search is bounded whatever the query: at most ``vocab.MAX_QUERY_WORDS`` words, each with at
# most ``vocab.MAX_READINGS`` readings, so at most 72 posting lists plus the places named; of those,
# the rarest up to POSTINGS_BUDGET row ids are counted, and only SHORTLIST rows are scored in detail.
SHORTLIST = 32  # rows scored in detail (the costly step), so also the longest ranked list a search returns
# Scoring a row costs about one step per query word: past SCORED_WORDS words, fewer rows are scored so that
# rows x words stays at SHORTLIST x SCORED_WORDS. Every query a resident really sends has at most 16 words.
SCORED_WORDS = 16
POSTINGS_BUDGET = 20_000  # row ids counted per search: a handful of common words' lists at 100,000 records
PLACE_WEIGHT = 1.5  # shortlist credit per word of a street/ward the query names and the record is on
PLACE_WORD = 0.3  # name credit kept by such a word ("Lai" of "Lê Lai" in "Quán Bé Lài")
# Records of one name that ``exact`` checks for a street or ward: the branches of a big chain. A name shared by
# more is left to the search (and its options are selected by id), so an exact look-up stays a few array reads.
EXACT_GROUP = 4096


class Index:
    """Built once per dataset version into files (``write``) that every process maps (``open``); read-only, so
    threads may share it. ``Index(entries)`` holds the same parts in memory, for tests and small callers."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self._attach(*build(entries))

    @staticmethod
    def write(entries: Sequence[Entry], folder: Path) -> None:
        """Build the index of ``entries`` into ``folder``, an empty directory the caller renames into place."""
        parts, meta = build(entries)
        save(parts, meta, folder)

    @classmethod
    def open(cls, folder: Path) -> Index:
        """The index written into ``folder``, its files mapped read-only: opening reads no record or word.

        Raises IndexFilesError when ``folder`` holds no index of this format (build it again)."""
        index = cls.__new__(cls)
        index._attach(*load(folder), folder)
        return index

    def _attach(self, parts: Mapping[str, np.ndarray], meta: Mapping[str, Any], folder: Path | None = None) -> None:
        try:
            self._size = int(meta["records"])
            self._longest_place = int(meta["longest_place"])
            self.vocabulary = Vocabulary(parts)
            self._records = Records(parts)
            self._name_of_row, self._row_penalty = parts["name_of_row"], parts["row_penalty"]
            self._loc_flat, self._loc_start = parts["loc_flat"], parts["loc_start"]
            self._by_set, self._set_start = parts["by_set"], parts["set_start"]
            self._post_rows, self._post_start = parts["post_rows"], parts["post_start"].data
            self._place_rows, self._place_start = parts["place_rows"], parts["place_start"].data
            self._place_length = parts["place_length"].data
            self._idf = parts["idf"].data
            self._row_keys = Keys(parts["ids_hashes"], parts["ids_rows"])
            self._name_keys = Keys(parts["names_hashes"], parts["names_rows"])
            self._name_set = parts["name_set"]
            self._phrase_keys = Keys(parts["phrases_hashes"], parts["phrases_rows"])
        except (KeyError, TypeError, ValueError) as exc:
            raise IndexFilesError(f"{folder}: incomplete index: {exc!r}") from exc
        if len(self._name_of_row) != self._size:
            raise IndexFilesError(f"{folder}: {len(self._name_of_row)} records where index.json says {self._size}")
        self._max_idf = math.log(1 + max(self._size, 1))
        self._ids, self._display = self._records.ids, self._records.display

    def __len__(self) -> int:
        return self._size

    def display(self, row: int) -> str:
        """The name a record is shown by."""
        return self._display[row]

    def row(self, record_id: str) -> int | None:
        """Position of a record by its id (ids are accepted in any case: ``fs0000123``)."""
        key = record_id.strip().casefold()
        (rows,) = self._row_keys.find([key])
        return max((row for row in rows if self._ids[row].casefold() == key), default=None)  # the last, as a dict

    def exact(self, text: str) -> Candidate | None:
        """The one record that ``text`` names exactly, as "name" or "name street|ward|address", else None.

        Read word for word (folded, abbreviations expanded, no typo correction): a name of the record, then
        nothing or one of its location phrases. None when no record or several records read so (a name that
        is a prefix of another record's name plus a street counts both). This is how the selecting message
        of a listed option is known to select it without searching (``handlers.common.selectors``). The
        candidate scores what a search would give it: a full name, plus the bonus of a place it is on.
        """
        words = normalise_words(text, limit=MAX_QUERY_WORDS)
        names = [" ".join(words[:size]) for size in range(len(words), 0, -1)]
        named = self._name_keys.find(names)
        if not any(named):  # most searched messages: no leading words are a name, no place need be read
            return None
        rests = [" ".join(words[size:]) for size in range(len(words), 0, -1)]
        placed = iter(self._phrase_keys.find([rest for rest, entries in zip(rests, named, strict=True) if entries]))
        found: dict[int, int] = {}  # row -> the location phrase named after its name (-1 for none)
        for name, entries, rest in zip(names, named, rests, strict=True):
            if not entries:
                continue
            pids = next(placed)
            sets = [int(self._name_set[i]) for i in entries if self._records.names[i] == name]
            pid = next((p for p in pids if self._records.phrases[p] == rest), None) if rest else -1
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
        query = Query([], [])
        name_words = self._records.name_set(int(self._name_of_row[row]), query).words
        bonus = pid >= 0 and not all(w in name_words for w in self._records.phrase(pid, query))  # as ``score``
        return Candidate(self._ids[row], self._display[row], 100.0 + LOC_BONUS * bonus,
                         (self._records.phrase_display[pid],) if bonus else (), True)

    def _rows_at(self, rows: np.ndarray, pid: int) -> list[int]:
        """Those of ``rows`` that have location phrase ``pid``."""
        starts = self._loc_start[rows]
        counts = self._loc_start[rows + 1] - starts
        hits: list[int] = np.repeat(rows, counts)[self._loc_flat[ranges(starts, counts)] == pid].tolist()
        return hits

    def idf(self, word: str) -> float:
        (word_id,) = self.vocabulary.ids([word])
        return self._max_idf if word_id is None else self._idf[word_id]

    def search(self, text: str, limit: int = 10) -> list[Candidate]:
        note(searches=1)
        query, ids = self._query(text)
        rows = self._shortlist(query, ids)
        note(scored=len(rows) * len(query.tokens))
        scored = self._records.score_rows(rows, query)
        scored.sort(key=lambda c: (-c.score, c.id))
        return scored[:limit]

    def _query(self, text: str) -> tuple[Query, dict[str, int | None]]:
        """``text`` as the vocabulary reads it, and the id of each of its readings."""
        tokens, ids = self.vocabulary.read(text)
        query = Query(tokens, [t.word for t in tokens])
        query.word_set = frozenset(query.words)
        known = {word_id for word_id in map(ids.__getitem__, query.word_set) if word_id is not None}
        query.word_ids = np.array(sorted(known), dtype=np.int32)  # sorted: ``Records.located`` searches them
        for pos, tok in enumerate(tokens):
            idf = self._idf_of(ids[tok.word]) if tok.known else self._max_idf
            query.likeliest.append(Word(tok.word, tok.edits, tok.known, len(tok.raw), idf))
            for rank, (word, edits) in enumerate(tok.options()):
                query.readings.setdefault(word, []).append((pos, rank, edits))
        return query, ids

    def lookup(self, text: str) -> Decision:
        return decide(self.search(text, limit=40))

    def _idf_of(self, word_id: int | None) -> float:
        return self._max_idf if word_id is None else self._idf[word_id]

    def _shortlist(self, query: Query, ids: Mapping[str, int | None]) -> np.ndarray:
        """The rows worth scoring: most IDF-weighted word hits, shorter names first among equals.

        Posting lists are taken rarest first up to POSTINGS_BUDGET entries: a word that half the
        registry shares ("quán") costs the most to count and tells the least about which place is meant;
        the scorer still weighs it for the shortlisted rows.
        """
        lists: list[tuple[np.ndarray, float]] = []
        in_place = self._place_spans(query.words, [ids.get(w) for w in query.words], lists)
        for pos, tok in enumerate(query.tokens):
            for word, edits in tok.options():
                word_id = ids[word]
                if word_id is not None and self._post_start[word_id + 1] > self._post_start[word_id]:
                    weight = self._idf[word_id] * (1.0 - 0.2 * edits) * (PLACE_WORD if pos in in_place else 1.0)
                    lists.append((self._post_rows[self._post_start[word_id]:self._post_start[word_id + 1]], weight))
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
        rows, hits = hit_sums(taken, self._size)
        size = SHORTLIST * SCORED_WORDS // max(len(query.tokens), SCORED_WORDS)
        if len(rows) > size:
            # The rows of most hits less a penalty per name word: ``penalty - hits`` is exactly -(hits - penalty), as
            # it was written; ``take``, as numpy indexes by int32 several times slower
            rows = rows.take(np.argpartition(self._row_penalty.take(rows) - hits, size)[:size])
        return rows

    def _place_spans(self, words: list[str], ids: list[int | None], lists: list[tuple[np.ndarray, float]]) -> set[int]:
        """Add the rows of every street/ward named in the query; return the positions it covers."""
        places = self._places(words, ids)
        covered: set[int] = set()
        start = 0
        while start < len(words):
            for size in range(min(self._longest_place, len(words) - start), 0, -1):
                rows = places.get((start, size))
                if rows is not None and (size > 1 or not words[start].isdigit()):
                    lists.append((rows, PLACE_WEIGHT * size))
                    covered.update(range(start, start + size))
                    start += size - 1
                    break
            start += 1
        return covered

    def _places(self, words: list[str], ids: list[int | None]) -> dict[tuple[int, int], np.ndarray]:
        """The rows of each place (a phrase of several records) that ``words[start:start + size]`` names, by
        (start, size). Only spans of known words that start as a place does are looked up, all in one go."""
        spans = [(start, size) for start, word_id in enumerate(ids) if word_id is not None
                 for size in range(1, min(self._place_length[word_id], len(words) - start) + 1)
                 if None not in ids[start:start + size]]
        texts = [" ".join(words[start:start + size]) for start, size in spans]
        found: dict[tuple[int, int], np.ndarray] = {}
        for span, text, pids in zip(spans, texts, self._phrase_keys.find(texts), strict=True):
            for pid in pids:
                low, high = self._place_start[pid], self._place_start[pid + 1]
                if high - low > 1 and self._records.phrases[pid] == text:
                    found[span] = self._place_rows[low:high]
        return found
