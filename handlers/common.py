"""What the "look one thing up" handlers share: turning a match decision into a reply."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache
from typing import TypeVar

from handlers.i18n import t
from handlers.registry import Request
from handlers.reply import Field, Footer, Match, Option, Reply
from lookups.decide import Candidate, Decision, decide
from lookups.index import Index

MAX_QUERY = 160  # longer arguments are cut before matching: nobody names a place in more
SEARCH_LIMIT = 40  # the ranked list a decision is made from, as ``Index.lookup`` does
PENDING_MAX = 45  # close results kept beyond the first five: nine more pages for THEM, enough for anyone
T = TypeVar("T")


def matches(dataset: str, candidates: Sequence[Candidate]) -> tuple[Match, ...]:
    return tuple(Match(dataset, c.id, c.name, c.score) for c in candidates)


def selectors(index: Index, keyword: str, chosen: Sequence[tuple[str, str, Sequence[str]]]) -> list[str]:
    """The shortest message that selects each option, from (record id, name, narrowers): its name alone, its
    name and a street, ward or address (the field that tells it from the others of that name), else its id.

    No search runs: ``Index.exact`` reads a message word for word against every record's names and location
    phrases, and ``resolve`` answers such a message from it before searching, so a command is offered only
    if that reading gives this record alone. (Checking each option by searching cost up to four searches an
    option, and a list is the commonest answer for a big registry.)
    """
    read: dict[str, Candidate | None] = {}  # options often share a name: each text is read once

    def exact(text: str) -> Candidate | None:
        if text not in read:
            read[text] = index.exact(text)
        return read[text]

    commands = []
    for record_id, name, narrowers in chosen:
        texts = (f"{name} {extra}".strip() for extra in dict.fromkeys(("", *narrowers)))
        text = next((t for t in texts if (hit := exact(t)) is not None and hit.id == record_id), record_id)
        commands.append(f"{keyword} {text}")
    return commands


def reader(records: Sequence[T]) -> Callable[[int], T]:
    """``records[row]``, decoded once per row however often one answer reads it (its list entry, the words that
    select it, its detail): a mapped record is a line of JSON to decode at each read. Made per request."""
    return cache(records.__getitem__)


def pending(keyword: str, rest: Sequence[tuple[str, str, str]], first: int) -> tuple[Option, ...]:
    """Options beyond the first page from (record id, name, detail): numbered on from ``first``, each selected
    by its id, which costs one dictionary lookup where a name selector costs several searches."""
    return tuple(Option(n, name, detail, f"{keyword} {record_id}")
                 for n, (record_id, name, detail) in enumerate(rest[:PENDING_MAX], first))


def resolve(
    req: Request,
    *,
    intent: str,
    dataset: str,
    index: Index,
    footer: Footer,
    detail: Callable[[int], str],
    narrowers: Callable[[int], Sequence[str]],
    show: Callable[[int], Reply],
    syntax: str,
) -> Reply:
    """Look ``req.argument`` up in ``index`` and answer: the record, a numbered choice, or suggestions."""
    query = req.argument[:MAX_QUERY]
    keyword = req.keyword.upper()
    direct = index.row(query)
    if direct is not None:
        return show(direct)
    exact = index.exact(query)  # a selecting message of a list, or a name typed in full: no search needed
    if exact is not None:
        return replace(show(_row(index, exact.id)), matches=matches(dataset, (exact,)))
    ranked = index.search(query, limit=SEARCH_LIMIT)
    decision: Decision = decide(ranked)
    found = matches(dataset, decision.candidates)
    if decision.status == "found":
        row = index.row(decision.candidates[0].id)
        assert row is not None
        return replace(show(row), matches=found)
    row_of = cache(lambda record_id: _row(index, record_id))
    commands = selectors(index, keyword, [(c.id, c.name, narrowers(row_of(c.id))) for c in decision.candidates])
    options = [Option(number, cand.name, detail(row_of(cand.id)), command)
               for number, (cand, command) in enumerate(zip(decision.candidates, commands, strict=True), 1)]
    if decision.status == "ambiguous":
        # The close results are the first ``total`` of the ranked list; the decision keeps five of them.
        rest = [(c.id, c.name, detail(row_of(c.id))) for c in ranked[len(options):decision.total]]
        return Reply(
            intent, "ambiguous", req.lang, t("ambiguous", req.lang, count=decision.total, query=query),
            options=tuple(options), more=decision.total - len(options),
            hint=t("choose", req.lang, example=options[0].command) + (
                " " + t("add_place", req.lang) if decision.total > len(options) else ""),
            footer=footer, matches=found, pending=pending(keyword, rest, len(options) + 1),
        )
    fields = (Field("", t("did_you_mean", req.lang)),) if options else ()
    return Reply(
        intent, "not_found", req.lang, t("not_found", req.lang, query=query), fields=fields,
        options=tuple(options),
        hint=t("choose", req.lang, example=options[0].command) if options else t("syntax", req.lang, syntax=syntax),
        footer=footer, matches=found,
    )


def _row(index: Index, record_id: str) -> int:
    row = index.row(record_id)
    assert row is not None
    return row
