"""How much matching one message cost: searches run, query words considered, words ignored over a bound.

Every bound on the work of a message (words read, prefixes tried, typo look-ups) is a named constant next to
the code it limits. The counts here make those bounds checkable without a clock: a test runs a message
inside ``measured()`` and asserts, say, that a 2,000-word ``GIADAT`` ran at most a dozen searches. Outside
``measured()`` counting costs one context-variable read.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class Work:
    searches: int = 0  # Index.search calls (an Index.lookup is one)
    words: int = 0  # query words the vocabulary considered, summed over searches
    corrections: int = 0  # typo look-ups in a vocabulary (at most one or two per word)
    scored: int = 0  # records scored in detail times the query words each is scored against
    ignored: int = 0  # words past a bound, not read at all


_CURRENT: ContextVar[Work | None] = ContextVar("tongdai_work", default=None)


@contextmanager
def measured() -> Iterator[Work]:
    """Count the work done inside the ``with`` block (this thread or task only)."""
    work = Work()
    token = _CURRENT.set(work)
    try:
        yield work
    finally:
        _CURRENT.reset(token)


def note(*, searches: int = 0, words: int = 0, corrections: int = 0, scored: int = 0, ignored: int = 0) -> None:
    work = _CURRENT.get()
    if work is not None:
        work.searches += searches
        work.words += words
        work.corrections += corrections
        work.scored += scored
        work.ignored += ignored
