"""KCB / BV / CLINIC end to end through ``tongdai ask``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lookups.store import Catalog

Ask = Callable[..., Any]


@pytest.mark.parametrize("text", ["KCB benh vien da nang", "bv da nang", "BV Đà Nẵng", "benhvien da nang"])
def test_one_facility_in_detail(ask: Ask, text: str) -> None:
    reply = ask(text)
    assert reply["intent"] == "kcb" and reply["status"] == "found" and reply["title"] == "Bệnh viện Đà Nẵng"
    fields = {f["label"]: f["value"] for f in reply["fields"]}
    assert fields["Cấp cứu 24/7"] == "Có" and fields["BHYT"] == "Có" and "Hải Phòng" in fields["Địa chỉ"]


def test_specialty_and_area_give_a_short_list(ask: Ask) -> None:
    catalog = Catalog()
    reply = ask("KCB nhi hai chau")
    assert reply["status"] == "ambiguous" and 1 <= len(reply["options"]) <= 5
    by_id = {r.id: r for r in catalog.clinics.records}
    for match in reply["matches"]:
        rec = by_id[match["id"]]
        assert "nhi" in rec.specialties and "Hải Châu" in (rec.ward, rec.district)


def test_emergency_lists_only_24h_facilities(ask: Ask) -> None:
    catalog = Catalog()
    by_id = {r.id: r for r in catalog.clinics.records}
    reply = ask("kcb cap cuu")
    assert reply["matches"] and all(by_id[m["id"]].emergency_24h for m in reply["matches"])
    assert reply["more"] == sum(r.emergency_24h for r in catalog.clinics.records) - len(reply["options"])


def test_list_options_select_their_facility(ask: Ask) -> None:
    reply = ask("KCB nhi hai chau")
    for option in reply["options"]:
        assert ask(option["command"])["title"] == option["label"]


def test_english_and_nothing_matching(ask: Ask) -> None:
    assert ask("CLINIC benh vien da nang")["lang"] == "en"
    reply = ask("KCB tim mach hoa vang xyzq")
    assert reply["status"] in {"not_found", "ambiguous"}


def test_filter_words_follow_the_records_of_each_version(catalog: Catalog) -> None:
    """The specialty and area words are made once per records tuple (a version), never reused for another."""
    from dataclasses import replace

    from handlers.clinics import parse

    records = catalog.clinics.records
    assert parse("nhi hai chau", records).area == "hai chau"
    moved = tuple(replace(r, ward="Hòa Vang Mới", district="Hòa Vang Mới") for r in records)
    assert parse("nhi hai chau", moved).area == ""
    assert parse("nhi hoa vang moi", moved).area == "hoa vang moi"
    assert parse("nhi hai chau", records).area == "hai chau"


def test_phrase_lists_are_sorted_longest_first_once(catalog: Catalog) -> None:
    """``_take`` takes the first phrase that fits, so every list it reads must already be longest first."""
    from handlers.clinics import EMERGENCY_PHRASES, TYPE_PHRASES, _folded

    folded = _folded(catalog.clinics.records)
    for phrases in (EMERGENCY_PHRASES, TYPE_PHRASES, folded.specialties, folded.areas):
        assert list(phrases) == sorted(phrases, key=len, reverse=True) and phrases
