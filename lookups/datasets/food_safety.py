"""Food-safety (ATTP) establishments: certificate or commitment, inspections, violations.

File format (``data/food_safety/records.jsonl``, one JSON object per line)::

    {"id": "FS000123", "name": "Quán Cơm Huế Bà Năm", "aliases": ["Cơm Huế Bà Năm"],
     "category": "restaurant", "house_number": "123", "street": "Lê Duẩn",
     "ward": "Hải Châu", "district": "Hải Châu",
     "certificate": {"number": "123/2024/ATTP-CNĐK", "issued_by": "Ban Quản lý ATTP Đà Nẵng",
                     "issued_on": "2024-03-01", "expires_on": "2027-03-01", "revoked_on": null} | null,
     "commitment": {"signed_on": "2024-05-02", "received_by": "UBND phường Hải Châu"} | null,
     "inspections": [{"date": "2025-06-10", "result": "passed|failed|warning", "authority": "..."}],
     "violations": [{"date": "2025-06-10", "description": "...", "fine_vnd": 5000000,
                     "status": "paid|unpaid|appealed"}]}
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any, TypeVar

from lookups.datasets.base import DatasetMeta, Entry, parse_date, read_records

CATEGORIES = ("restaurant", "street_food", "catering", "bakery", "grocery", "cafe", "canteen")


@dataclass(frozen=True, slots=True)
class Certificate:
    number: str
    issued_by: str
    issued_on: date
    expires_on: date
    revoked_on: date | None = None


@dataclass(frozen=True, slots=True)
class Commitment:
    signed_on: date
    received_by: str


@dataclass(frozen=True, slots=True)
class Inspection:
    date: date
    result: str
    authority: str


@dataclass(frozen=True, slots=True)
class Violation:
    date: date
    description: str
    fine_vnd: int
    status: str


@dataclass(frozen=True, slots=True)
class Establishment:
    id: str
    name: str
    aliases: tuple[str, ...]
    category: str
    house_number: str
    street: str
    ward: str
    district: str
    certificate: Certificate | None
    commitment: Commitment | None
    inspections: tuple[Inspection, ...]
    violations: tuple[Violation, ...]

    @property
    def address(self) -> str:
        return f"{self.house_number} {self.street}".strip()

    def status(self, on: date) -> str:
        """``valid``, ``expired``, ``revoked``, ``commitment`` or ``none`` on the given day."""
        cert = self.certificate
        if cert is not None:
            if cert.revoked_on is not None and cert.revoked_on <= on:
                return "revoked"
            return "valid" if cert.expires_on >= on else "expired"
        return "commitment" if self.commitment is not None else "none"

    def entry(self) -> Entry:
        return Entry(self.id, (self.name, *self.aliases), (self.address, self.street, self.ward, self.district))

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Establishment:
        cert = raw.get("certificate")
        comm = raw.get("commitment")
        # Streets, wards, authorities and descriptions repeat across records: intern them, which
        # halves the memory of a 100,000-record registry. Days repeat too: each is parsed once.
        s, day = _interned, _date
        return cls(
            id=str(raw["id"]),
            name=str(raw["name"]),
            aliases=tuple(str(a) for a in raw.get("aliases") or ()),
            category=s(raw.get("category", "restaurant")),
            house_number=str(raw.get("house_number", "")),
            street=s(raw.get("street", "")),
            ward=s(raw.get("ward", "")),
            district=s(raw.get("district", "")),
            certificate=None if not cert else Certificate(
                number=str(cert["number"]), issued_by=s(cert["issued_by"]),
                issued_on=day(cert["issued_on"]),
                expires_on=day(cert["expires_on"]),
                revoked_on=day(cert["revoked_on"]) if cert.get("revoked_on") else None,
            ),
            commitment=None if not comm else Commitment(signed_on=day(comm["signed_on"]),
                                                        received_by=s(comm["received_by"])),
            inspections=_latest_first([Inspection(day(i["date"]), s(i["result"]), s(i.get("authority", "")))
                                       for i in raw.get("inspections") or ()]),
            violations=_latest_first([Violation(day(v["date"]), s(v["description"]), int(v.get("fine_vnd", 0)),
                                                s(v.get("status", ""))) for v in raw.get("violations") or ()]),
        )


def _interned(value: object) -> str:
    return sys.intern(str(value))


_date = lru_cache(maxsize=1 << 14)(date.fromisoformat)  # a registry's days: a few thousand distinct
_on = attrgetter("date")
Dated = TypeVar("Dated", Inspection, Violation)


def _latest_first(items: list[Dated]) -> tuple[Dated, ...]:
    if len(items) > 1:  # most records have one inspection or none: nothing to sort
        items.sort(key=_on, reverse=True)  # a stable sort, so the events of one day keep their order
    return tuple(items)


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def to_row(est: Establishment) -> list[Any]:
    """``est`` as the compact JSON array the record store keeps (``from_row`` reads it back)."""
    cert, comm = est.certificate, est.commitment
    return [est.id, est.name, est.aliases, est.category, est.house_number, est.street, est.ward, est.district,
            None if cert is None else [cert.number, cert.issued_by, _day(cert.issued_on), _day(cert.expires_on),
                                       _day(cert.revoked_on)],
            None if comm is None else [_day(comm.signed_on), comm.received_by],
            [[_day(i.date), i.result, i.authority] for i in est.inspections],
            [[_day(v.date), v.description, v.fine_vnd, v.status] for v in est.violations]]


def from_row(row: list[Any]) -> Establishment:
    ident, name, aliases, category, house, street, ward, district, cert, comm, inspections, violations = row
    day = date.fromisoformat
    return Establishment(
        ident, name, tuple(aliases), category, house, street, ward, district,
        None if cert is None else Certificate(cert[0], cert[1], day(cert[2]), day(cert[3]), parse_date(cert[4])),
        None if comm is None else Commitment(day(comm[0]), comm[1]),
        tuple(Inspection(day(d), result, authority) for d, result, authority in inspections),
        tuple(Violation(day(d), description, fine, status) for d, description, fine, status in violations))


@dataclass(frozen=True, slots=True)
class FoodSafetyData:
    meta: DatasetMeta
    records: Sequence[Establishment]  # a tuple when read from the source, else a mapped record store


def load(folder: Path) -> FoodSafetyData:
    path = folder / "records.jsonl"
    meta = DatasetMeta.load(folder, [path])
    return FoodSafetyData(meta, read_records(path, Establishment.from_dict))
