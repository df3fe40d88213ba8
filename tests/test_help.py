"""HD: the menu's pages are cut once per keyword table, language and title length, and read the same as a cut made
afresh for every message (``handlers.help``)."""

from __future__ import annotations

import pytest

from handlers import dispatch, help
from handlers.registry import keywords
from handlers.render import render_sms
from lookups.store import Catalog


def fresh_menu(catalog: Catalog, lang: str, title: str, page: int = 1) -> str:
    split = help._cut(keywords(catalog), lang, title)  # type: ignore[arg-type]
    page = min(max(page, 1), len(split))
    return render_sms(help._page_reply(split[page - 1], lang, title, page, len(split)))  # type: ignore[arg-type]


def test_the_menu_is_cut_once_for_every_hd_and_unknown_message(catalog: Catalog,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    cuts: list[str] = []
    real = help._cut
    monkeypatch.setattr(help, "_PAGES", {})
    monkeypatch.setattr(help, "_cut", lambda table, lang, title: cuts.append(lang) or real(table, lang, title))
    for text in ("HD", "HD 2", "HD 3", "", "?", "HD", "HELP", "HELP 2", "HD 2"):
        assert dispatch.handle(text, catalog).status == "help"
    assert sorted(cuts) == ["en", "vi"]
    for text in ("xin chao ban", "xin chao cau", "xin chao chi"):  # titles of one length: one more cut
        assert "Chưa hiểu" in dispatch.handle(text, catalog).title
    assert len(cuts) == 3


@pytest.mark.parametrize("text", ["", "HD", "HD 2", "HD 9", "HELP", "HELP 2", "?", "x", "xin chao",
                                  "qwerty " * 10, "Đây là một câu rất dài không có từ khóa nào cả ở đây", "zz 🍜🍜"])
def test_a_kept_cut_gives_the_page_a_fresh_cut_gives(catalog: Catalog, text: str) -> None:
    reply = dispatch.handle(text, catalog)
    page = int(text.split()[1]) if text.startswith(("HD ", "HELP ")) else 1
    title = "" if reply.title in ("Tổng đài tra cứu. Soạn:", "Lookup hotline. Send:") else reply.title
    assert render_sms(reply) == fresh_menu(catalog, reply.lang, title, page)
