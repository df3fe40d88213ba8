"""Land prices by street segment, as published in a city's land-price decision.

File format (``data/land_price/segments.csv``, UTF-8, header row)::

    id,street,from_point,to_point,ward,land_type,vt1,vt2,vt3,vt4,vt5,decision,effective_date
    LP0001,Lê Duẩn,Bạch Đằng,Trần Phú,Hải Châu,urban_residential,98800000,...,09/2020/QĐ-UBND,2020-03-20

``land_type`` is ``urban_residential``, ``commercial`` or ``agricultural``; prices are VND per m²
for positions VT1 (street front) to VT5 (deepest alley).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lookups.datasets.base import DataError, DatasetMeta, Entry, open_text

LAND_TYPES = ("urban_residential", "commercial", "agricultural")


@dataclass(frozen=True, slots=True)
class Segment:
    id: str
    street: str
    from_point: str
    to_point: str
    ward: str
    land_type: str
    prices: tuple[int, int, int, int, int]
    decision: str
    effective_date: date


@dataclass(frozen=True, slots=True)
class Street:
    """All segments of one street; the unit the matcher indexes (people ask by street)."""

    id: str
    name: str
    wards: tuple[str, ...]
    segments: tuple[Segment, ...]

    def entry(self) -> Entry:
        return Entry(self.id, (self.name,), self.wards)


@dataclass(frozen=True, slots=True)
class LandPriceData:
    meta: DatasetMeta
    segments: tuple[Segment, ...]
    streets: tuple[Street, ...]


def _segment(row: dict[str, str]) -> Segment:
    prices = tuple(int(row[f"vt{i}"]) for i in range(1, 6))
    if any(p < 0 for p in prices) or row["land_type"] not in LAND_TYPES:
        raise ValueError("negative price or unknown land_type")
    return Segment(
        id=row["id"], street=row["street"], from_point=row["from_point"], to_point=row["to_point"],
        ward=row["ward"], land_type=row["land_type"],
        prices=(prices[0], prices[1], prices[2], prices[3], prices[4]),
        decision=row["decision"], effective_date=date.fromisoformat(row["effective_date"]),
    )


def group_streets(segments: list[Segment]) -> tuple[Street, ...]:
    by_name: dict[str, list[Segment]] = {}
    for seg in segments:
        by_name.setdefault(seg.street, []).append(seg)
    streets = []
    for number, (name, segs) in enumerate(sorted(by_name.items()), 1):
        wards = tuple(dict.fromkeys(s.ward for s in segs if s.ward))
        streets.append(Street(f"ST{number:04d}", name, wards, tuple(segs)))
    return tuple(streets)


def load(folder: Path) -> LandPriceData:
    path = folder / "segments.csv"
    meta = DatasetMeta.load(folder, [path])
    segments: list[Segment] = []
    number = 1  # the header is line 1
    try:
        with open_text(path, "utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                number += 1
                segments.append(_segment(row))
    except (OSError, KeyError, ValueError) as exc:
        raise DataError(f"{path}: line {number}: {exc!r}") from exc
    return LandPriceData(meta, tuple(segments), group_streets(segments))
