"""Keyword registry: the datasets the data directory declares, and the keywords that are not datasets.

A keyword that is not a dataset (``HD``, ``MT``) is declared in code with ``@command``. A dataset's keyword,
aliases and help come from its ``datapackage.json`` (``lookups.datasets.declared``); its handler is the
generic one (``handlers.dataset``) or the plugin the declaration names, registered with ``@plugin``.
``keywords(catalog)`` joins both into the table the dispatcher and the menu read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from rapidfuzz.distance import OSA

from handlers.i18n import language_of
from handlers.reply import Lang, Reply
from lookups.datasets.base import DataError
from lookups.datasets.declared import Declaration
from lookups.store import Catalog

OTHER = ("Khác", "Other")  # the menu category of a command that names none


@dataclass(frozen=True)
class Request:
    """What a handler gets: the text after the keyword, the language to answer in, the data, the time."""

    argument: str
    keyword: str  # the keyword as the user wrote it, folded (``food``, ``attp``)
    lang: Lang
    catalog: Catalog
    now: datetime
    dataset: str = ""  # the declared dataset the keyword belongs to, "" for HD, MT...


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
    dataset: str = ""  # the dataset it answers from: statistics, and the versions its cached answers key on
    cacheable: bool = False  # answers depend only on the dataset's version (not MT's clock, not HD)
    category: tuple[str, str] = OTHER  # (vi, en), the menu group
    order: int = 100  # place in the menu
    # Words both languages use ("BUS"): the reply's language comes from the rest of the message, or else from the
    # language the sender last used, and is Vietnamese when neither says.
    bilingual: tuple[str, ...] = ()

    def words(self) -> tuple[str, ...]:
        return (self.keyword, *self.aliases)

    def help(self, lang: Lang) -> str:
        return self.help_en if lang == "en" else self.help_vi


COMMANDS: dict[str, Command] = {}  # every keyword and alias not of a dataset, folded -> its command
ORDER: list[Command] = []  # registration order
PLUGINS: dict[str, Handler] = {}  # plugin name ("" = the generic dataset handler) -> handler


def command(keyword: str, *, aliases: tuple[str, ...] = (), english: tuple[str, ...] = (),
            bilingual: tuple[str, ...] = (), help_vi: str, help_en: str, example: str, dataset: str = "",
            category: tuple[str, str] = OTHER, order: int = 100) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        cmd = Command(keyword.lower(), tuple(a.lower() for a in aliases), tuple(e.lower() for e in english),
                      help_vi, help_en, example, func, dataset=dataset, category=category, order=order,
                      bilingual=tuple(b.lower() for b in bilingual))
        for word in cmd.words():
            if word in COMMANDS:
                raise ValueError(f"keyword {word!r} registered twice")
            COMMANDS[word] = cmd
        ORDER.append(cmd)
        return func

    return register


def plugin(name: str) -> Callable[[Handler], Handler]:
    """Register the handler of a dataset plugin (``tongdai.plugin`` in a declaration)."""

    def register(func: Handler) -> Handler:
        PLUGINS[name] = func
        return func

    return register


@dataclass(frozen=True)
class Keywords:
    """Every keyword and alias of one data directory, folded -> its command, and the commands in menu order."""

    words: dict[str, Command]
    order: tuple[Command, ...]

    @cached_property
    def datasets(self) -> tuple[Command, ...]:
        """The commands that answer from a declared dataset, in menu order (read on every message: made once)."""
        return tuple(c for c in self.order if c.dataset and c.cacheable)

    def find(self, word: str, vocabulary: Callable[[str], bool] = lambda w: False) -> tuple[Command, str] | None:
        return find(word, vocabulary, self.words)


def dataset_command(decl: Declaration) -> Command:
    if decl.plugin not in PLUGINS:
        raise DataError(f"{decl.path}: tongdai.plugin: no handler for plugin {decl.plugin!r}")
    return Command(decl.keyword, decl.aliases, decl.english, decl.help_vi, decl.help_en, decl.example,
                   PLUGINS[decl.plugin], dataset=decl.id, cacheable=True, category=decl.category, order=decl.order,
                   bilingual=decl.bilingual)


_KEYWORDS: dict[int, tuple[tuple[Declaration, ...], Keywords]] = {}


def keywords(catalog: Catalog) -> Keywords:
    """The keyword table of ``catalog``'s data directory (built once per set of declarations)."""
    decls = catalog.declarations
    cached = _KEYWORDS.get(id(decls))
    if cached is not None and cached[0] is decls:
        return cached[1]
    words = dict(COMMANDS)
    made = [dataset_command(d) for d in decls]
    for cmd in made:
        for word in cmd.words():
            if word in words:
                raise DataError(f"{catalog.declaration(cmd.dataset).path}: tongdai: keyword {word.upper()!r} is "
                                f"already the {words[word].keyword.upper()} command")
            words[word] = cmd
    order = tuple(sorted((*made, *ORDER), key=lambda c: c.order))
    if len(_KEYWORDS) > 64:  # catalogs of tests come and go
        _KEYWORDS.clear()
    _KEYWORDS[id(decls)] = (decls, Keywords(words, order))
    return _KEYWORDS[id(decls)][1]


def find(word: str, vocabulary: Callable[[str], bool] = lambda w: False,
         words: dict[str, Command] | None = None) -> tuple[Command, str] | None:
    """The command for a folded first word, taking a near miss (``atpp``) as the keyword it resembles.

    A near miss is only accepted for a word that is not itself a word of the data (``bun`` is food, not
    a typo of ``bus``): one edit for words of 4+ letters, a swap of two letters for 3-letter words.
    """
    words = COMMANDS if words is None else words
    if word in words:
        return words[word], word
    if len(word) < 3 or vocabulary(word):
        return None
    best: tuple[int, str] | None = None
    for known in words:
        if len(known) < 3 or abs(len(known) - len(word)) > 1:
            continue
        dist = OSA.distance(word, known, processor=None)
        swap_only = sorted(word) == sorted(known)
        if (dist == 1 and (len(word) >= 4 or swap_only)) and (best is None or (dist, known) < best):
            best = (dist, known)
    return (words[best[1]], best[1]) if best else None


def lang_of(cmd: Command, word: str, said: Lang | None = None, last: Lang | None = None) -> Lang:
    """English for an English keyword; for a bilingual one, English when the argument is English (``said``, from
    ``argument_language``) or, when the argument does not say (``BUS 05``), when the sender last used English."""
    if word in cmd.english:
        return "en"
    if word in cmd.bilingual:
        return said or ("en" if last == "en" else "vi")
    return "vi"


def argument_language(cmd: Command, word: str, argument: str) -> Lang | None:
    """The language the argument of a bilingual keyword is written in (None when it does not say); None for
    every other keyword, whose language is the keyword's. Read once per message."""
    return language_of(argument) if word in cmd.bilingual else None
