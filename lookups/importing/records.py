"""Checks per dataset: a mapped row becomes a record in the loader's own format, or problems.

Each converter ends by building the loader's dataclass from the record, so whatever it accepts the
service will load. Ids are kept when the file has them; otherwise they are derived from the content
(a hash of name and address), so the same establishment keeps its id from one import to the next.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lookups.datasets import clinics, food_safety, land_price
from lookups.importing.rows import UNSET, Fields
from lookups.importing.values import split_address
from lookups.text import fold

Record = dict[str, Any]
ADDRESS = ("house_number", "street", "address", "ward", "district")
FOOD = ("id", "name", "aliases", "category", *ADDRESS, "certificate.number", "certificate.issued_by",
        "certificate.issued_on", "certificate.expires_on", "certificate.revoked_on", "commitment.signed_on",
        "commitment.received_by", "inspections", "violations", "inspection.date", "inspection.result",
        "inspection.authority", "violation.date", "violation.description", "violation.fine_vnd",
        "violation.status")
CLINICS = ("id", "name", "aliases", "type", *ADDRESS, "phone", "hours", "specialties", "bhyt",
           "emergency_24h", "lat", "lon")
LAND = ("id", "street", "from_point", "to_point", "ward", "land_type", "vt1", "vt2", "vt3", "vt4", "vt5",
        "prices", "decision", "effective_date")
INSPECTION_RESULTS = ("passed", "failed", "warning")
VIOLATION_STATUSES = ("paid", "unpaid", "appealed", "")


@dataclass(frozen=True)
class Schema:
    fields: tuple[str, ...]
    required: tuple[tuple[str, ...], ...]  # each: one of these fields must have a column or a default
    convert: Callable[[Fields], Record | None]
    what: str  # how a duplicate is described when ids are derived


def derived_id(prefix: str, *parts: str) -> str:
    return prefix + hashlib.sha1("|".join(fold(p) for p in parts).encode()).hexdigest()[:8].upper()


def _address(f: Fields) -> tuple[str, str]:
    house, street = f.text("house_number"), f.text("street")
    if not street and (address := f.text("address")):
        split_house, street = split_address(address)
        house = house or split_house
    return house, street


def _events(f: Fields, name: str, flat: str, keys: tuple[str, ...]) -> list[tuple[dict[str, Any], str]]:
    """A record's inspections or violations: the JSON list, plus one from flat ``inspection.*`` columns.
    Each comes with the field prefix its problems are reported under (the list, or the flat columns)."""
    items = [(item, "") for item in f.objects(name)]
    if any(f.given(f"{flat}.{k}") for k in keys):
        items.append(({k: f.raw(f"{flat}.{k}") for k in keys}, flat))
    return items


def _at(name: str, prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else name


def food(f: Fields) -> Record | None:
    name = f.text("name")
    if not name:
        f.problem("name", "missing name")
    house, street = _address(f)
    certificate = None
    number, issued, expires = f.text("certificate.number"), f.date("certificate.issued_on"), \
        f.date("certificate.expires_on")
    revoked = f.date("certificate.revoked_on")
    if number or issued or expires or f.bad("certificate.issued_on") or f.bad("certificate.expires_on"):
        if not number:
            f.problem("certificate.number", "certificate dates without a certificate number")
        for field, day in (("certificate.issued_on", issued), ("certificate.expires_on", expires)):
            if day is None and not f.bad(field):
                f.problem(field, f"missing certificate {'issue' if 'issued' in field else 'expiry'} date")
        if issued and expires and expires < issued:
            f.problem("certificate.expires_on", f"expiry {expires} is before issue {issued}")
        certificate = {"number": number, "issued_by": f.text("certificate.issued_by"),
                       "issued_on": issued and issued.isoformat(), "expires_on": expires and expires.isoformat(),
                       "revoked_on": revoked and revoked.isoformat()}
    commitment = None
    if signed := f.date("commitment.signed_on"):
        commitment = {"signed_on": signed.isoformat(), "received_by": f.text("commitment.received_by")}
    inspections = []
    for item, at in _events(f, "inspections", "inspection", ("date", "result", "authority")):
        day = f.date(_at("inspections", at, "date"), item.get("date"))
        result = f.mapping.value("inspection.result", item.get("result") or "")
        if result not in INSPECTION_RESULTS:
            f.problem(_at("inspections", at, "result"), f"unknown inspection result {result!r}", result)
        if day is None and not f.bad(_at("inspections", at, "date")):
            f.problem(_at("inspections", at, "date"), "inspection without a date")
        inspections.append({"date": day and day.isoformat(), "result": result,
                            "authority": str(item.get("authority") or "")})
    violations = []
    for item, at in _events(f, "violations", "violation", ("date", "description", "fine_vnd", "status")):
        day = f.date(_at("violations", at, "date"), item.get("date"))
        fine = f.amount(_at("violations", at, "fine_vnd"), "fine", item.get("fine_vnd") or 0)
        status = f.mapping.value("violation.status", item.get("status") or "")
        if status not in VIOLATION_STATUSES:
            f.problem(_at("violations", at, "status"), f"unknown violation status {status!r}", status)
        if day is None and not f.bad(_at("violations", at, "date")):
            f.problem(_at("violations", at, "date"), "violation without a date")
        violations.append({"date": day and day.isoformat(), "description": str(item.get("description") or ""),
                           "fine_vnd": fine or 0, "status": status})
    record = {"id": f.text("id") or derived_id("FS", name, house, street, f.text("ward")), "name": name,
              "aliases": f.items("aliases"), "category": f.choice("category", food_safety.CATEGORIES, "restaurant"),
              "house_number": house, "street": street, "ward": f.text("ward"), "district": f.text("district"),
              "certificate": certificate, "commitment": commitment, "inspections": inspections,
              "violations": violations}
    return _built(f, record, food_safety.Establishment.from_dict)


def clinic(f: Fields) -> Record | None:
    name = f.text("name")
    if not name:
        f.problem("name", "missing name")
    house, street = _address(f)
    record = {"id": f.text("id") or derived_id("KCB", name, house, street), "name": name,
              "aliases": f.items("aliases"), "type": f.choice("type", clinics.FACILITY_TYPES),
              "house_number": house, "street": street, "ward": f.text("ward"), "district": f.text("district"),
              "phone": f.text("phone"), "hours": f.text("hours"),
              "specialties": f.items("specialties", ";|,\n"), "bhyt": f.flag("bhyt"),
              "emergency_24h": f.flag("emergency_24h"),
              "lat": f.decimal("lat", -90, 90) or 0.0, "lon": f.decimal("lon", -180, 180) or 0.0}
    return _built(f, record, clinics.Facility.from_dict)


def land(f: Fields) -> Record | None:
    street = f.text("street")
    if not street:
        f.problem("street", "missing street")
    listed = f.raw("prices")
    prices = []
    for i in range(5):
        name, raw = f"vt{i + 1}", UNSET
        if isinstance(listed, list):
            name, raw = "prices", listed[i] if i < len(listed) else None
        price = f.amount(name, raw=raw)
        if price is None and not f.bad(name):
            f.problem(name, f"missing VT{i + 1} price")
        prices.append(price)
    effective = f.date("effective_date")
    if effective is None and not f.bad("effective_date"):
        f.problem("effective_date", "missing effective date")
    record = {"id": f.text("id") or f"LP{f.number:05d}", "street": street, "from_point": f.text("from_point"),
              "to_point": f.text("to_point"), "ward": f.text("ward"),
              "land_type": f.choice("land_type", land_price.LAND_TYPES),
              **{f"vt{i + 1}": p for i, p in enumerate(prices)}, "decision": f.text("decision"),
              "effective_date": effective and effective.isoformat()}
    return _built(f, record, lambda r: land_price._segment({k: str(v) for k, v in r.items()}))


def _built(f: Fields, record: Record, build: Callable[[Record], object]) -> Record | None:
    if not f.ok:
        return None
    try:
        build(record)
    except (KeyError, ValueError, TypeError) as exc:  # a check above is missing: still never a broken version
        f.problem("id", f"rejected by the loader: {exc!r}")
        return None
    return record


SCHEMAS = {
    "food_safety": Schema(FOOD, (("name",),), food, "same name and address as"),
    "clinics": Schema(CLINICS, (("name",), ("type",)), clinic, "same name and address as"),
    "land_price": Schema(LAND, (("street",), ("land_type",), ("vt1", "prices"), ("effective_date",)), land,
                         "same id as"),
}
