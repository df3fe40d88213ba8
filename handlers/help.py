"""HD / HELP: the menu, and one keyword's help with an example."""

from __future__ import annotations

from handlers.i18n import pick, t
from handlers.registry import COMMANDS, ORDER, Command, Request, command
from handlers.reply import Field, Lang, Reply
from lookups.text import fold


def menu(lang: Lang, title: str = "") -> Reply:
    fields = tuple(Field("", cmd.help(lang)) for cmd in ORDER if cmd.keyword != "hd")
    return Reply("hd", "help", lang, title or t("menu_title", lang), fields=fields, hint=t("menu_hint", lang))


def keyword_help(cmd: Command, lang: Lang) -> Reply:
    names = ", ".join(w.upper() for w in cmd.words())
    return Reply("hd", "help", lang, cmd.help(lang),
                 fields=(Field(pick(lang, "Từ khóa", "Keywords"), names),
                         Field(pick(lang, "Ví dụ", "Example"), cmd.example)),
                 hint=t("menu_hint", lang))


@command("HD", aliases=("HELP", "TROGIUP", "HUONGDAN", "MENU"), english=("HELP", "MENU"),
         help_vi="HD: danh sách cú pháp", help_en="HELP: this menu", example="HD ATTP")
def help_command(req: Request) -> Reply:
    words = fold(req.argument).split()
    if words and words[0] in COMMANDS:
        return keyword_help(COMMANDS[words[0]], req.lang)
    return menu(req.lang)
