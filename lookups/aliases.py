"""Old administrative names: the districts and wards that existed before the July 2025 merger.

Residents still write ``Q. Thanh Khê`` or ``phường Thạch Thang``; records carry the new ward. The table is
data (``gazetteer/wards.csv`` of the data directory, columns ``ward,kind,old_district,old_wards``, lists
``;``-separated), and the old names of a record's ward are added to the location phrases the matcher
already scores, so the matcher itself does not change.

Old ward names are added as ``Thạch Thang (trướcsápnhập)``: a marker word no one types, at the end.
Bare, they became ward phrases the matcher recognises greedily, and the many ``Hòa ...`` wards took
words from names: ``pho hoa hai chau`` read ``hoa hai`` (old ward Hòa Hải) and lost ``hai chau``. With a
marker the phrase has three words or more, which the matcher still finds with one word missing, so
``pho hoa thach thang`` matches; but a real word as marker matched names (``phường`` in front made
``phuong nam`` match every ``Phương Nam``; ``cũ`` at the end drew typo corrections of ``cau`` and turned
absent names into false candidates). On benchmarks/match_quality.py this form scores top-1 99.2% / 97.0%
(1 / 2 noises) against 99.0% / 96.8% without aliases, and absent names stay 100% not found. Old districts
are added bare: they are also names of new wards, so they add no new phrase. Roman numerals get an
arabic twin (``Hải Châu I`` -> ``Hải Châu 1``).
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass, field
from pathlib import Path

from lookups.datasets.base import DataError, Entry
from lookups.text import Folder, fold

log = logging.getLogger(__name__)
TABLE = Path("gazetteer") / "wards.csv"
MARKER = "trướcsápnhập"  # one token (see above); replies never show location phrases
SUFFIX = f" ({MARKER})"
ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4", "V": "5"}


@dataclass(frozen=True)
class OldNames:
    """Folded new ward name -> (old districts, old wards), each without the new name itself."""

    wards: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # old name as added -> " folded name " (marker off)
    # What an index build asks again for each record: the old names of its wards, a record's names folded.
    _extra: dict[tuple[tuple[str, ...], bool], tuple[tuple[str, str], ...]] = field(
        default_factory=dict, compare=False, repr=False)  # (wards, districts) -> (old name, its key) of each
    _fold: Folder = field(default_factory=Folder, compare=False, repr=False)

    def of(self, ward: str, *, districts: bool) -> tuple[str, ...]:
        """Old names a resident may use for ``ward``; ``districts`` adds the pre-2025 districts too."""
        olds = self.wards.get(fold(ward))
        if olds is None:
            return ()
        return (*olds[0], *olds[1]) if districts else olds[1]

    def extend(self, entry: Entry, wards: tuple[str, ...], *, districts: bool) -> Entry:
        """``entry`` with the old names of its wards appended to its locations.

        A name that already says the old ward (``Nhà hàng Gió Biển Mân Thái``) does not get it as a location
        too: the matcher would read those words as the place and score the name without them. A name the
        entry already has among its locations is harmless (the index keeps one copy of a phrase per record).
        """
        extra = self._extra.get((wards, districts))
        if extra is None:
            extra = self._extra[(wards, districts)] = tuple(
                (name, self.keys[name]) for ward in wards if ward for name in self.of(ward, districts=districts))
        if not extra:
            return entry
        said = f" {self._fold(' '.join(entry.names))} "
        kept = tuple([name for name, key in extra if key not in said])
        return Entry(entry.id, entry.names, entry.locations + kept) if kept else entry


def _numbered(name: str) -> tuple[str, ...]:
    head, _, last = name.rpartition(" ")
    return (name, f"{head} {ROMAN[last]}") if head and last in ROMAN else (name,)


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (cell or "").split(";") if part.strip())


def load_old_names(data_dir: Path) -> OldNames:
    """The alias table of a data directory; an empty table (no aliases) when the directory has none."""
    path = data_dir / TABLE
    if not path.is_file():
        log.info("no %s: old ward and district names will not be matched", path)
        return OldNames()
    wards: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                ward = row["ward"].strip()
                key = fold(ward)
                districts = tuple(d for d in _split(row.get("old_district")) if fold(d) != key)
                old_wards = tuple(w + SUFFIX for name in _split(row.get("old_wards")) if fold(name) != key
                                  for w in _numbered(name))
                wards[key] = (districts, old_wards)
    except (OSError, KeyError, csv.Error) as exc:
        raise DataError(f"{path}: {exc!r}") from exc
    keys = {n: f" {fold(n.removesuffix(SUFFIX))} " for olds in wards.values() for group in olds for n in group}
    return OldNames(wards, keys)
