"""Numbered choices across messages, through the signed Twilio webhook and the operators' API, on the real Redis
and on the in-process stand-in: ambiguous -> 2 -> the second place in detail, THEM pages on, 0/HUY cancel, a new
keyword starts over, and a number with no list gets "the list has expired" in the language last used."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sms_kit import said, twilio_post

from app import create_app
from app.services import services
from app.state.store import Op
from lookups.store import Catalog

TOKEN = "0b1e7a24c1de4d0e93e5f11d2b0c9a57"


@pytest.fixture
def app(catalog: Catalog, state_config: dict[str, str]) -> Flask:
    return create_app({"TONGDAI_CHANNELS": "twilio,api", "TWILIO_AUTH_TOKEN": TOKEN, "CATALOG": catalog,
                       **state_config})


def sms(app: Flask, body: str, sender: str = "+84905111222") -> str:
    """One signed Twilio delivery; the SMS text of the TwiML answer."""
    text = said(twilio_post(app, TOKEN, body, sender).data)
    assert text is not None
    return text


def api(app: Flask, text: str, sender: str = "operator-7") -> dict[str, Any]:
    response = app.test_client().post("/api/v1/query", json={"text": text, "channel": "sms", "sender": sender})
    assert response.status_code == 200, response.data
    body: dict[str, Any] = response.get_json()
    return body


def test_ambiguous_then_2_gives_the_second_place_over_twilio(app: Flask) -> None:
    listing = sms(app, "ATTP pho hoa")
    assert listing.startswith('Co 3 ket qua cho "pho hoa"') and "Tra loi 1-3 de chon." in listing
    assert "Soan ATTP" not in listing  # the stateless "send ATTP ..." hint is for channels without a sender
    second = listing.splitlines()[2]
    assert second.startswith("2. Pho Hoa - 88 Ngo Quyen")
    detail = sms(app, "2")
    assert detail.startswith("Pho Hoa\nDia chi: 88 Ngo Quyen, An Hai")
    assert sms(app, " 3. ").startswith("Pho Hoa\nDia chi: 320 Dien Bien Phu")  # the list stays for another pick
    assert sms(app, "7").startswith("Chi co 3 lua chon.")
    assert sms(app, "2", sender="+84905999888").startswith("Danh sach da het han, vui long tim lai.")


def test_the_same_conversation_through_the_api_sender_field(app: Flask) -> None:
    first = api(app, "kcb nhi hai chau")
    assert first["reply"]["status"] == "ambiguous" and first["reply"]["hint"].startswith("Trả lời 1-")
    chosen = first["reply"]["options"][1]
    detail = api(app, "2")["reply"]
    assert detail["status"] == "found" and detail["title"] == chosen["label"]
    assert api(app, "2", sender="operator-8")["reply"]["title"].startswith("Danh sách đã hết hạn")


def test_them_pages_through_every_close_result(app: Flask) -> None:
    first = api(app, "attp com ga")["reply"]
    assert first["more"] == 21 and len(first["pending"]) == 21 and "THEM" in first["hint"]
    seen = [o["label"] + o["detail"] for o in first["options"]]
    for page in range(1, 6):
        reply = api(app, "THEM" if page % 2 else "thêm")["reply"]
        assert reply["title"].startswith(f"Kết quả {5 * page + 1}-")
        assert [o["number"] for o in reply["options"]] == list(range(1, len(reply["options"]) + 1))
        seen += [o["label"] + o["detail"] for o in reply["options"]]
    assert len(seen) == 26 == len(set(seen)) and "THEM" not in reply["hint"]
    assert api(app, "them")["reply"]["title"] == "Không còn kết quả nào khác."
    pick = api(app, "1")["reply"]  # the first of the last page: result 26
    assert pick["status"] == "found" and pick["title"] == first["pending"][-1]["label"]


def test_cancel_and_a_new_keyword_start_over(app: Flask) -> None:
    sms(app, "ATTP pho hoa")
    assert sms(app, "HUY").startswith("Da huy.")
    assert sms(app, "1").startswith("Danh sach da het han")
    sms(app, "ATTP pho hoa")
    assert sms(app, "0").startswith("Da huy.")
    sms(app, "ATTP pho hoa")
    assert sms(app, "XB 05").startswith("Tuyen 05")  # a new keyword: the list is gone
    assert sms(app, "2").startswith("Danh sach da het han")


def test_an_expired_list_is_said_in_the_language_last_used(app: Flask) -> None:
    listing = sms(app, "FOOD pho hoa", sender="+84905000111")
    assert "Reply 1-3 to choose." in listing
    state = services(app).state
    [conversation] = state.keys("conv:*")
    assert state.execute([Op("ttl", conversation)]) == [420]  # seven minutes
    state.execute([Op("delete", conversation)])  # as if seven minutes had passed
    expired = sms(app, "2", sender="+84905000111")
    assert expired == "That list has expired, please search again.\nSend HELP for the menu."
    assert sms(app, "2", sender="+84905000222").startswith("Danh sach da het han, vui long tim lai.")


def test_suggestions_of_a_not_found_reply_can_be_picked(app: Flask) -> None:
    reply = api(app, "attp ca phe")["reply"]
    assert reply["status"] == "not_found" and reply["options"] and reply["hint"].startswith("Trả lời 1-")
    assert api(app, "3")["reply"]["title"] == reply["options"][2]["label"]


def test_without_a_sender_the_cli_keeps_the_stateless_hint(ask: Callable[..., Any]) -> None:
    assert ask("ATTP pho hoa")["hint"].startswith("Soạn ATTP Phở Hòa Lê Duẩn")
