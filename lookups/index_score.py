"""Scoring one shortlisted record against a query: location phrases first, then the name words left; and the
sums of word hits that pick the shortlist (``hit_sums``).

A record scores the best of its names: rapidfuzz's order-insensitive ratio blended with IDF-weighted word
coverage, less a cost per corrected letter and per number that differs, plus a bonus per place of the query
it is on. The record's names and phrases are read from the index's string tables; a query decodes each
name set and phrase once (``Query.sets``, ``Query.phrases``), however many records share it, and reads the
words left for a name once for all the records that leave it the same (``index_query.rest_of``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from rapidfuzz import fuzz

from lookups.decide import Candidate
from lookups.index_build import ranges
from lookups.index_files import Strings
from lookups.index_query import NameSet, Query, Word, positions, rest_of

MARKERS = frozenset({"quan", "phuong", "duong", "xa", "kiet", "hem", "so", "tai", "o", "gan"})
LOC_BONUS = 6.0
RECALL = 0.75  # the words the user sent must be in the name; the name may have more words they left out
SHAPE = 0.1  # weight of the character-level ratio, which catches what word matching misses (merged words)


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
        self._set_text = Strings(parts["set_text_blob"], parts["set_text_offsets"])
        self._set_names_start = parts["set_names_start"].data
        self._set_idf = parts["set_idf"].data
        self._set_words_start = parts["set_words_start"].data
        self._locs, self._locs_start = parts["loc_flat"], parts["loc_start"]
        self._phrase_words, self._phrase_words_start = parts["phrase_words"], parts["phrase_words_start"]

    def name_set(self, set_id: int, query: Query) -> NameSet:
        found = query.sets.get(set_id)
        if found is None:
            found = query.sets[set_id] = self._name_set(set_id)
        return found

    def _name_set(self, set_id: int) -> NameSet:
        """A name set as its string tables hold it: names, distinct words with their IDF, each name's words."""
        text = self._set_text[set_id]
        start, end = self._set_words_start[set_id], self._set_words_start[set_id + 1]
        if "\n" not in text and self._set_names_start[set_id + 1] > self._set_names_start[set_id]:
            ws = text.split()  # one name: most records, without the general case's lists of lists
            words = tuple(dict.fromkeys(ws))
            idf: dict[str, float] = dict(zip(words, self._set_idf[start:end].tolist(), strict=True))
            return NameSet((text,), words, idf, ((ws, set(ws), sum([idf[w] for w in ws]) or 1.0),))
        some = self._set_names_start[set_id + 1] > self._set_names_start[set_id]
        names = tuple(text.split("\n")) if some else ()
        splits = [n.split() for n in names]
        words = tuple(dict.fromkeys([w for ws in splits for w in ws]))  # as built: ``set_idf`` is of these
        idf = dict[str, float](zip(words, self._set_idf[start:end].tolist(), strict=True))
        split = tuple([(ws, set(ws), sum([idf[w] for w in ws]) or 1.0) for ws in splits])
        return NameSet(names, words, idf, split)

    def phrase(self, pid: int, query: Query) -> tuple[str, ...]:
        found = query.phrases.get(pid)
        if found is None:
            found = query.phrases[pid] = tuple(self.phrases[pid].split())
        return found

    def score_rows(self, rows: np.ndarray, query: Query) -> list[Candidate]:
        """Each of ``rows`` scored against ``query``, in the order given (the loop of a search: kept lean)."""
        sets, scores, ids, display = query.sets, query.scores, self.ids, self.display
        name_of_row, located = self._name_of_row, self.located(rows, query)
        out = []
        for row in rows.tolist():
            set_id = name_of_row[row]
            name_set = sets[set_id] if set_id in sets else self.name_set(set_id, query)
            pids = located.get(row)  # most rows: none of their phrases can be in the query
            used, places = self._placed(query, pids, name_set) if pids else ((), ())
            found = scores.get((set_id, used))
            if found is None:
                found = scores[set_id, used] = self._name_score(query, used, name_set)
            score = found[0] + min(len(places), 2) * LOC_BONUS
            out.append(Candidate(ids[row], display[row], round(score, 2), places, found[1]))
        return out

    def _placed(self, query: Query, pids: list[int], name_set: NameSet) -> tuple[tuple[int, ...], tuple[str, ...]]:
        """The query words that a record's location phrases ``pids`` take (in order), and those phrases as shown:
        a phrase is taken where it occurs in the query, is more than words of the name, and overlaps none taken."""
        spans, words = query.spans, query.words
        used: set[int] = set()
        matched_locs: list[str] = []
        for pid in pids:
            span = spans[pid] if pid in spans else self._span(query, pid)
            if (span is None or all(w in name_set.words for w in self.phrase(pid, query))
                    or used & set(range(*span))):
                continue
            used.update(range(*span))
            if span[0] > 0 and words[span[0] - 1] in MARKERS:
                used.add(span[0] - 1)
            matched_locs.append(self.phrase_display[pid])
        return tuple(sorted(used)), tuple(matched_locs)

    def located(self, rows: np.ndarray, query: Query) -> dict[int, list[int]]:
        """The location phrases of ``rows`` that may occur in the query (``_span``), by row, in the row's order.

        ``_span`` needs all of a phrase's words in the query, or all but one of a phrase of 3+ words: the phrases
        of the rows (~3 a row, mostly each record's own address, which shares no word with the query) are
        counted against the query's word ids all at once, without decoding one; only the few left are read."""
        if not len(query.word_ids) or not len(rows):
            return {}
        # ``take``: numpy indexes by int32 (``rows``) several times slower
        starts = self._locs_start.take(rows)
        counts = self._locs_start.take(rows + 1) - starts
        pids = self._locs.take(ranges(starts, counts))
        first = self._phrase_words_start.take(pids)
        lengths = self._phrase_words_start.take(pids + 1) - first
        words, ids = self._phrase_words.take(ranges(first, lengths)), query.word_ids  # ids: sorted (np.isin, slower)
        known = ids.take(np.searchsorted(ids, words), mode="clip") == words
        shared = np.add.reduceat(known, np.cumsum(lengths) - lengths, dtype=np.int64) if len(known) else lengths
        # A phrase has one word at least; a word of a phrase is a word of the vocabulary, as every word of the query
        # it could equal: ids equal where words do.
        worth = np.flatnonzero(shared >= np.maximum(lengths - (lengths >= 3), 1))
        found: dict[int, list[int]] = {}
        for row, pid in zip(np.repeat(rows, counts).take(worth).tolist(), pids.take(worth).tolist(), strict=True):
            found.setdefault(row, []).append(pid)
        return found

    def _span(self, query: Query, pid: int) -> tuple[int, int] | None:
        """Where a location phrase occurs in the query; a 3+ word street may lack one word (Tôn Thắng)."""
        phrase, words, word_set = tuple(self.phrases[pid].split()), query.words, query.word_set
        # Most phrases (addresses) share no word with the query; any other needs all its words but one at most.
        if (phrase and word_set.isdisjoint(phrase)) or (
                len([w for w in phrase if w in word_set]) < len(phrase) - (len(phrase) >= 3)):
            query.spans[pid] = None  # never read again in this query: no need to keep its words
            return None
        query.phrases[pid] = phrase
        forms = [phrase]
        if len(phrase) >= 3:  # never the house number: "12 Lê Duẩn" is not "Lê Duẩn"
            forms += [phrase[:k] + phrase[k + 1:] for k in range(len(phrase)) if not phrase[k].isdigit()]
        # Each form is tried where its first word is (``located`` passes no phrase without words), leftmost first.
        if not query.at:
            query.at.update(positions(words))
        at = query.at
        found = query.spans[pid] = next(
            ((start, start + len(form)) for form in forms for start in at.get(form[0], ())
             if tuple(words[start:start + len(form)]) == form), None)
        return found

    def _name_score(self, query: Query, used: tuple[int, ...], name_set: NameSet) -> tuple[float, bool]:
        """How well the query words left after location matching name this place, and whether exactly."""
        readings = query.readings
        # All that ``rest_of`` reads of a name set: which readings it has (a word's IDF is the same in every set),
        # and the query words its places take.
        key = (tuple([w for w in name_set.words if w in readings]), used)
        rest = query.rests.get(key)
        if rest is None:
            rest = query.rests[key] = rest_of(query, set(used), name_set)
        if len(name_set.names) == 1:  # most records: no aliases
            best = ((1 - SHAPE) * _coverage(rest.words, rest.total, rest.sent, name_set.split[0], name_set.idf)
                    + SHAPE * fuzz.token_sort_ratio(rest.text, name_set.names[0], processor=None))
        else:
            best = max((
                (1 - SHAPE) * _coverage(rest.words, rest.total, rest.sent, split, name_set.idf)
                + SHAPE * fuzz.token_sort_ratio(rest.text, name, processor=None)
                for name, split in zip(name_set.names, name_set.split, strict=True)),
                default=0.0)  # a record without a name (found through the street it is on) names nothing
        digits = sum([25.0 for w in rest.numbers if w not in name_set.words]) if rest.numbers else 0
        digits += sum([8.0 for w in name_set.words if w.isdigit() and w not in query.word_set])
        exact = rest.text in name_set.names and not rest.edited
        return best - rest.typo - digits, exact


