"""What the quality benchmark searches in each dataset: its records as (id, name, street, ward, aliases) and
its main index. Reads the four original datasets through the Catalog attributes every version of the code has,
so the benchmark also runs against an older checkout (``--code``); declared tables through the registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lookups.index import Index
from lookups.store import Catalog

ORIGINAL = ("food_safety", "clinics", "land_price", "bus")


@dataclass(frozen=True)
class Target:
    id: str
    name: str
    street: str
    ward: str
    aliases: tuple[str, ...] = ()


def _original(catalog: Catalog, name: str) -> tuple[list[Target], Index]:
    if name in ("food_safety", "clinics"):
        data = catalog.food if name == "food_safety" else catalog.clinics
        index = catalog.food_index if name == "food_safety" else catalog.clinic_index
        return [Target(r.id, r.name, r.street, r.ward, tuple(r.aliases)) for r in data.records], index
    if name == "land_price":
        return [Target(s.id, s.name, "", s.wards[0] if s.wards else "") for s in catalog.land.streets], \
            catalog.land_index
    return [Target(s.id, s.name, s.street, s.ward) for s in catalog.bus.stops.values()], catalog.stop_index


def _table(catalog: Catalog, name: str) -> tuple[list[Target], Index]:
    decl = catalog.declaration(name)  # type: ignore[attr-defined]
    data: Any = catalog.data(name)  # type: ignore[attr-defined]

    def text(record: dict[str, Any], field: str) -> str:
        return str(record.get(field) or "") if field else ""

    street = decl.where("street") or (decl.qualifiers[0] if decl.qualifiers else "")
    found = [Target(text(r, decl.primary_key), text(r, decl.name), text(r, street), text(r, decl.where("ward")),
                    tuple(a.strip() for a in text(r, decl.alias_field).split(";") if a.strip()))
             for r in data.records]
    return found, catalog.index(name)  # type: ignore[attr-defined]


def targets(catalog: Catalog, wanted: list[str] | None) -> dict[str, tuple[list[Target], Index]]:
    declared = [d.id for d in catalog.declarations] if hasattr(catalog, "declarations") else list(ORIGINAL)
    names = [n for n in (*ORIGINAL, *declared) if not wanted or n in wanted]
    return {n: (_original(catalog, n) if n in ORIGINAL else _table(catalog, n)) for n in dict.fromkeys(names)}
