"""Message in, reply out: find the keyword, call its handler, and never let an error reach the user raw.

``handle`` does it all; the web service uses its two halves, ``parse`` (the keyword, language and argument,
and from them ``cache_key``) and ``answer``, so that it can look the key up in its result cache first.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from handlers import attp, bus, clinics, help, land_price, reports  # noqa: F401  (registers the commands)
from handlers.help import keyword_help, menu
from handlers.i18n import t
from handlers.registry import COMMANDS, Command, Request, find, lang_of
from handlers.reply import Lang, Reply
from lookups.store import Catalog
from lookups.text import fold, strip_marks

log = logging.getLogger(__name__)

MAX_TEXT = 1000  # characters looked at; an SMS is at most a few hundred, a paste can be megabytes
FIRST_WORDS = re.compile(r"^[\W_]*(\w+)(?:[\W_]+(\w+))?")
# The datasets each cacheable command reads; its cached answers are keyed on their versions. MT is missing on
# purpose (departures depend on the clock), and so is HD (the menu costs nothing to build).
DATASETS: dict[str, tuple[str, ...]] = {"attp": ("food_safety",), "kcb": ("clinics",), "giadat": ("land_price",),
                                        "bus": ("bus",)}
# Text without a keyword is searched in every dataset.
GUESS: tuple[str, ...] = ("food_safety", "clinics", "land_price", "bus")
VERSION: dict[str, Callable[[Catalog], str]] = {
    "food_safety": lambda c: c.food.meta.version, "clinics": lambda c: c.clinics.meta.version,
    "land_price": lambda c: c.land.meta.version, "bus": lambda c: c.bus.meta.version}
KEY_TEXT = 120  # longer arguments are keyed by a hash of their folded text


class UserError(Exception):
    """An error whose message is written for the resident and is shown as it is."""


@dataclass(frozen=True)
class Parsed:
    """A message taken apart: ``command`` is None for an empty message or one without a keyword."""

    text: str  # NFC, at most MAX_TEXT characters
    command: Command | None
    word: str  # the keyword as written, folded ("food", "attp"); "" without one
    lang: Lang
    argument: str  # the text after the keyword, on one line; without a keyword, the whole text


def handle(text: str, catalog: Catalog, now: datetime | None = None) -> Reply:
    """The one entry point every channel and the CLI use."""
    return safely(lambda: route(text, catalog, now or datetime.now(UTC)), text)


def safely(work: Callable[[], Reply], text: str) -> Reply:
    """``work()``, with an error turned into a reply the resident can read."""
    try:
        return work()
    except UserError as exc:
        return Reply("none", "error", "vi", str(exc))
    except Exception:
        log.exception("handler failed for message %r", text[:200])
        return Reply("none", "error", "vi", t("error", "vi"), hint=t("error", "en"))


def parse(text: str, catalog: Catalog) -> Parsed:
    text = unicodedata.normalize("NFC", text)[:MAX_TEXT]
    if not fold(text):
        return Parsed(text, None, "", "vi", "")
    found = split_keyword(text, catalog)
    if found is None:
        return Parsed(text, None, "", "vi", " ".join(text.split()))
    cmd, word, argument = found
    return Parsed(text, cmd, word, lang_of(cmd, word), " ".join(argument.strip(" \t\r\n:-,.;").split()))


def cache_key(parsed: Parsed, catalog: Catalog) -> str | None:
    """``intent:word:lang:dataset versions:argument`` for an answer that may be cached, else None.

    The argument is keyed without marks and case ("Phở Hòa", "pho hoa" and "PHO  HOA" share an entry) but with
    its punctuation, which handlers read ("BUS cho han, san bay" is a trip, "BUS cho han san bay" a stop). The
    keyword as written is part of the key because the options it offers repeat it ("VSATTP ..."). A new version
    of a dataset changes every key that reads it, so old entries are simply never asked for again.
    """
    if not parsed.argument:
        return None
    if parsed.command is None:
        intent, datasets = "*", GUESS
    elif parsed.command.keyword in DATASETS:
        intent, datasets = parsed.command.keyword, DATASETS[parsed.command.keyword]
    else:
        return None
    argument = " ".join(strip_marks(parsed.argument).casefold().split())
    if len(argument) > KEY_TEXT:
        argument = "#" + hashlib.sha256(argument.encode()).hexdigest()[:32]
    versions = ".".join(VERSION[name](catalog) for name in datasets)
    return f"{intent}:{parsed.word}:{parsed.lang}:{versions}:{argument}"


def answer(parsed: Parsed, catalog: Catalog, now: datetime) -> Reply:
    """The reply to a parsed message; raises what handlers raise (``handle`` and ``safely`` turn it into text)."""
    if not fold(parsed.text):
        return menu("vi")
    cmd = parsed.command
    if cmd is None:
        return guess(parsed.text, catalog, now)
    if not fold(parsed.argument) and cmd.keyword not in ("hd", "tt"):  # HD and TT alone have answers of their own
        return keyword_help(cmd, parsed.lang)
    return cmd.handler(Request(parsed.argument, parsed.word, parsed.lang, catalog, now))


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
    return answer(parse(text, catalog), catalog, now)


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
