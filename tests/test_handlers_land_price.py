"""GIADAT / GD / LAND end to end through ``tongdai ask``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lookups.store import Catalog

Ask = Callable[..., Any]


@pytest.mark.parametrize("text", ["GIADAT le duan", "gd Lê Duẩn", "giadat: LE DUAN", "GIADAT duong le duan",
                                  "giadat d. le duan", "GIADTA le duan"])
def test_street_prices_with_their_decision(ask: Ask, text: str) -> None:
    reply = ask(text)
    assert reply["intent"] == "giadat" and reply["status"] == "found", reply
    assert "Lê Duẩn" in reply["title"]
    first = reply["fields"][0]
    assert first["label"] == "Căn cứ" and "09/2020/QĐ-UBND" in first["value"]
    prices = [f["value"] for f in reply["fields"][1:]]
    assert prices and all(v.startswith("VT1 ") and "VT5 " in v for v in prices)


def test_every_segment_and_land_type_is_listed(ask: Ask) -> None:
    catalog = Catalog()
    street = next(s for s in catalog.land.streets if s.name == "Lê Duẩn")
    reply = ask("giadat le duan")
    assert len(reply["fields"]) == 1 + len(street.segments)
    assert any("Đất TMDV" in f["label"] for f in reply["fields"])


def test_segment_filter(ask: Ask) -> None:
    reply = ask("giadat le duan le loi")
    labels = [f["label"] for f in reply["fields"][1:]]
    assert labels and all("Lê Lợi" in label for label in labels)


def test_english(ask: Ask) -> None:
    reply = ask("LAND bach dang")
    assert reply["lang"] == "en" and reply["title"].startswith("Land prices, Bạch Đằng")
    assert "Residential" in reply["fields"][1]["label"]


def test_unknown_street(ask: Ask) -> None:
    reply = ask("giadat duong khong ten xyz")
    assert reply["status"] == "not_found" and reply["hint"]


def test_sms_keeps_the_decision_within_budget(ask: Ask) -> None:
    text = ask("giadat le duan", channel="sms")
    assert "QD 09/2020/QD-UBND" in text and len(text) <= 459 and text.isascii()
