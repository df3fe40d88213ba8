"""What the PA/TT keywords need from wherever tickets are kept, and the ticket as they see it.

The keywords never touch a database: ``app.reports.repository`` implements ``TicketStore`` on SQLAlchemy, and
tests may implement it with a dict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from handlers.report_status import CLOSED, SETTABLE, STATUSES, Status

# The statuses live in handlers.report_status (read without registering the keywords); named here too.
__all__ = ["CLOSED", "SETTABLE", "STATUSES", "Filed", "NewTicket", "Place", "Status", "Ticket", "TicketStore"]


@dataclass(frozen=True)
class Place:
    """Where a report is, as far as the text (or a Zalo location) says."""

    street: str = ""
    ward: str = ""
    address: str = ""  # as it will be shown: "120 Lê Duẩn, Hải Châu"
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class NewTicket:
    description: str
    service_code: str
    agency: str
    place: Place
    channel: str  # twilio | gateway | zalo | api | open311
    sender_hash: str  # salted; "" for none (Open311 without a device id)
    contact: str  # the phone number or Zalo id notifications go to; "" when anonymous
    text_hash: str  # same text, same sender, same day: the same ticket
    lang: str
    due_at: datetime | None
    anonymous: bool = False
    media_url: str = ""
    token: str = ""


@dataclass(frozen=True)
class Filed:
    code: str
    text_hash: str
    created_at: datetime


@dataclass(frozen=True)
class Ticket:
    code: str  # without "PA-"
    description: str
    service_code: str
    agency: str
    status: Status
    public_note: str
    duplicate_of: str
    place: Place
    channel: str
    anonymous: bool
    created_at: datetime
    updated_at: datetime
    due_at: datetime | None
    closed_at: datetime | None
    lang: str = "vi"
    media_urls: tuple[str, ...] = field(default=())


class TicketStore(Protocol):
    def create(self, ticket: NewTicket, now: datetime) -> Ticket:
        """Store a new ticket with a fresh code and its first history entry."""

    def recent(self, sender_hash: str, since: datetime, limit: int) -> list[Filed]:
        """The sender's tickets filed since ``since``, newest first, at most ``limit``: one query answers both
        "the same text again?" and "how many today?"."""

    def get(self, code: str) -> Ticket | None: ...

    def set_place(self, code: str, sender_hash: str, place: Place, now: datetime, within: int) -> bool:
        """Give ticket ``code`` a place (street, ward, address) if it is one of the sender's latest ``within``
        tickets; False (nothing changed) when it is not."""

    def owns(self, code: str, sender_hash: str, within: int) -> bool:
        """Is ticket ``code`` one of the sender's latest ``within`` tickets?"""

    def existing(self, codes: set[str]) -> set[str]:
        """Those of ``codes`` that are tickets."""

    def latest(self, sender_hash: str, limit: int) -> list[Ticket]:
        """The sender's most recent tickets, newest first."""
