"""Health facilities: hospitals, clinics, ward health stations, pharmacies.

File format (``data/clinics/records.jsonl``)::

    {"id": "KCB0001", "name": "Bệnh viện Đà Nẵng", "aliases": ["BV Đà Nẵng"], "type": "hospital",
     "house_number": "124", "street": "Hải Phòng", "ward": "Hải Châu", "district": "Hải Châu",
     "phone": "0236 3821 118", "hours": "24/7" | "07:00-17:00 T2-T7",
     "specialties": ["nội", "ngoại", "nhi"], "bhyt": true, "emergency_24h": true,
     "lat": 16.07, "lon": 108.22}

``type`` is ``hospital``, ``clinic``, ``health_station`` or ``pharmacy``; specialties are
Vietnamese words as a resident would text them (``nhi``, ``sản``, ``răng hàm mặt``...).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from lookups.datasets.base import DatasetMeta, Entry, read_records

FACILITY_TYPES = ("hospital", "clinic", "health_station", "pharmacy")


@dataclass(frozen=True, slots=True)
class Facility:
    id: str
    name: str
    aliases: tuple[str, ...]
    type: str
    house_number: str
    street: str
    ward: str
    district: str
    phone: str
    hours: str
    specialties: tuple[str, ...]
    bhyt: bool
    emergency_24h: bool
    lat: float
    lon: float

    @property
    def address(self) -> str:
        return f"{self.house_number} {self.street}".strip()

    def entry(self) -> Entry:
        return Entry(self.id, (self.name, *self.aliases), (self.address, self.street, self.ward, self.district))

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Facility:
        kind = str(raw["type"])
        if kind not in FACILITY_TYPES:
            raise ValueError(f"unknown type {kind!r}")
        return cls(
            id=str(raw["id"]), name=str(raw["name"]),
            aliases=tuple(str(a) for a in raw.get("aliases") or ()), type=kind,
            house_number=str(raw.get("house_number", "")), street=str(raw.get("street", "")),
            ward=str(raw.get("ward", "")), district=str(raw.get("district", "")),
            phone=str(raw.get("phone", "")), hours=str(raw.get("hours", "")),
            specialties=tuple(str(s) for s in raw.get("specialties") or ()),
            bhyt=bool(raw.get("bhyt", False)), emergency_24h=bool(raw.get("emergency_24h", False)),
            lat=float(raw.get("lat", 0.0)), lon=float(raw.get("lon", 0.0)),
        )


_FIELDS = tuple(f.name for f in fields(Facility))


def to_row(fac: Facility) -> list[Any]:
    """``fac`` as the compact JSON array the record store keeps: its fields in order (``from_row``)."""
    return [getattr(fac, name) for name in _FIELDS]


def from_row(row: list[Any]) -> Facility:
    ident, name, aliases, kind, house, street, ward, district, phone, hours, specialties, bhyt, urgent, lat, lon = row
    return Facility(ident, name, tuple(aliases), kind, house, street, ward, district, phone, hours,
                    tuple(specialties), bhyt, urgent, lat, lon)


@dataclass(frozen=True, slots=True)
class ClinicData:
    meta: DatasetMeta
    records: Sequence[Facility]  # a tuple when read from the source, else a mapped record store


def load(folder: Path) -> ClinicData:
    path = folder / "records.jsonl"
    meta = DatasetMeta.load(folder, [path])
    return ClinicData(meta, read_records(path, Facility.from_dict))
