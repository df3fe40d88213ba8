"""Message in, reply out: find the keyword, call its handler, and never let an error reach the user raw."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime

from handlers import attp, bus, clinics, help, land_price  # noqa: F401  (registers the commands)
from handlers.help import keyword_help, menu
from handlers.i18n import t
from handlers.registry import COMMANDS, Command, Request, find, lang_of
from handlers.reply import Lang, Reply
from lookups.store import Catalog
from lookups.text import fold

log = logging.getLogger(__name__)

MAX_TEXT = 1000  # characters looked at; an SMS is at most a few hundred, a paste can be megabytes
FIRST_WORDS = re.compile(r"^[\W_]*(\w+)(?:[\W_]+(\w+))?")


class UserError(Exception):
    """An error whose message is written for the resident and is shown as it is."""


def handle(text: str, catalog: Catalog, now: datetime | None = None) -> Reply:
    """The one entry point every channel and the CLI use."""
    try:
        return route(text, catalog, now or datetime.now(UTC))
    except UserError as exc:
        return Reply("none", "error", "vi", str(exc))
    except Exception:
        log.exception("handler failed for message %r", text[:200])
        return Reply("none", "error", "vi", t("error", "vi"), hint=t("error", "en"))


def _known_word(catalog: Catalog) -> Callable[[str], bool]:
    """Is this a word of the data? Then it is not a mistyped keyword ("bun" is food, not "bus")."""
    indexes = (catalog.food_index, catalog.clinic_index, catalog.land_index, catalog.stop_index)
    return lambda word: any(word in ix.vocabulary for ix in indexes)


def split_keyword(text: str, catalog: Catalog) -> tuple[Command, str, str] | None:
    """(command, folded keyword as written, argument text) or None when the message has no keyword."""
    head = FIRST_WORDS.match(text)
    if head is None:
        return None
    first, second = fold(head.group(1)), fold(head.group(2) or "")
    if second:  # two-word keywords: "xe buyt", "tro giup"
        pair = find(first + second)
        if pair is not None and pair[1] == first + second:
            return pair[0], pair[1], text[head.end():]
    found = find(first, _known_word(catalog))
    if found is None:
        return None
    return found[0], found[1], text[head.end(1):]


def route(text: str, catalog: Catalog, now: datetime) -> Reply:
    text = unicodedata.normalize("NFC", text)[:MAX_TEXT]
    if not fold(text):
        return menu("vi")
    parsed = split_keyword(text, catalog)
    if parsed is None:
        return guess(text, catalog, now)
    cmd, word, argument = parsed
    lang: Lang = lang_of(cmd, word)
    if not fold(argument) and cmd.keyword != "hd":
        return keyword_help(cmd, lang)
    argument = " ".join(argument.strip(" \t\r\n:-,.;").split())
    return cmd.handler(Request(argument, word, lang, catalog, now))


def guess(text: str, catalog: Catalog, now: datetime) -> Reply:
    """No keyword: answer only when exactly one dataset has one clear winner, else show the menu."""
    wins = []
    for keyword, index in (("attp", catalog.food_index), ("kcb", catalog.clinic_index),
                           ("giadat", catalog.land_index), ("bus", catalog.stop_index)):
        if index.lookup(text).status == "found":
            wins.append(keyword)
    if len(wins) == 1:
        cmd = COMMANDS[wins[0]]
        return cmd.handler(Request(" ".join(text.split()), cmd.keyword, "vi", catalog, now))
    return menu("vi", t("unknown", "vi", query=" ".join(text.split())[:40]))
