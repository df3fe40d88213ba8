"""No message costs unbounded work: searches and words read per message, counted by ``lookups.work``, not timed.

Each message goes through ``handlers.dispatch.handle``, the path every channel and ``tongdai ask`` use. If a
bound is removed (the GIADAT prefix split, the words a search reads, the words a message is cut to), these
counts grow with the message and the assertions fail; ``test_the_counts_catch_a_removed_bound`` shows it.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers import dispatch, land_price
from handlers.dispatch import handle
from lookups import vocab
from lookups.store import Catalog
from lookups.work import Work, measured

NOW = datetime(2026, 11, 4, 1, 0, tzinfo=UTC)
# The requirements, as numbers of their own: the bounds under test must not set them. A message with no
# keyword is looked up in 4 datasets, then answered by the one that has a winner: at most GIADAT's split
# (8 prefixes) and its search. A list's selecting messages cost no search (tests/test_selectors.py).
MAX_SEARCHES = 4 + 8 + 1
MAX_WORDS_PER_SEARCH = 32
MAX_SCORED_PER_SEARCH = 32 * 16  # records scored x words: 32 records of a 16-word query, fewer for longer ones
KEYWORDS = ("ATTP", "BUS", "MT", "GIADAT", "KCB", "HD", "")


def _streets(catalog: Catalog) -> str:
    with (catalog.data_dir / "gazetteer" / "streets.csv").open(encoding="utf-8") as handle_:
        return " ".join(sorted({row["street"] for row in csv.DictReader(handle_)}))


def _arguments(catalog: Catalog) -> dict[str, str]:
    return {
        "2,000 one-letter words": " ".join("abcdeghiklmnopqrstuvxy"[i % 22] for i in range(2000)),
        "nguyen x160": " ".join(["nguyen"] * 160),
        "every street": _streets(catalog),
        "every street, every street": _streets(catalog) + ", " + _streets(catalog),
        "digits": " ".join(str(n) for n in range(600)),
        "a 5,000-letter word": "phohoa" * 833,
        "emoji": "🍜😀 " * 500,
        "marks": "".join(ch + "\u0301" * 200 for ch in "pho hoa le duan"),
        "zero-width": "p\u200bh\u200bo h\u2060o\u00ada " * 200,
        "typos": " ".join(f"nguyqn{i}" for i in range(300)),
        "trip words": " den ".join(["tu cho han", "from market", "to"] * 100),  # a trip read many ways
    }


def _cases() -> list[tuple[str, str]]:
    return [(kw, name) for kw in KEYWORDS for name in _arguments(Catalog())]


def _run(text: str, catalog: Catalog) -> tuple[Work, str]:
    with measured() as work:
        reply = handle(text, catalog, NOW)
    return work, reply.status


@pytest.mark.parametrize(("keyword", "name"), _cases())
def test_every_keyword_bounds_its_work(catalog: Catalog, keyword: str, name: str) -> None:
    work, status = _run(f"{keyword} {_arguments(catalog)[name]}".strip(), catalog)
    assert status != "error"
    assert work.searches <= MAX_SEARCHES, work
    assert work.words <= work.searches * MAX_WORDS_PER_SEARCH, work
    assert work.corrections <= work.words, work
    assert work.scored <= work.searches * MAX_SCORED_PER_SEARCH, work


def test_a_2000_word_giadat_runs_a_dozen_searches(catalog: Catalog) -> None:
    work, status = _run("GIADAT " + _arguments(catalog)["2,000 one-letter words"], catalog)
    assert status == "not_found"
    assert work.searches <= 9, work  # the split and the name
    assert work.ignored >= 1900, work


def test_the_counts_catch_a_removed_bound(catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(land_price, "SPLIT_MAX_WORDS", 10**6)
    monkeypatch.setattr(vocab, "MAX_QUERY_WORDS", 10**6)
    work, _ = _run("GIADAT " + _arguments(catalog)["nguyen x160"], catalog)
    assert work.searches > MAX_SEARCHES and work.words > work.searches * MAX_WORDS_PER_SEARCH


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keyword=st.sampled_from(KEYWORDS), body=st.text(max_size=3000),
       words=st.lists(st.sampled_from(["nguyen", "a", "le", "duan", "pho", ",", "den", "1", "🍜", "\u200b"]),
                      max_size=600))
def test_any_text_is_answered_within_the_bounds(catalog: Catalog, keyword: str, body: str, words: list[str]) -> None:
    work, status = _run(f"{keyword} {' '.join(words)} {body}", catalog)
    assert status != "error"
    assert work.searches <= MAX_SEARCHES and work.words <= work.searches * MAX_WORDS_PER_SEARCH, work
    assert work.scored <= work.searches * MAX_SCORED_PER_SEARCH, work


def test_a_long_message_is_cut_and_the_cut_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="handlers.dispatch"), measured() as work:
        kept = dispatch.clean("attp pho hoa " + "x " * 50_000)
    assert len(kept) <= dispatch.MAX_TEXT and len(kept.split()) <= dispatch.MAX_WORDS
    assert kept.startswith("attp pho hoa x")
    assert work.ignored > 0 and "long message (100013 characters)" in caplog.text


@pytest.mark.parametrize("text", ["attp pho hoa le duan", "ATTP Phở Hòa", "bus 05", "x " * 80])
def test_a_normal_message_is_read_whole_and_not_logged(text: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="handlers.dispatch"):
        assert dispatch.clean(text) == text
    assert not caplog.text
