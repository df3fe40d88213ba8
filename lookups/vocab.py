"""Query token normalisation against an index vocabulary: abbreviations, Telex residue, typos.

Typos are found with a symmetric-delete table (the SymSpell idea): every vocabulary word is stored
under its one-character deletions, so a query word finds words within one or two edits by a few
dictionary probes instead of a scan. The candidates are then checked with a real edit distance.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz.distance import OSA

from lookups.index_files import Keys, Strings, digests, key_parts, string_parts
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


def vocabulary_parts(words: Sequence[str], hashes: np.ndarray, counts: np.ndarray) -> dict[str, np.ndarray]:
    """The files of a vocabulary: ``words`` in the order of their ``hashes`` (so a word's id is its position),
    how many records use each, and the symmetric-delete table (each deletion's hash and the word it is of)."""
    blob, offsets = string_parts(words)
    keys: list[str] = []
    owners = array("i")
    longest = 0
    for word_id, word in enumerate(words):
        if word.isdigit() or len(word) < 2:
            continue
        longest = max(longest, len(word))
        probes = _deletes(word) | {word}
        keys.extend(probes)
        owners.extend([word_id] * len(probes))
    delete_hashes, delete_words = key_parts(digests(keys), np.frombuffer(owners, dtype=np.int32))
    return {"words_blob": blob, "words_offsets": offsets, "words_hashes": hashes,
            "words_counts": counts.astype(np.int64), "words_longest": np.array([longest], dtype=np.int64),
            "delete_hashes": delete_hashes, "delete_words": delete_words}


class Vocabulary:
    """The words of an index, read from its parts (mapped files): ids, use counts, typo corrections."""

    def __init__(self, parts: Mapping[str, np.ndarray]) -> None:
        """``parts`` as ``vocabulary_parts`` made them."""
        self.words = Strings(parts["words_blob"], parts["words_offsets"])
        self._hashes = parts["words_hashes"]
        self._hash_at = self._hashes.data
        self._counts = parts["words_counts"].data
        self._by_delete = Keys(parts["delete_hashes"], parts["delete_words"])
        self._longest = int(parts["words_longest"][0])  # a longer query word, less its edits, is no word of ours

    def ids(self, words: Sequence[str]) -> list[int | None]:
        """Each word's id (its position in the table), or None for a word this vocabulary lacks."""
        if not words:
            return []
        wanted = digests(words)
        low = np.searchsorted(self._hashes, wanted, side="left").tolist()
        out: list[int | None] = []
        for word, digest, at in zip(words, wanted.tolist(), low, strict=True):
            while at < len(self.words) and self._hash_at[at] == digest and self.words[at] != word:
                at += 1  # another word of the same hash: check the next
            out.append(at if at < len(self.words) and self._hash_at[at] == digest else None)
        return out

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.ids([word])[0] is not None

    def count(self, word_id: int) -> int:
        """Records that use the word, in a name or a location."""
        return int(self._counts[word_id])

    def correct(self, word: str, limit_results: int = MAX_READINGS) -> list[tuple[str, int]]:
        """Close vocabulary words within the allowed edits, best first: fewest edits, then most used.

        Several are kept because the likeliest is not always meant (``lhanh``: ``thanh`` or ``khanh``);
        the scorer picks, per record, the one that record contains.
        """
        return [(cand, dist) for cand, dist, _ in self._correct(word, limit_results)]

    def _correct(self, word: str, limit_results: int = MAX_READINGS) -> list[tuple[str, int, int]]:
        """``correct``, with each word's id."""
        limit = max_edits(word)
        if limit == 0 or len(word) - limit > self._longest:  # a pasted 1,000-letter "word" ends here
            return []
        note(corrections=1)
        probes = list(_deletes(word) | {word})
        found: dict[int, str] = {}
        for probe, owners in zip(probes, self._by_delete.find(probes), strict=True):
            for owner in owners:
                cand = found.get(owner) or self.words[owner]
                # The table is keyed by hashes: keep only a word of which ``probe`` really is a deletion.
                if cand == probe or (len(cand) == len(probe) + 1 and probe in _deletes(cand)):
                    found[owner] = cand
        ranked = []
        for owner, cand in found.items():
            dist = OSA.distance(word, cand, processor=None, score_cutoff=limit)
            if dist <= limit:
                ranked.append((dist, -self.count(owner), cand, owner))
        ranked.sort()
        return [(cand, dist, owner) for dist, _, cand, owner in ranked[:limit_results]]

    def understand(self, text: str) -> list[QueryToken]:
        """The first ``MAX_QUERY_WORDS`` words of ``text`` as the vocabulary reads them."""
        return self.read(text)[0]

    def read(self, text: str) -> tuple[list[QueryToken], dict[str, int | None]]:
        """``understand``, and the id of every reading the tokens offer (None for a word we lack)."""
        protected = protected_words()
        out: list[QueryToken] = []
        words = normalise_words(text, MAX_QUERY_WORDS)[:MAX_QUERY_WORDS]
        note(words=len(words), ignored=max(len(tokens(text)) - MAX_QUERY_WORDS, 0))
        ids = dict(zip(words, self.ids(words), strict=True))
        unknown = [raw for raw in words if ids[raw] is None and raw not in protected]
        plains = {raw: detelex(raw) for raw in unknown}
        plain_ids = dict(zip(plains.values(), self.ids(list(plains.values())), strict=True))
        for raw in words:
            if raw not in plains:
                out.append(QueryToken(raw, raw, 0, ids[raw] is not None))
                continue
            plain = plains[raw]
            if plain != raw and plain_ids[plain] is not None:
                out.append(QueryToken(raw, plain, 0, True))
                ids[plain] = plain_ids[plain]
                continue
            fixed = self._correct(raw) or (self._correct(plain) if plain != raw else [])
            if fixed:
                out.append(QueryToken(raw, fixed[0][0], fixed[0][1], True, tuple((w, d) for w, d, _ in fixed[1:])))
                ids.update((w, word_id) for w, _, word_id in fixed)
            else:
                out.append(QueryToken(raw, raw, 0, False))
        return out, ids
