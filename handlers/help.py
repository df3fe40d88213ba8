"""HD / HELP: the menu, grouped by category and paged to fit an SMS (``HD 2``), one category (``HD giao thong``),
and one keyword's help with an example."""

from __future__ import annotations

from handlers.i18n import pick, t
from handlers.registry import Command, Keywords, Request, command, keywords
from handlers.render import render_sms
from handlers.reply import Field, Lang, Reply
from lookups.store import Catalog
from lookups.text import fold

Group = tuple[str, tuple[Command, ...]]


def groups(table: Keywords, lang: Lang) -> list[Group]:
    """(category, its commands) in menu order: a category comes where its first command does."""
    found: dict[str, list[Command]] = {}
    for cmd in table.order:
        if cmd.keyword != "hd":
            found.setdefault(pick(lang, *cmd.category), []).append(cmd)
    return [(name, tuple(cmds)) for name, cmds in found.items()]


def _fields(chosen: list[Group], lang: Lang) -> tuple[Field, ...]:
    return tuple(f for name, cmds in chosen for f in (Field("", f"[{name}]"), *(Field("", c.help(lang)) for c in cmds)))


def _page_reply(chosen: list[Group], lang: Lang, title: str, page: int, pages: int) -> Reply:
    hint = t("menu_hint", lang)
    if pages > 1:
        after = pick(lang, f"Soạn HD {page + 1} để xem tiếp. ", f"Send HELP {page + 1} for more. ") \
            if page < pages else ""
        hint = pick(lang, f"Trang {page}/{pages}. ", f"Page {page}/{pages}. ") + after + hint
    return Reply("hd", "help", lang, title or t("menu_title", lang), fields=_fields(chosen, lang), hint=hint)


def _add(page: list[Group], name: str, cmd: Command) -> list[Group]:
    """``page`` with ``cmd`` added under its category (a category split over two pages is named on both)."""
    if page and page[-1][0] == name:
        return [*page[:-1], (name, (*page[-1][1], cmd))]
    return [*page, (name, (cmd,))]


def pages(catalog: Catalog, lang: Lang, title: str = "") -> list[list[Group]]:
    """The menu cut into pages of whole lines, as many as one SMS holds.

    Cutting it renders the menu line by line (milliseconds), and every HD and every message without a keyword
    shows a page: the cut is kept per keyword table, language and SMS length of the title, the one thing of the
    title it depends on (an unknown message's title quotes the message)."""
    table = keywords(catalog)
    width = len(render_sms(Reply("hd", "help", lang, title or t("menu_title", lang)), budget=UNCUT))
    key = (id(table), lang, width)
    kept = _PAGES.get(key)
    if kept is not None and kept[0] is table:
        return kept[1]
    found = _cut(table, lang, title)
    if len(_PAGES) > PAGES_KEPT:  # keyword tables of tests come and go
        _PAGES.clear()
    _PAGES[key] = (table, found)
    return found


def _cut(table: Keywords, lang: Lang, title: str) -> list[list[Group]]:
    found: list[list[Group]] = [[]]
    for name, cmds in groups(table, lang):
        for cmd in cmds:
            trial = _add(found[-1], name, cmd)
            # Page numbers in the hint are at most two digits: measure with a wide one.
            if found[-1] and len(render_sms(_page_reply(trial, lang, title, 1, 99), budget=UNCUT)) > SMS_FIT:
                found.append(_add([], name, cmd))
            else:
                found[-1] = trial
    return found


SMS_FIT = 459  # the default budget: what a menu page must fit without cutting a line
UNCUT = 100_000
PAGES_KEPT = 256  # menus cut (a title's length is at most the 40 characters quoted and the words around them)
_PAGES: dict[tuple[int, Lang, int], tuple[Keywords, list[list[Group]]]] = {}


def menu(catalog: Catalog, lang: Lang, title: str = "", page: int = 1) -> Reply:
    """One page of the menu (the first by default); a page past the last shows the last."""
    split = pages(catalog, lang, title)
    page = min(max(page, 1), len(split))
    return _page_reply(split[page - 1], lang, title, page, len(split))


def keyword_help(cmd: Command, lang: Lang) -> Reply:
    names = ", ".join(w.upper() for w in cmd.words())
    return Reply("hd", "help", lang, cmd.help(lang),
                 fields=(Field(pick(lang, "Từ khóa", "Keywords"), names),
                         Field(pick(lang, "Ví dụ", "Example"), cmd.example)),
                 hint=t("menu_hint", lang))


def _letters(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


def category_help(group: Group, lang: Lang) -> Reply:
    return Reply("hd", "help", lang, group[0], fields=tuple(Field("", c.help(lang)) for c in group[1]),
                 hint=t("menu_hint", lang))


@command("HD", aliases=("HELP", "TROGIUP", "HUONGDAN", "MENU"), english=("HELP", "MENU"),
         help_vi="HD: danh sách cú pháp", help_en="HELP: this menu", example="HD ATTP")
def help_command(req: Request) -> Reply:
    words = fold(req.argument).split()
    table = keywords(req.catalog)
    if words and words[0] in table.words:
        return keyword_help(table.words[words[0]], req.lang)
    if words and words[0].isdigit():
        return menu(req.catalog, req.lang, page=int(words[0][:3]))
    wanted = _letters(req.argument)
    for name, cmds in groups(table, "vi") + groups(table, "en"):
        if wanted and _letters(name) == wanted:
            return category_help((pick(req.lang, *cmds[0].category), cmds), req.lang)
    return menu(req.catalog, req.lang)
