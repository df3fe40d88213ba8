"""BUS as residents write it, through the signed Twilio webhook, on the real Redis and the in-process stand-in:
Vietnamese replies unless the message or the sender's last message was English, and a trip from A to B in every
way people join the two ends."""

from __future__ import annotations

import pytest
from flask import Flask
from test_conversation import TOKEN, sms

from app import create_app
from lookups.store import Catalog


@pytest.fixture
def app(catalog: Catalog, state_config: dict[str, str]) -> Flask:
    return create_app({"TONGDAI_CHANNELS": "twilio", "TWILIO_AUTH_TOKEN": TOKEN, "CATALOG": catalog,
                       **state_config})


VI_TRIP = "Tu Cho Han den San bay Da Nang"
EN_TRIP = "From Cho Han to San bay Da Nang"


@pytest.mark.parametrize(("body", "title"), [
    ("BUS cho han, san bay", VI_TRIP),
    ("BUS cho han - san bay", VI_TRIP),
    ("BUS cho han den san bay", VI_TRIP),
    ("BUS tu cho han den san bay", VI_TRIP),
    ("xe buyt tu cho han den san bay", VI_TRIP),
    ("XE BUYT tu cho han den san bay", VI_TRIP),
    ("Xe buýt từ chợ Hàn đến sân bay", VI_TRIP),
    ("XB cho han toi san bay", VI_TRIP),
    ("BUS cho han -> san bay", VI_TRIP),
    ("bus from han market to airport", EN_TRIP),
    ("BUS from Han market to the airport", EN_TRIP),
])
def test_a_trip_from_a_to_b_in_every_form(app: Flask, body: str, title: str) -> None:
    reply = sms(app, body).splitlines()
    assert reply[0] == title
    assert reply[1].startswith(("05 + 04: len Cho Han", "05 + 04: board Cho Han"))


def test_bus_is_a_vietnamese_keyword(app: Flask) -> None:
    assert sms(app, "BUS 05").startswith("Tuyen 05: Cho Han (Bach Dang)")
    assert "Gia ve: 8.000 d" in sms(app, "BUS 05", sender="+84905000001")
    assert sms(app, "BUS").startswith("BUS <tuyen / diem dung / diem di den diem den>")


def test_bus_follows_a_sender_who_writes_english(app: Flask) -> None:
    # The first sender's Vietnamese answer is cached; the second, who just wrote English, must not be given it.
    assert sms(app, "BUS 05", sender="+84905000002").startswith("Tuyen 05")
    assert sms(app, "FOOD pho hoa le duan", sender="+84905000003").startswith("Pho Hoa")
    english = sms(app, "BUS 05", sender="+84905000003")
    assert english.startswith("Route 05: Cho Han (Bach Dang)") and "Fare: 8,000 VND" in english
    assert sms(app, "bus", sender="+84905000003").startswith("BUS <route / stop / from to to>")
    # ... until they write Vietnamese again; and the first sender still gets Vietnamese.
    assert sms(app, "ATTP pho hoa le duan", sender="+84905000003").startswith("Pho Hoa")
    assert sms(app, "BUS 05", sender="+84905000003").startswith("Tuyen 05")
    assert sms(app, "BUS 05", sender="+84905000002").startswith("Tuyen 05")


def test_an_english_message_is_answered_in_english_whatever_came_before(app: Flask) -> None:
    assert sms(app, "BUS 05", sender="+84905000004").startswith("Tuyen 05")
    assert sms(app, "BUS from market to airport", sender="+84905000004").startswith("From Cho ")


def test_a_stop_name_with_a_dash_is_a_stop_not_a_trip(app: Flask) -> None:
    reply = sms(app, "BUS Nga tu Le Duan - Ong Ich Khiem")
    assert reply.startswith("Diem dung Nga tu Le Duan - Ong Ich Khiem") and "Ma tram: HC101" in reply


def test_an_end_that_is_no_stop_is_named(app: Flask) -> None:
    reply = sms(app, "BUS tu cho han den san bey").splitlines()
    assert reply[0] == 'Khong tim thay diem dung "san bey".'
    assert reply[1] == "Gan giong: San bay Da Nang"
