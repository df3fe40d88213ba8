"""The one pass over a dataset's entries that an index build makes (``lookups.index_build``): it folds each
distinct name and location string once and numbers what repeats: name sets (the names of a record, shared by a
chain's branches), location phrases and words.

A record's locations are its address and then what the records of its street share (street, ward, district, the
ward's old names). That shared tail is worked out once: its phrases longest first, and its words. A record then
adds only its address, and the words of its locations are counted (records per location word) as its tail's,
once per record that has the tail, plus those of its address that the tail lacks: no pair of a record and a word
is listed, which at a million records was tens of millions of pairs to sort.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left

from lookups.datasets.base import Entry
from lookups.vocab import normalise_words

TAILS = 1 << 16  # tails remembered at most: past that, a record with a new tail is taken on its own
Tail = tuple[int, list[int], list[int], frozenset[int], frozenset[int]]  # id, phrases, -lengths, phrases, words


class Pass:
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
        self.phrase_distinct: list[tuple[int, ...]] = []  # a phrase's word ids, each once
        self.loc_flat, self.loc_start = array("i"), array("i", [0])  # each record's phrases, longest first
        self.tails: dict[tuple[str, ...], Tail] = {}
        self.tail_words: list[frozenset[int]] = []  # by tail id
        self.tail_uses: list[int] = []  # records that have each tail
        self.own_words = array("i")  # words of a record's locations counted apart from its tail's

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
            self.phrase_distinct.append(tuple(dict.fromkeys(ids)))
        found = self.loc_phrases[loc] = (pid, len(key))
        return found

    def add(self, entry: Entry) -> None:
        keys, raw = self.name_keys, entry.names
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
        locations = entry.locations
        if not locations:
            self.loc_start.append(len(self.loc_flat))
            return
        pid, length = self.loc_phrases.get(locations[0]) or self.phrase(locations[0])  # numbered first, as before
        tail = self.tails.get(locations[1:]) or self.tail(locations[1:])
        if tail is None:
            self.alone(locations)
            return
        tid, pids, lengths, tail_pids, tail_words = tail
        self.tail_uses[tid] += 1
        flat = self.loc_flat
        if not length:
            flat.extend(pids)
        else:  # the address goes before the tail's phrases of its length, as a stable sort of them all puts it
            cut = bisect_left(lengths, -length)
            flat.extend(pids[:cut])
            flat.append(pid)
            flat.extend(pids[cut:] if pid not in tail_pids else [p for p in pids[cut:] if p != pid])
            self.own_words.extend([w for w in self.phrase_distinct[pid] if w not in tail_words])
        self.loc_start.append(len(flat))

    def tail(self, locations: tuple[str, ...]) -> Tail | None:
        """The tail of these locations (None when TAILS are remembered already)."""
        if len(self.tails) >= TAILS:
            return None
        pids, lengths = self.sorted_phrases(locations)
        words = frozenset(w for p in pids for w in self.phrase_distinct[p])
        found = self.tails[locations] = (len(self.tail_uses), pids, lengths, frozenset(pids), words)
        self.tail_words.append(words)
        self.tail_uses.append(0)
        return found

    def alone(self, locations: tuple[str, ...]) -> None:
        """A record's locations without a tail remembered: its phrases and words all its own."""
        pids, _ = self.sorted_phrases(locations)
        self.loc_flat.extend(pids)
        self.own_words.extend(dict.fromkeys(w for p in pids for w in self.phrase_distinct[p]))
        self.loc_start.append(len(self.loc_flat))

    def sorted_phrases(self, locations: tuple[str, ...]) -> tuple[list[int], list[int]]:
        """The phrases of ``locations``, each once, longest first (in the order they came within a length), and
        minus their lengths (ascending, for ``bisect``)."""
        locs: dict[int, int] = {}  # phrase id -> its length in words
        for loc in locations:
            pid, length = self.loc_phrases.get(loc) or self.phrase(loc)
            if length:
                locs[pid] = length
        pids = sorted(locs, key=locs.__getitem__, reverse=True)  # reverse keeps a stable sort's order
        return pids, [-locs[p] for p in pids]
