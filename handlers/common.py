"""What the "look one thing up" handlers share: turning a match decision into a reply."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace

from handlers.i18n import t
from handlers.registry import Request
from handlers.reply import Field, Footer, Match, Option, Reply
from lookups.decide import Candidate, Decision, decide
from lookups.index import Index
from lookups.text import fold

MAX_QUERY = 160  # longer arguments are cut before matching: nobody names a place in more
SEARCH_LIMIT = 40  # the ranked list a decision is made from, as ``Index.lookup`` does
PENDING_MAX = 45  # close results kept beyond the first five: nine more pages for THEM, enough for anyone


def matches(dataset: str, candidates: Sequence[Candidate]) -> tuple[Match, ...]:
    return tuple(Match(dataset, c.id, c.name, c.score) for c in candidates)


def selector(index: Index, keyword: str, record_id: str, name: str, narrowers: Sequence[str]) -> str:
    """The shortest message that selects exactly this record: its name, name plus a street, else its id."""
    for extra in ("", *narrowers):
        text = f"{name} {extra}".strip()
        decision = index.lookup(text)
        if decision.status == "found" and decision.candidates[0].id == record_id:
            return f"{keyword} {text}"
    return f"{keyword} {record_id}"


def selectors(index: Index, keyword: str, chosen: Sequence[tuple[str, str, Sequence[str]]],
              rivals: Sequence[tuple[str, str, Sequence[str]]]) -> list[str]:
    """Selecting messages for several options at once, from (record id, name, narrowers).

    Checking each option with real searches costs up to four lookups an option, twenty for one list, and
    a list is the commonest answer for a big registry. Instead, an option takes its name alone, or name and
    street, ward or address, when no rival of the same name (all close results are rivals) shares it; the
    search then finds it by the location bonus. The first option, which the hint shows, is checked for real.
    """
    seen: Counter[tuple[str, str]] = Counter()
    for _, name, narrowers in rivals:
        seen[(fold(name), "")] += 1
        for extra in dict.fromkeys(fold(n) for n in narrowers):
            seen[(fold(name), extra)] += 1
    commands = []
    for number, (record_id, name, narrowers) in enumerate(chosen):
        if number == 0:
            commands.append(selector(index, keyword, record_id, name, narrowers))
            continue
        unique = [n for n in ("", *narrowers) if seen[(fold(name), fold(n))] == 1]
        commands.append(f"{keyword} {name} {unique[0]}".rstrip() if unique else f"{keyword} {record_id}")
    return commands


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
    ranked = index.search(query, limit=SEARCH_LIMIT)
    decision: Decision = decide(ranked)
    found = matches(dataset, decision.candidates)
    if decision.status == "found":
        row = index.row(decision.candidates[0].id)
        assert row is not None
        return replace(show(row), matches=found)
    close = ranked[:max(decision.total, len(decision.candidates))]
    commands = selectors(index, keyword, [(c.id, c.name, narrowers(_row(index, c.id))) for c in decision.candidates],
                         [(c.id, c.name, narrowers(_row(index, c.id))) for c in close])
    options = [Option(number, cand.name, detail(_row(index, cand.id)), command)
               for number, (cand, command) in enumerate(zip(decision.candidates, commands, strict=True), 1)]
    if decision.status == "ambiguous":
        # The close results are the first ``total`` of the ranked list; the decision keeps five of them.
        rest = [(c.id, c.name, detail(_row(index, c.id))) for c in ranked[len(options):decision.total]]
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
