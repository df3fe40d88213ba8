"""Message in, reply out: find the keyword, call its handler, and never let an error reach the user raw.

``handle`` does it all; the web service uses its two halves, ``parse`` (the keyword, language and argument,
and from them ``cache_key``) and ``handle_parsed``, so that it can look the key up in its result cache first and
parse each message once.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from handlers import attp, bus, clinics, dataset, help, land_price, reports  # noqa: F401  (registers the commands)
from handlers.help import keyword_help, menu
from handlers.i18n import footer, t
from handlers.registry import Command, Keywords, Request, argument_language, keywords, lang_of
from handlers.reply import Lang, Option, Reply
from lookups.store import Catalog
from lookups.text import cap_marks, drop_format, fold, strip_marks
from lookups.work import note

log = logging.getLogger(__name__)

MAX_TEXT = 1000  # characters looked at; an SMS is at most a few hundred, a paste can be megabytes
# Words looked at: a full three-segment SMS (459 characters) is about 80 Vietnamese syllables. Every lookup
# bounds its own work too (lookups.vocab.MAX_QUERY_WORDS); this keeps what handlers scan and echo short.
MAX_WORDS = 80
RAW_TEXT = 4 * MAX_TEXT  # characters normalised: enough for MAX_TEXT after format characters and marks go
SURROGATES = dict.fromkeys(range(0xD800, 0xE000))  # lone halves of a UTF-16 pair: not text, cannot be encoded
FIRST_WORDS = re.compile(r"^[\W_]*(\w+)(?:[\W_]+(\w+))?")
KEY_TEXT = 120  # longer arguments are keyed by a hash of their folded text


class UserError(Exception):
    """An error whose message is written for the resident and is shown as it is."""


@dataclass(frozen=True)
class Parsed:
    """A message taken apart: ``command`` is None for an empty message or one without a keyword."""

    text: str  # NFC, at most MAX_TEXT characters and MAX_WORDS words (see ``clean``)
    command: Command | None
    word: str  # the keyword as written, folded ("food", "attp"); "" without one
    lang: Lang
    argument: str  # the text after the keyword, on one line; without a keyword, the whole text
    # The language came from the sender's last one (``last``), not from the message: a bilingual keyword (``BUS``)
    # with an argument that does not say (``05``). A cached answer for it is keyed on that language.
    follows_sender: bool = False


def handle(text: str, catalog: Catalog, now: datetime | None = None, last: Lang | None = None) -> Reply:
    """The one entry point every channel and the CLI use; ``last`` is the language the sender last used."""
    return safely(lambda: route(text, catalog, now or datetime.now(UTC), last), text)


def handle_parsed(parsed: Parsed, catalog: Catalog, now: datetime) -> Reply:
    """``handle`` of a message already parsed (the web service parses once, for its cache key and the answer)."""
    return safely(lambda: answer(parsed, catalog, now), parsed.text)


def safely(work: Callable[[], Reply], text: str) -> Reply:
    """``work()``, with an error turned into a reply the resident can read."""
    try:
        return work()
    except UserError as exc:
        return Reply("none", "error", "vi", str(exc))
    except Exception:
        log.exception("handler failed for message %r", text[:200])
        return Reply("none", "error", "vi", t("error", "vi"), hint=t("error", "en"))


def clean(text: str) -> str:
    """The part of a message that is read, NFC, without invisible format characters (a zero-width space inside
    a word would split it), lone surrogates, or floods of combining marks; what is cut off is logged."""
    whole = cap_marks(unicodedata.normalize("NFC", drop_format(text[:RAW_TEXT]).translate(SURROGATES)))
    kept = whole[:MAX_TEXT]
    words = kept.split()
    if len(words) > MAX_WORDS:
        kept = " ".join(words[:MAX_WORDS])
    if len(text) > RAW_TEXT or len(whole) > MAX_TEXT or len(words) > MAX_WORDS:
        read = min(len(words), MAX_WORDS)
        note(ignored=len(whole.split()) - read)
        log.info("long message (%d characters): read its first %d words", len(text), read)
    return kept


def parse(text: str, catalog: Catalog, last: Lang | None = None) -> Parsed:
    text = clean(text)
    if not fold(text):
        return Parsed(text, None, "", "vi", "")
    found = split_keyword(text, catalog)
    if found is None:
        return Parsed(text, None, "", "vi", " ".join(text.split()))
    cmd, word, argument = found
    argument = " ".join(argument.strip(" \t\r\n:-,.;").split())
    said = argument_language(cmd, word, argument)
    follows = word in cmd.bilingual and said is None
    return Parsed(text, cmd, word, lang_of(cmd, word, said, last), argument, follows)


def cache_key(parsed: Parsed, catalog: Catalog) -> str | None:
    """``intent:word:lang:dataset versions:argument`` for an answer that may be cached, else None.

    The argument is keyed without marks and case ("Phở Hòa", "pho hoa" and "PHO  HOA" share an entry) but with
    its punctuation, which handlers read ("BUS cho han, san bay" is a trip, "BUS cho han san bay" a stop). The
    keyword as written is part of the key because the options it offers repeat it ("VSATTP ..."). A new version
    of a dataset changes every key that reads it, so old entries are simply never asked for again.
    """
    if not parsed.argument:
        return None
    # A dataset's answers are keyed on its version; MT (departures depend on the clock) and HD (the menu costs
    # nothing to build) are not cached. Text without a keyword is searched in every dataset.
    if parsed.command is None:
        intent, datasets = "*", tuple(c.dataset for c in keywords(catalog).datasets)
    elif parsed.command.cacheable:
        intent, datasets = parsed.command.keyword, (parsed.command.dataset,)
    else:
        return None
    argument = " ".join(strip_marks(parsed.argument).casefold().split())
    if len(argument) > KEY_TEXT:
        argument = "#" + hashlib.sha256(argument.encode()).hexdigest()[:32]
    versions = ".".join(catalog.meta(name).version for name in datasets)
    return f"{intent}:{parsed.word}:{parsed.lang}:{versions}:{argument}"


def answer(parsed: Parsed, catalog: Catalog, now: datetime) -> Reply:
    """The reply to a parsed message; raises what handlers raise (``handle`` and ``safely`` turn it into text)."""
    if not fold(parsed.text):
        return menu(catalog, "vi")
    cmd = parsed.command
    if cmd is None:
        return guess(parsed.text, catalog, now)
    if not fold(parsed.argument) and cmd.keyword not in ("hd", "tt"):  # HD and TT alone have answers of their own
        return keyword_help(cmd, parsed.lang)
    return cmd.handler(Request(parsed.argument, parsed.word, parsed.lang, catalog, now, cmd.dataset))


def _known_word(catalog: Catalog, table: Keywords) -> Callable[[str], bool]:
    """Is this a word of the data? Then it is not a mistyped keyword ("bun" is food, not "bus")."""
    return lambda word: any(word in catalog.index(cmd.dataset).vocabulary for cmd in table.datasets)


def split_keyword(text: str, catalog: Catalog) -> tuple[Command, str, str] | None:
    """(command, folded keyword as written, argument text) or None when the message has no keyword."""
    head = FIRST_WORDS.match(text)
    if head is None:
        return None
    first, second = fold(head.group(1)), fold(head.group(2) or "")
    table = keywords(catalog)
    # Two-word keywords ("xe buyt", "tro giup") are taken as written only: no near misses of a pair.
    pair = table.words.get(first + second) if second else None
    if pair is not None:
        return pair, first + second, text[head.end():]
    found = table.find(first, _known_word(catalog, table))
    if found is None:
        return None
    return found[0], found[1], text[head.end(1):]


def route(text: str, catalog: Catalog, now: datetime, last: Lang | None = None) -> Reply:
    return answer(parse(text, catalog, last), catalog, now)


def guess(text: str, catalog: Catalog, now: datetime) -> Reply:
    """No keyword: answer when exactly one dataset has one clear winner; offer the winners when several have
    one ("tran phu": a street's land prices, a school); else show the menu."""
    wins = [(cmd, found.candidates[0]) for cmd in keywords(catalog).datasets
            if (found := catalog.index(cmd.dataset).lookup(text)).status == "found"]
    query = " ".join(text.split())
    if len(wins) == 1:
        cmd = wins[0][0]
        return cmd.handler(Request(query, cmd.keyword, "vi", catalog, now, cmd.dataset))
    if wins:
        options = tuple(Option(n, best.name, footer(catalog.meta(cmd.dataset)).source,
                               f"{cmd.keyword.upper()} {best.name}") for n, (cmd, best) in enumerate(wins[:5], 1))
        return Reply("guess", "ambiguous", "vi", t("ambiguous", "vi", count=len(wins), query=query[:40]),
                     options=options, more=len(wins) - len(options),
                     hint=t("choose", "vi", example=options[0].command))
    return menu(catalog, "vi", t("unknown", "vi", query=query[:40]))