def _coverage(rest: list[Word], q_total: float, sent: set[str], split: tuple[list[str], set[str], float],
              idf: dict[str, float]) -> float:
    """IDF-weighted recall of the query words and precision over the name words, 0..100."""
    if not rest:
        return 0.0
    _, name_words, n_total = split
    q_hit = sum([w.idf for w in rest if w.word in name_words])
    n_hit = sum([idf[w] for w in name_words if w in sent])
    return 100.0 * (RECALL * q_hit / q_total + (1 - RECALL) * n_hit / n_total)


def hit_sums(taken: list[tuple[np.ndarray, float]], records: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of the posting lists ``taken`` (ascending) and the sum of the weights of the lists each
    is on, added in the order of the lists, as a bincount over every record would, but with work that follows
    the postings counted, not the records.

    Each posting is packed with the number of its list into one integer (``row << bits | list``), so one
    sort (which numpy does several times faster than an argsort, and faster still on 32 bits) orders the
    postings by row and each row's postings by list, and its weights are read from a table of one per list."""
    bits = len(taken).bit_length()
    kind = np.int32 if records << bits < 2**31 else np.int64
    keys = np.concatenate([np.left_shift(arr, bits, dtype=kind) | n for n, (arr, _) in enumerate(taken)])
    keys.sort()
    ordered = keys >> bits
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    weights = np.array([weight for _, weight in taken], dtype=np.float32).astype(np.float64)  # as posted before
    # ``take`` and the positions of the firsts: numpy's boolean and int32 fancy indexing are several times slower
    return ordered.take(np.flatnonzero(first)), np.bincount(np.cumsum(first) - 1,
                                                            weights=weights.take(keys & ((1 << bits) - 1)))
