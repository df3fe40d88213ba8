"""Vietnamese text folding: the one normalisation used for keywords, names and addresses.

Folding removes tone marks and vowel hats after NFD decomposition, so NFC and NFD input, and
old-style tone placement (``hoà`` vs ``hòa``), all reach the same key. Invisible format characters
(zero-width space and joiners, soft hyphen, byte-order mark, direction marks) are removed first, so one
pasted inside a word leaves the word whole (``ph\u200bo`` is ``pho``) instead of splitting it in two.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

_NON_WORD = re.compile(r"[^0-9a-z]+")
_VOWELS = set("aeiouy")
# A letter carries at most two marks in Vietnamese (a hat or horn and a tone); a few more leave room for
# other scripts. Hundreds of them stacked on one letter ("Zalgo" text) are noise, dropped before matching.
MAX_MARKS = 4
# Marks are not ASCII, so a flood is inside a run of non-ASCII characters at least this long: searching for
# such runs is cheap, where a class of every Unicode mark costs a millisecond per 4,000 characters.
_LONG_RUN = re.compile(f"[^\\x00-\\x7f]{{{MAX_MARKS + 1},}}")
# Every format character (category Cf) is in planes 0, 1 or 14: scanning only those, once at import, takes
# about 20 ms. The standard library has no other way to list the characters of a category.
FORMAT_CHARS: dict[int, None] = {cp: None for block in (range(0x20000), range(0xE0000, 0xE1000)) for cp in block
                                 if unicodedata.category(chr(cp)) == "Cf"}
# Every combining character (canonical combining class not 0) is in planes 0 and 1: removed by one
# ``str.translate`` instead of a Python test per character, which was most of the cost of building an index.
COMBINING: dict[int, None] = {cp: None for cp in range(0x20000) if unicodedata.combining(chr(cp))}
# What ``strip_marks`` removes or replaces after NFD decomposition, in one table and so one ``str.translate``:
# combining characters, format characters, and đ/Đ (letters of their own, with no decomposition). No character
# decomposes into a format character or đ, and none of those decomposes, so removing them after the
# decomposition instead of before leaves the same letters; the order NFD sorts marks in does not matter, since
# every mark goes. tests/test_fold_unchanged.py compares with the three translates this replaced.
_STRIP: dict[int, str | None] = {**COMBINING, **FORMAT_CHARS,
                                 ord("đ"): "d", ord("Đ"): "D", ord("ð"): "d", ord("Ð"): "D"}


def drop_format(text: str) -> str:
    """``text`` without invisible format characters (U+200B-U+200F, U+2060, U+FEFF, U+00AD, ...)."""
    return text.translate(FORMAT_CHARS)


def cap_marks(text: str) -> str:
    """Keep at most ``MAX_MARKS`` combining marks in a row; the rest of a longer run is dropped."""
    return _LONG_RUN.sub(lambda run: _cap_run(run.group()), text)


def _cap_run(run: str) -> str:
    kept: list[str] = []
    marks = 0
    for ch in run:
        marks = marks + 1 if unicodedata.category(ch)[0] == "M" else 0
        if marks <= MAX_MARKS:
            kept.append(ch)
    return "".join(kept)


def strip_marks(text: str) -> str:
    """Remove tone marks and vowel hats, keep case and punctuation (used for SMS output)."""
    if text.isascii():  # no marks, no format characters, nothing to decompose: most house numbers and queries
        return text
    kept = unicodedata.normalize("NFD", text).translate(_STRIP)
    return kept if kept.isascii() else unicodedata.normalize("NFC", kept)


# Longest text whose fold is cached: the dispatcher reads at most 1,000 characters. Longer ones (a pasted page
# tested as a numbered choice) are folded each time, or 8,192 of them could hold gigabytes in the cache.
FOLD_CACHED = 1000


def fold(text: str) -> str:
    """Fold to the matching key: no marks, ``đ -> d``, lower case, punctuation to spaces, one space."""
    return _fold_cached(text) if len(text) <= FOLD_CACHED else _fold(text)


def _fold(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", strip_marks(text).casefold()).split())


_fold_cached = lru_cache(maxsize=8192)(_fold)  # keywords and frequent queries; names are folded once at build


class Folder:
    """``fold`` for one build, which folds hundreds of thousands of names and addresses made of far fewer words:
    folding is word by word (a space is a word break, and a mark after it goes with it, so ``fold(a + " " + b)``
    is ``fold(a)`` and ``fold(b)`` joined), so each space-separated part is folded once and remembered."""

    def __init__(self) -> None:
        self._parts: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        parts = self._parts
        folded = [parts[part] if part in parts else self._fold(part) for part in text.split(" ")]
        return " ".join(part for part in folded if part)

    def _fold(self, part: str) -> str:
        folded = self._parts[part] = fold(part)
        return folded


def tokens(text: str) -> list[str]:
    return fold(text).split()


def detelex(token: str) -> str:
    """Undo Telex keystrokes typed with the Vietnamese keyboard off: ``phowr -> pho``, ``quaans -> quan``.

    Only meaningful for a token that is not a known word; callers check the result against a vocabulary.
    """
    word = token
    if len(word) > 2 and word[-1] in "sfrxj" and (word[-2] in _VOWELS or word[-2] in "wnmcpthg"):
        word = word[:-1]
    for seq, repl in (("dd", "d"), ("aa", "a"), ("ee", "e"), ("oo", "o"), ("aw", "a"), ("ow", "o"),
                      ("uw", "u"), ("w", "u")):
        word = word.replace(seq, repl)
    return word


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, str]:
    """Abbreviation -> folded expansion, read from ``abbreviations.tsv`` shipped beside this module."""
    table: dict[str, str] = {}
    text = resources.files("lookups").joinpath("abbreviations.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        short, _, long = line.partition("\t")
        if long.strip():
            table[fold(short)] = fold(long)
    return table


def expand(words: list[str]) -> list[str]:
    """Replace abbreviation tokens by their expansions (``bv -> benh vien``)."""
    table = abbreviations()
    out: list[str] = []
    for word in words:
        out.extend(table[word].split() if word in table else (word,))
    return out
