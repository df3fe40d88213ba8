"""Streets and wards named in free text: ``o ga lon truoc 120 Le Duan`` -> Lê Duẩn (Hải Châu), number 120.

Reports carry a place in words, not a record name, so the place is found the way the matcher reads locations:
folded words, the gazetteer's streets and wards (``data/gazetteer``), the wards' names of before the 2025 merger
(``lookups.aliases``: ``phuong Thach Thang`` is Hải Châu today), and one typo in a name of eight letters or more.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from lookups.aliases import SUFFIX, load_old_names
from lookups.text import expand, fold

log = logging.getLogger(__name__)
MAX_WORDS = 120  # words of a report looked at; a pasted essay costs no more than this
LONGEST = 4  # words in the longest name
FUZZY_FROM = 8  # letters (spaces included) from which one typo is forgiven, in names of two words or more
ONE_WORD = 5  # letters a one-word name needs to be recognised alone (exactly)
MEMO = 4096  # texts whose place is remembered: the console's map reads the same ticket addresses on every view
# Words that announce a ward or district, after ``expand`` ("p." and "q." are "phuong" and "quan" by then).
WARD_WORDS = frozenset({"phuong", "xa", "quan"})


@dataclass(frozen=True)
class Found:
    street: str  # as written in the gazetteer, or ""
    ward: str
    number: str  # the house number written before the street, or ""
    lat: float | None = None  # the street's reference point in the gazetteer
    lon: float | None = None

    @property
    def address(self) -> str:
        street = f"{self.number} {self.street}".strip()
        return ", ".join(part for part in (street, self.ward) if part)


@dataclass(frozen=True)
class Gazetteer:
    streets: dict[str, tuple[str, str, float | None, float | None]]  # folded -> (name, ward, lat, lon)
    wards: dict[str, str]  # folded name, old names included -> the ward today
    kinds: dict[str, str]  # the ward today -> "phường" or "xã"
    # A name of 8 letters or more is also looked for with one typo across every street: about 0.25 ms a text.
    _memo: dict[str, Found | None] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def load(cls, data_dir: Path) -> Gazetteer:
        streets: dict[str, tuple[str, str, float | None, float | None]] = {}
        wards: dict[str, str] = {}
        kinds: dict[str, str] = {}
        folder = data_dir / "gazetteer"
        try:
            with (folder / "streets.csv").open(encoding="utf-8-sig", newline="") as handle:
                for row in csv.DictReader(handle):
                    streets[fold(row["street"])] = (row["street"].strip(), row["ward"].strip(),
                                                    _number(row.get("lat")), _number(row.get("lon")))
            with (folder / "wards.csv").open(encoding="utf-8-sig", newline="") as handle:
                for row in csv.DictReader(handle):
                    wards[fold(row["ward"])] = row["ward"].strip()
                    kinds[row["ward"].strip()] = "xã" if row.get("kind", "").strip() == "xa" else "phường"
        except (OSError, KeyError) as exc:
            log.warning("no usable gazetteer in %s (%r): report places will not be recognised", folder, exc)
            return cls({}, {}, {})
        old = load_old_names(data_dir)
        for key, (_, old_wards) in old.wards.items():
            for name in old_wards:
                wards.setdefault(fold(name.removesuffix(SUFFIX)), wards.get(key, key))
        return cls(streets, wards, kinds)

    def titled(self, ward: str) -> str:
        """``phường Hải Châu``, ``xã Hòa Vang``."""
        return f"{self.kinds.get(ward, 'phường')} {ward}" if ward else ""

    def find(self, text: str) -> Found | None:
        """The street (and its ward) or the ward named in ``text``; an explicit ward wins over the street's."""
        if text in self._memo:
            return self._memo[text]
        if len(self._memo) >= MEMO:
            self._memo.clear()
        found = self._memo[text] = self._find(text)
        return found

    def _find(self, text: str) -> Found | None:
        words = expand(fold(text).split()[:MAX_WORDS])
        street: tuple[int, int, str] | None = None  # (start, end, folded name)
        ward: str = ""
        at = 0
        while at < len(words):
            hit = self._name_at(words, at)
            if hit is None:
                at += 1
                continue
            end, key, kind = hit
            if kind == "street" and street is None:
                street = (at, end, key)
            elif kind == "ward" and not ward:
                ward = self.wards[key]
            at = end
        if street is None:
            return Found("", ward, "") if ward else None
        name, own_ward, lat, lon = self.streets[street[2]]
        before = words[street[0] - 1] if street[0] > 0 else ""
        number = before if before[:1].isdigit() and len(before) <= 8 else ""
        return Found(name, ward or own_ward, number, lat, lon)

    def _name_at(self, words: list[str], at: int) -> tuple[int, str, str] | None:
        """(end, folded name, street|ward) of the longest name starting at word ``at``."""
        after_ward_word = at > 0 and words[at - 1] in WARD_WORDS
        for size in range(min(LONGEST, len(words) - at), 0, -1):
            span = " ".join(words[at:at + size])
            if size == 1 and len(span) < ONE_WORD:  # "Pasteur", "DT602"; not "an" or "hoa"
                continue
            for kind, table in (("ward", self.wards), ("street", self.streets)) if after_ward_word else (
                    ("street", self.streets), ("ward", self.wards)):
                if span in table:
                    return at + size, span, kind
                if size > 1 and len(span) >= FUZZY_FROM:
                    close = process.extractOne(span, table.keys(), scorer=Levenshtein.distance, processor=None,
                                               score_cutoff=1)
                    if close is not None:
                        return at + size, close[0], kind
        return None


def _number(raw: str | None) -> float | None:
    try:
        return float(raw) if raw else None
    except ValueError:
        return None
