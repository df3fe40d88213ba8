"""Query token normalisation against an index vocabulary: abbreviations, Telex residue, typos.

Typos are found with a symmetric-delete table (the SymSpell idea): every vocabulary word is stored
under its one-character deletions, so a query word finds words within one or two edits by a few
dictionary probes instead of a scan. The candidates are then checked with a real edit distance.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from lookups.pacing import paced
from lookups.text import abbreviations, detelex, expand, tokens
from lookups.work import note

# Query words one search considers; the rest are ignored (and counted). A name has at most 11 words in the
# sample pack, a street or ward up to 5, plus a marker or two and words a resident adds: the longest of 3,000
# real-looking queries over every keyword (bus "from den to" included) has 16 words, and 24 leaves room.
# Without it a message of hundreds of one-letter words was hundreds of typo look-ups and posting lists, and
# every shortlisted record was scored against all of them.
MAX_QUERY_WORDS = 24
# Readings kept per misspelled word (the likeliest and its rivals, ``lhanh``: ``thanh`` or ``khanh``): each is
# a posting list the search counts, so a query of MAX_QUERY_WORDS words has at most 3 x 24 of them.
MAX_READINGS = 3


@dataclass(frozen=True)
class QueryToken:
    """One word of a query as the index understands it."""

    raw: str
    word: str  # the vocabulary word it most likely stands for (== raw when known or not correctable)
    edits: int  # 0 exact; 1-2 typo corrections; Telex residue counts as 0
    known: bool
    alternatives: tuple[tuple[str, int], ...] = ()  # other close words with their edits, for the scorer

    def options(self) -> tuple[tuple[str, int], ...]:
        return ((self.word, self.edits), *self.alternatives)


def normalise_words(text: str, limit: int | None = None) -> list[str]:
    """Fold, expand abbreviations, drop leading zeros of numbers (``05`` and ``5`` are one route).

    With ``limit``, only the first ``limit`` words of ``text`` are read (expansions may make more).
    """
    out = []
    for word in expand(tokens(text)[:limit]):
        if word.isdigit():
            word = word.lstrip("0") or "0"
        out.append(word)
    return out


@lru_cache(maxsize=1)
def protected_words() -> frozenset[str]:
    """Words of the abbreviation table (duong, quan, benh vien...) are real words: never "correct" them."""
    return frozenset(w for long in abbreviations().values() for w in long.split())


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def max_edits(word: str) -> int:
    """Short Vietnamese syllables tolerate one edit, long words two; numbers none (109 is not 190)."""
    if word.isdigit() or len(word) < 3:
        return 0
    return 1 if len(word) < 7 else 2


class Vocabulary:
    def __init__(self, counts: Mapping[str, int]) -> None:
        """``counts``: how many records use each word; frequent words win ties between corrections."""
        self.words: Mapping[str, int] = counts
        self._by_delete: dict[str, list[str]] = {}
        self._longest = 0  # a longer query word, less its allowed edits, can be no word of ours
        for word in paced(self.words):
            if word.isdigit() or len(word) < 2:
                continue
            self._longest = max(self._longest, len(word))
            for key in _deletes(word) | {word}:
                self._by_delete.setdefault(key, []).append(word)

    def __contains__(self, word: object) -> bool:
        return word in self.words

    def correct(self, word: str, limit_results: int = MAX_READINGS) -> list[tuple[str, int]]:
        """Close vocabulary words within the allowed edits, best first: fewest edits, then most used.

        Several are kept because the likeliest is not always meant (``lhanh``: ``thanh`` or ``khanh``);
        the scorer picks, per record, the one that record contains.
        """
        limit = max_edits(word)
        if limit == 0 or len(word) - limit > self._longest:  # a pasted 1,000-letter "word" ends here
            return []
        note(corrections=1)
        found: set[str] = set()
        for probe in _deletes(word) | {word}:
            found.update(self._by_delete.get(probe, ()))
        ranked = []
        for cand in found:
            dist = OSA.distance(word, cand, processor=None, score_cutoff=limit)
            if dist <= limit:
                ranked.append((dist, -self.words[cand], cand))
        ranked.sort()
        return [(cand, dist) for dist, _, cand in ranked[:limit_results]]

    def understand(self, text: str) -> list[QueryToken]:
        """The first ``MAX_QUERY_WORDS`` words of ``text`` as the vocabulary reads them."""
        protected = protected_words()
        out: list[QueryToken] = []
        words = normalise_words(text, MAX_QUERY_WORDS)[:MAX_QUERY_WORDS]
        note(words=len(words), ignored=max(len(tokens(text)) - MAX_QUERY_WORDS, 0))
        for raw in words:
            if raw in self.words or raw in protected:
                out.append(QueryToken(raw, raw, 0, raw in self.words))
                continue
            plain = detelex(raw)
            if plain != raw and plain in self.words:
                out.append(QueryToken(raw, plain, 0, True))
                continue
            fixed = self.correct(raw) or (self.correct(plain) if plain != raw else [])
            if fixed:
                out.append(QueryToken(raw, fixed[0][0], fixed[0][1], True, tuple(fixed[1:])))
            else:
                out.append(QueryToken(raw, raw, 0, False))
        return out
