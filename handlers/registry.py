"""Keyword registry: handlers declare their keyword, aliases and help text with a decorator."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz.distance import OSA

from handlers.reply import Lang, Reply
from lookups.store import Catalog


@dataclass(frozen=True)
class Request:
    """What a handler gets: the text after the keyword, the language to answer in, the data, the time."""

    argument: str
    keyword: str  # the keyword as the user wrote it, folded (``food``, ``attp``)
    lang: Lang
    catalog: Catalog
    now: datetime


Handler = Callable[[Request], Reply]


@dataclass(frozen=True)
class Command:
    keyword: str
    aliases: tuple[str, ...]
    english: tuple[str, ...]  # the words among keyword/aliases that get English replies
    help_vi: str
    help_en: str
    example: str
    handler: Handler

    def words(self) -> tuple[str, ...]:
        return (self.keyword, *self.aliases)

    def help(self, lang: Lang) -> str:
        return self.help_en if lang == "en" else self.help_vi


COMMANDS: dict[str, Command] = {}  # every keyword and alias, folded -> its command
ORDER: list[Command] = []  # registration order, for the help menu


def command(keyword: str, *, aliases: tuple[str, ...] = (), english: tuple[str, ...] = (), help_vi: str,
            help_en: str, example: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        cmd = Command(keyword.lower(), tuple(a.lower() for a in aliases), tuple(e.lower() for e in english),
                      help_vi, help_en, example, func)
        for word in cmd.words():
            if word in COMMANDS:
                raise ValueError(f"keyword {word!r} registered twice")
            COMMANDS[word] = cmd
        ORDER.append(cmd)
        return func

    return register


def find(word: str, vocabulary: Callable[[str], bool] = lambda w: False) -> tuple[Command, str] | None:
    """The command for a folded first word, taking a near miss (``atpp``) as the keyword it resembles.

    A near miss is only accepted for a word that is not itself a word of the data (``bun`` is food, not
    a typo of ``bus``): one edit for words of 4+ letters, a swap of two letters for 3-letter words.
    """
    if word in COMMANDS:
        return COMMANDS[word], word
    if len(word) < 3 or vocabulary(word):
        return None
    best: tuple[int, str] | None = None
    for known in COMMANDS:
        if len(known) < 3 or abs(len(known) - len(word)) > 1:
            continue
        dist = OSA.distance(word, known, processor=None)
        swap_only = sorted(word) == sorted(known)
        if (dist == 1 and (len(word) >= 4 or swap_only)) and (best is None or (dist, known) < best):
            best = (dist, known)
    return (COMMANDS[best[1]], best[1]) if best else None


def lang_of(cmd: Command, word: str) -> Lang:
    return "en" if word in cmd.english else "vi"
