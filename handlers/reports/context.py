"""Who is reporting, and where tickets go: set by the app around one message, read by the PA/TT keywords.

The registry's handlers take a ``Request`` without a sender (lookups need none); reports are the one thing that
must know who sent the message, so the app passes that here for the length of the answer (``reporting``).
Without it (``tongdai ask``) PA and TT say that reports are taken by SMS and Zalo only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from handlers.reports.catalog import ServiceCatalog
from handlers.reports.store import TicketStore
from lookups.places import Gazetteer


@dataclass(frozen=True)
class Desk:
    """What every report needs, built once per app."""

    store: TicketStore
    services: ServiceCatalog
    places: Gazetteer
    daily_limit: int = 5


@dataclass(frozen=True)
class Reporter:
    open_desk: Callable[[], Desk]  # the database is opened on the first report, not for every lookup
    channel: str
    sender: str  # the phone number or Zalo id, for notifications; "" when unknown
    sender_hash: str
    # codes of tickets filed without a place during this message: the app asks for it in the conversation
    asked_place: list[str] = field(default_factory=list, compare=False)

    @property
    def desk(self) -> Desk:
        return self.open_desk()


_CURRENT: ContextVar[Reporter | None] = ContextVar("tongdai_reporter", default=None)


@contextmanager
def reporting(reporter: Reporter | None) -> Iterator[None]:
    token = _CURRENT.set(reporter)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def current() -> Reporter | None:
    return _CURRENT.get()
