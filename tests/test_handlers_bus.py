"""BUS and MT end to end through ``tongdai ask``, on the sample GTFS feed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

WEDNESDAY_7AM = "2026-11-04T07:00+07:00"


@pytest.mark.parametrize("text", ["bus 01", "BUS 1", "xb tuyen 1", "XEBUYT 01", "xe buyt 1", "Bus: 01"])
def test_route_info(ask: Callable[..., Any], text: str) -> None:
    reply = ask(text)
    assert reply["status"] == "found" and reply["intent"] == "bus"
    assert "Kim Liên" in reply["title"] and "Chợ Hàn" in reply["title"]
    labels = {f["label"]: f["value"] for f in reply["fields"]}
    assert any("05:30" in v for v in labels.values())


@pytest.mark.parametrize(("text", "lang"), [
    ("BUS 01", "vi"),  # Da Nang's own hotline uses BUS as a Vietnamese keyword
    ("XB 01", "vi"),
    ("BUS cho con", "vi"),
    ("BUS chợ Cồn", "vi"),
    ("BUS from market to airport", "en"),
    ("bus han market to the airport", "en"),
    ("BUS airport", "en"),
    ("BUS san bay", "vi"),
    ("XB from market to airport", "vi"),  # a Vietnamese keyword keeps its language
])
def test_bus_answers_in_the_language_of_the_message(ask: Callable[..., Any], text: str, lang: str) -> None:
    assert ask(text)["lang"] == lang


def test_stop_lists_its_routes(ask: Callable[..., Any]) -> None:
    reply = ask("xb cho con")
    assert reply["status"] == "found" and "Chợ Cồn" in reply["title"]
    fields = {f["label"]: f["value"] for f in reply["fields"]}
    assert fields["Mã trạm"] == "HC102" and "01" in fields["Các tuyến"]


@pytest.mark.parametrize("text", ["xb kim lien, cho han", "XB Kim Liên đến Chợ Hàn", "xb kim lien -> cho han"])
def test_direct_route_between_two_places(ask: Callable[..., Any], text: str) -> None:
    reply = ask(text)
    assert reply["status"] == "found"
    assert reply["fields"][0]["label"] == "Tuyến 01"


def test_one_transfer_when_no_direct_route(ask: Callable[..., Any]) -> None:
    reply = ask("xb san bay, pho co hoi an")
    assert reply["status"] == "found"
    assert all("+" in f["label"] for f in reply["fields"]) and "đổi xe" in reply["fields"][0]["value"]


def test_unknown_place_is_named(ask: Callable[..., Any]) -> None:
    reply = ask("xb cho han, zzqx")
    assert reply["status"] == "not_found" and "zzqx" in reply["title"]


def test_next_departures_at_a_stop_code(ask: Callable[..., Any]) -> None:
    reply = ask("MT HC103", at=WEDNESDAY_7AM)
    assert reply["intent"] == "mt" and reply["status"] == "found" and "HC103" in reply["title"]
    times = [f["label"] for f in reply["fields"]]
    assert times[0] == "07:00" and times == sorted(times) and len(times) == 5


def test_late_evening_gives_tomorrows_first_bus(ask: Callable[..., Any]) -> None:
    reply = ask("mt hc103", at="2026-11-04T22:50+07:00")
    assert reply["fields"][0]["label"] == "05:30" and "ngày mai" in reply["fields"][0]["value"]


def test_unknown_stop_code_falls_back_to_a_stop_search(ask: Callable[..., Any]) -> None:
    reply = ask("MT HC999")
    assert reply["status"] in {"not_found", "ambiguous"} and reply["intent"] == "bus"


def test_sms_rendering_is_accent_free(ask: Callable[..., Any]) -> None:
    text = ask("xb 01", channel="sms")
    assert "Tuyen 01: Kim Lien" in text and text.isascii() and len(text) <= 459


def test_a_trip_whose_origin_is_no_stop_does_not_search_its_destination(
        ask: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from lookups.index import Index

    searched: list[str] = []
    real = Index.search
    monkeypatch.setattr(Index, "search", lambda self, text, limit=10: searched.append(text) or real(self, text, limit))
    reply = ask("BUS tu xyzzy plugh den san bay")
    assert reply["status"] == "not_found" and "xyzzy plugh" in reply["title"]
    assert "xyzzy plugh" in searched and "san bay" not in searched
    searched.clear()
    reply = ask("BUS tu cho han den xyzzy plugh")  # the origin is a stop: the destination is the one not found
    assert reply["status"] == "not_found" and "xyzzy plugh" in reply["title"] and "cho han" in searched
