"""Keyword grammar and failure modes, end to end through ``tongdai ask``."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from handlers import dispatch
from handlers.render import gsm7_ok
from lookups.store import Catalog

Ask = Callable[..., Any]


@pytest.mark.parametrize("text", ["", "   ", "?", "HD", "help", "TROGIUP", "tro giup", "!!!", "🍜🍜🍜"])
def test_menu(ask: Ask, text: str) -> None:
    reply = ask(text)
    assert reply["status"] == "help" and len(reply["fields"]) >= 5


@pytest.mark.parametrize(("keyword", "example"), [("ATTP", "ATTP pho hoa le duan"), ("BUS", "BUS cho han den san bay"),
                                                  ("GIADAT", "GIADAT le duan"), ("KCB", "KCB nhi hai chau"),
                                                  ("MT", "MT HC103")])
def test_keyword_alone_gives_its_help_and_example(ask: Ask, keyword: str, example: str) -> None:
    reply = ask(keyword)
    assert reply["status"] == "help" and {"label": "Ví dụ", "value": example} in reply["fields"]


def test_help_for_a_keyword(ask: Ask) -> None:
    reply = ask("HD giadat")
    assert reply["status"] == "help" and "GIADAT" in reply["fields"][0]["value"]
    assert ask("HELP")["lang"] == "en"


def test_no_keyword_with_one_clear_winner_is_answered(ask: Ask) -> None:
    reply = ask("bun cha ca 109")
    assert reply["intent"] == "attp" and reply["status"] == "found"


def test_no_keyword_and_no_winner_gives_the_menu(ask: Ask) -> None:
    reply = ask("xin chao ban oi")
    assert reply["status"] == "help" and "xin chao ban oi" in reply["title"]


def test_bun_is_food_not_a_typo_of_bus(ask: Ask) -> None:
    assert ask("bun cha ca 190")["intent"] == "attp"


def test_mixed_nfc_and_nfd(ask: Ask) -> None:
    text = "ATTP " + unicodedata.normalize("NFD", "Phở Hòa") + " " + unicodedata.normalize("NFC", "Lê Duẩn")
    assert ask(text)["status"] == "found"


def test_absurdly_long_text_is_answered_politely(ask: Ask) -> None:
    reply = ask("ATTP " + "pho hoa " * 5000)
    assert reply["status"] in {"ambiguous", "not_found", "found"}
    assert len(ask("ATTP " + "x" * 100_000, channel="sms")) <= 459


@pytest.mark.parametrize("text", ["attp ph\u200bo h\u00adoa le d\u2060uan",
                                  "\ufeffATTP p\u200cho ho\u200da l\u200ee duan",
                                  "attp pho hoa l\u200be d\u200buan\ud800"])
def test_invisible_characters_inside_words_do_not_split_them(ask: Ask, text: str) -> None:
    reply = ask(text)
    assert reply["intent"] == "attp" and reply["status"] == "found" and reply["title"] == "Phở Hòa", reply


def test_a_flood_of_combining_marks_reads_as_the_letters(ask: Ask) -> None:
    reply = ask("attp " + "".join(ch + "\u0301" * 200 for ch in "pho hoa") + " le duan")
    assert reply["status"] == "found" and reply["title"] == "Phở Hòa", reply


def test_emoji_and_punctuation_around_the_argument(ask: Ask) -> None:
    assert ask("ATTP 🍜 bún chả cá 109 !!! 😀")["status"] == "found"


@pytest.mark.parametrize("text", ["", "ATTP", "attp pho hoa", "ATTP " + "ư" * 600, "KCB nhi", "xb 01",
                                  "giadat le duan", "MT HC103", "food pho hoa", "\u0000\u200b"])
def test_sms_output_is_gsm7_within_three_segments(ask: Ask, text: str) -> None:
    out = ask(text, channel="sms")
    assert gsm7_ok(out) and 0 < len(out) <= 459


def test_a_crashing_handler_gives_an_apology_not_a_traceback(monkeypatch: pytest.MonkeyPatch,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    def boom(*_: object) -> None:
        raise RuntimeError("index exploded")

    monkeypatch.setattr(dispatch, "route", boom)
    reply = dispatch.handle("attp pho hoa", Catalog(), datetime.now(UTC))
    assert reply.status == "error" and "Xin lỗi" in reply.title
    assert "index exploded" in caplog.text


def test_a_user_facing_error_shows_its_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise dispatch.UserError("Mã trạm phải có dạng HC103.")

    monkeypatch.setattr(dispatch, "route", refuse)
    reply = dispatch.handle("mt ???", Catalog(), datetime.now(UTC))
    assert reply.status == "error" and reply.title == "Mã trạm phải có dạng HC103."


def _every_keyword() -> list[tuple[str, str, str]]:
    from handlers.registry import keywords

    words = keywords(Catalog()).words
    return [(word, cmd.keyword, cmd.example.split(" ", 1)[1]) for word, cmd in sorted(words.items())]


@pytest.mark.parametrize(("word", "keyword", "argument"), _every_keyword())
def test_every_keyword_and_alias_reaches_its_handler(ask: Ask, word: str, keyword: str, argument: str) -> None:
    reply = ask(f"{word.upper()} {argument}", at="2026-11-04T07:00+07:00")
    assert reply["intent"] == keyword and reply["status"] != "error", reply


@pytest.mark.parametrize(("text", "lang"), [("BUS 05", "vi"), ("BUS from market to airport", "en"),
                                            ("BUS cho han den san bay", "vi"), ("ATTP pho hoa", "vi")])
def test_a_message_is_read_once_and_its_language_once(monkeypatch: pytest.MonkeyPatch, text: str, lang: str) -> None:
    """Through the API, the service's parse is the one the answer uses (no second reading), and a bilingual
    keyword's argument is read for its language once."""
    from flask import Flask

    from app import create_app
    from handlers import registry

    app: Flask = create_app({"TONGDAI_CHANNELS": "api", "TONGDAI_API_KEY": "k", "TONGDAI_CACHE_TTL": "0"})
    cleaned: list[str] = []
    told: list[str] = []
    real_clean, real_language = dispatch.clean, registry.language_of
    monkeypatch.setattr(dispatch, "clean", lambda t: cleaned.append(t) or real_clean(t))
    monkeypatch.setattr(registry, "language_of", lambda t: told.append(t) or real_language(t))
    reply = app.test_client().post("/api/v1/query", json={"text": text}, headers={"X-API-Key": "k"}).get_json()
    assert reply["reply"]["lang"] == lang and reply["reply"]["status"] != "error"
    assert cleaned == [text] and len(told) == (1 if text.startswith("BUS") else 0)


def test_the_keyword_table_and_its_datasets_are_made_once() -> None:
    from handlers.registry import keywords

    catalog = Catalog()
    table = keywords(catalog)
    assert keywords(catalog) is table and table.datasets is table.datasets
    assert {c.dataset for c in table.datasets} >= {"food_safety", "bus", "clinics", "land_price"}


@pytest.mark.parametrize(("text", "bus"), [("xe buyt 05", True), ("XE BUYT 05", True), ("xe buyy 05", False),
                                           ("xe bus 05", False)])
def test_two_word_keywords_are_taken_as_written(ask: Ask, text: str, bus: bool) -> None:
    """A near miss of a two-word keyword is not that keyword (``xe buyy``)."""
    assert (ask(text)["intent"] == "bus") is bus
