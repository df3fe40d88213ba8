"""Every selecting command a list offers, sent back, selects that option; a list costs one search.

The commands are built without searching (``handlers.common.selectors`` reads ``Index.exact``), so these tests
are what holds them right: over the lists that the sample pack's own names produce in every dataset, each
listed option's command, sent as a new message, must give the same reply as asking for the record by its id.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from handlers.dispatch import handle
from handlers.reply import Reply
from lookups.index import Index
from lookups.store import Catalog
from lookups.text import fold
from lookups.work import measured

NOW = datetime(2026, 11, 4, 1, 0, tzinfo=UTC)
PER_DATASET = 80  # names whose first words make a query, per dataset


def _queries(index: Index) -> list[str]:
    """The first word or two of names of the data: what makes the lists a resident meets."""
    names = [index.display(row) for row in range(0, len(index), max(1, len(index) // PER_DATASET))]
    return sorted({" ".join(name.split()[:size]) for name in names for size in (1, 2)})


def _lists(catalog: Catalog) -> list[tuple[str, str, Reply]]:
    out = []
    for decl in catalog.declarations:
        index = catalog.stop_index if decl.id == "bus" else catalog.index(decl.id)
        for query in _queries(index):
            reply = handle(f"{decl.keyword} {query}", catalog, NOW)
            if reply.options and reply.matches:
                out.append((decl.keyword, query, reply))
    return out


@pytest.fixture(scope="module")
def lists(catalog: Catalog) -> list[tuple[str, str, Reply]]:
    return _lists(catalog)


def test_every_offered_command_selects_its_option(catalog: Catalog, lists: list[tuple[str, str, Reply]]) -> None:
    checked = by_name = 0
    datasets = set()
    for keyword, query, reply in lists:
        for option, match in zip(reply.options, reply.matches, strict=False):
            chosen = handle(option.command, catalog, NOW)
            by_id = handle(f"{keyword} {match.id}", catalog, NOW)
            assert by_id.status == "found", (keyword, match)
            assert chosen == by_id, (keyword, query, option.command, match.id)
            checked += 1
            by_name += not option.command.upper().endswith(match.id.upper())
            datasets.add(match.dataset)
    assert checked >= 300, checked
    assert by_name >= checked * 0.8, (by_name, checked)  # names, not ids, for nearly every option
    assert {"food_safety", "clinics", "bus", "schools"} <= datasets, datasets


def test_an_ambiguous_answer_runs_one_search(catalog: Catalog, lists: list[tuple[str, str, Reply]]) -> None:
    ambiguous = [(k, q) for k, q, r in lists if r.status == "ambiguous" and k in ("attp", "truong")]
    assert len(ambiguous) >= 20
    for keyword, query in ambiguous:
        with measured() as work:
            reply = handle(f"{keyword} {query}", catalog, NOW)
        assert reply.status == "ambiguous"
        assert work.searches == 1, (keyword, query, work)


def test_places_of_one_name_are_selected_by_their_street(catalog: Catalog) -> None:
    reply = handle("ATTP ca phe van phuc", catalog, NOW)
    assert reply.status == "ambiguous"
    commands = [o.command for o in reply.options]
    assert all(fold(c).startswith("attp ca phe van phuc ") for c in commands), commands
    assert len(set(commands)) == len(commands)
    assert any(len(c.split()) > 3 for c in commands), commands  # a street or ward tells the branches apart


def test_exact_reads_name_and_place_word_for_word(catalog: Catalog) -> None:
    index = catalog.food_index
    reply = handle("ATTP ca phe van phuc", catalog, NOW)
    first = reply.matches[0]
    command = reply.options[0].command.split(" ", 1)[1]
    hit = index.exact(command)
    assert hit is not None and hit.id == first.id
    assert hit == index.search(command, limit=1)[0]  # scored as the search scores it
    upper = index.exact(command.upper())  # folded like any query
    assert upper is not None and upper.id == first.id
    assert index.exact("ca phe van phuc") is None  # nine places: no one record
    assert index.exact("ca phe van phuk") is None  # no typo correction: that is the search's work
    assert index.exact("") is None
