"""ATTP / FOOD end to end through ``tongdai ask``, on the bundled sample pack."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from lookups.datasets.food_safety import Establishment
from lookups.store import Catalog
from lookups.text import fold

Ask = Callable[..., Any]


def unique_with(catalog: Catalog, status: str, violations: bool | None = None) -> Establishment:
    """A record with a name no other record has, in the given certificate status."""
    names = Counter(fold(r.name) for r in catalog.food.records)
    as_of: date = catalog.food.meta.as_of
    for rec in catalog.food.records:
        if names[fold(rec.name)] == 1 and rec.status(as_of) == status and (
                violations is None or bool(rec.violations) == violations):
            return rec
    raise AssertionError(f"sample pack has no unique {status} record")


def fields(reply: dict[str, Any]) -> dict[str, str]:
    return {f["label"]: f["value"] for f in reply["fields"]}


@pytest.mark.parametrize(("status", "phrase"), [("valid", "CÒN HIỆU LỰC đến"), ("expired", "HẾT HẠN từ"),
                                                ("revoked", "BỊ THU HỒI"), ("commitment", "Bản cam kết"),
                                                ("none", "KHÔNG có giấy")])
def test_certificate_status_is_stated(ask: Ask, catalog: Catalog, status: str, phrase: str) -> None:
    rec = unique_with(catalog, status)
    reply = ask(f"ATTP {rec.name}")
    assert reply["status"] == "found" and reply["title"] == rec.name
    assert fields(reply)["Giấy chứng nhận ATTP"].startswith(phrase)
    assert reply["footer"]["as_of"] == "2026-11-01" and reply["footer"]["sample"] is True
    assert reply["matches"][0]["id"] == rec.id


def test_violations_show_count_latest_date_and_fine(ask: Ask, catalog: Catalog) -> None:
    rec = unique_with(catalog, "valid", violations=True)
    latest = rec.violations[0]
    value = fields(ask(f"attp {fold(rec.name)}"))["Vi phạm"]
    assert value.startswith(f"{len(rec.violations)} lần; gần nhất {latest.date:%d/%m/%Y}")
    assert f"{latest.fine_vnd:,}".replace(",", ".") + " đ" in value


@pytest.mark.parametrize("keyword", ["ATTP", "attp", "Attp:", "ATTP-", "VSATTP", "atvstp", "ATPP", "attp  ::"])
def test_keyword_forms_and_aliases(ask: Ask, keyword: str) -> None:
    reply = ask(f"{keyword} bun cha ca 109")
    assert reply["intent"] == "attp" and reply["status"] == "found" and reply["title"] == "Bún Chả Cá 109"


def test_near_duplicate_numbers_are_told_apart(ask: Ask) -> None:
    assert ask("attp bun cha ca 190")["title"] == "Bún Chả Cá 190"


def test_chain_without_place_asks_which_branch(ask: Ask) -> None:
    reply = ask("ATTP pho hoa")
    assert reply["status"] == "ambiguous" and len(reply["options"]) == 3
    assert len({o["detail"] for o in reply["options"]}) == 3  # each option says where it is
    # Every option's command selects exactly that branch.
    for option in reply["options"]:
        chosen = ask(option["command"])
        assert chosen["status"] == "found" and option["detail"].startswith(fields(chosen)["Địa chỉ"][:8])


@pytest.mark.parametrize("text", ["attp pho hoa le duan", "ATTP phở hoà, hải châu", "attp phowr hoaf le duaan"])
def test_location_words_pick_the_branch(ask: Ask, text: str) -> None:
    reply = ask(text)
    assert reply["status"] == "found" and "Lê Duẩn" in fields(reply)["Địa chỉ"]


def test_english_keyword_gets_english_reply(ask: Ask) -> None:
    reply = ask("FOOD bun cha ca 109")
    assert reply["lang"] == "en" and "Food-safety certificate" in fields(reply)
    assert ask("food pho hoa")["title"].startswith("3 results")


def test_unknown_name_says_so_and_suggests(ask: Ask) -> None:
    reply = ask("ATTP lau de thach sanh")
    assert reply["status"] == "not_found" and "lau de thach sanh" in reply["title"]
    assert reply["hint"]


def test_record_id_selects_directly(ask: Ask, catalog: Catalog) -> None:
    rec = catalog.food.records[10]
    assert ask(f"ATTP {rec.id.lower()}")["title"] == rec.name


def test_sms_reply_is_short_and_accent_free(ask: Ask) -> None:
    text = ask("attp pho hoa le duan", channel="sms")
    assert text.startswith("Pho Hoa\nDia chi: 211 Le Duan") and text.isascii() and len(text) <= 459
    assert "(du lieu mau)" in text.splitlines()[-1]
