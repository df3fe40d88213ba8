"""A query as a search reads it (``Query``), and what it works out once for all the records it scores: the name
sets it decoded, where its words are, and the words it leaves for a record's name (``rest_of``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from lookups.vocab import QueryToken

TYPO = 40.0  # points lost per corrected letter share of a word: "khue" read as "khe" costs 10


class Word(NamedTuple):  # a tuple: one is made per corrected word of each scored record, and cheaply
    word: str
    edits: int
    known: bool
    length: int
    idf: float  # an unknown word weighs as the rarest: it is what the user meant and we lack


class NameSet(NamedTuple):
    names: tuple[str, ...]  # folded names of a record (name and aliases)
    words: tuple[str, ...]  # their distinct words, in order
    idf: dict[str, float]  # of each of those words
    # per name: its words, the set of them (iterated in the order ``set(words)`` gives) and their IDF total
    split: tuple[tuple[list[str], set[str], float], ...]


@dataclass
class Query:
    tokens: list[QueryToken]
    words: list[str]
    word_set: frozenset[str] = frozenset()
    word_ids: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int32))  # of word_set, where known
    likeliest: list[Word] = field(default_factory=list)  # each word's reading when a record has none of them
    readings: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)  # word -> (token, rank, edits)
    spans: dict[int, tuple[int, int] | None] = field(default_factory=dict)  # phrase id -> where it is in words
    scores: dict[tuple[int, tuple[int, ...]], tuple[float, bool]] = field(default_factory=dict)
    sets: dict[int, NameSet] = field(default_factory=dict)  # name sets decoded for this query
    phrases: dict[int, tuple[str, ...]] = field(default_factory=dict)  # phrases decoded for this query
    at: dict[str, list[int]] = field(default_factory=dict)  # where each word is in ``words`` (``positions``)
    # the words left for a name, by the readings a name set has and the positions its places take (``rest_of``)
    rests: dict[tuple[tuple[str, ...], tuple[int, ...]], Rest] = field(default_factory=dict)


class Rest(NamedTuple):
    """The query words left to name a record, and what every record they are left for reads of them alike: the
    records of a search mostly contain the same readings of the query, so this is worked out once for them."""
    words: list[Word]
    text: str
    total: float  # IDF total
    sent: set[str]
    typo: float  # the cost of the corrected words
    numbers: list[str]  # the words that are numbers, in order
    edited: bool  # any word corrected


def rest_of(query: Query, used: set[int], name_set: NameSet) -> Rest:
    """The query words left to name a record of ``name_set`` once the words in ``used`` name its places."""
    return _rest(_readings(query, used, name_set))


def _rest(rest: list[Word]) -> Rest:
    words = [w.word for w in rest]
    q_total = sum([w.idf for w in rest])
    # A corrected word costs more the more it carries the query: reading "khue" as "hue" in
    # "ca phe khue" changes which place is meant; reading "caphe" as "ca phe" does not.
    weight = q_total or 1.0
    typo = sum([TYPO * w.edits / max(w.length, 1) * (1 + w.idf / weight) for w in rest if w.edits])
    return Rest(rest, " ".join(words), q_total, set(words), typo, [w for w in words if w.isdigit()],
                any(w.edits for w in rest))


def positions(words: list[str]) -> dict[str, list[int]]:
    """Where each word is in ``words``, leftmost first."""
    at: dict[str, list[int]] = {}
    for pos, word in enumerate(words):
        at.setdefault(word, []).append(pos)
    return at


def _readings(query: Query, used: set[int], name_set: NameSet) -> list[Word]:
    """Each query word not used by a location: the first of its readings this record contains, else its
    likeliest. Found from the record's few words, so a long query costs little per record."""
    picked: dict[int, tuple[int, str, int]] = {}  # token -> (rank of the reading, word, edits)
    readings = query.readings
    for word in name_set.words:
        if word in readings:
            for pos, rank, edits in readings[word]:
                if pos not in picked or rank < picked[pos][0]:
                    picked[pos] = (rank, word, edits)
    if not picked and not used:
        return query.likeliest
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
