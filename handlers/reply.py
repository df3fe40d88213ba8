"""The channel-neutral reply every handler returns; renderers turn it into SMS, Zalo text or JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Status = Literal["found", "ambiguous", "not_found", "help", "error"]
Lang = Literal["vi", "en"]


@dataclass(frozen=True)
class Field:
    """One labelled fact. ``label`` may be empty for a plain line of text."""

    label: str
    value: str
    sms: bool = True  # False: too long or too minor for an SMS; Zalo and JSON still show it


@dataclass(frozen=True)
class Option:
    """One choice of an ambiguous answer (or a "did you mean" suggestion)."""

    number: int
    label: str  # the name
    detail: str  # what tells it apart: address, ward
    command: str  # a message that selects exactly this option, e.g. "ATTP Pho Hoa Le Duan"


@dataclass(frozen=True)
class Footer:
    as_of: date
    source: str
    sample: bool = False


@dataclass(frozen=True)
class Match:
    dataset: str
    id: str
    name: str
    score: float


@dataclass(frozen=True)
class Reply:
    intent: str  # the handler's keyword in lower case (attp, bus, mt, giadat, kcb, hd, truong...), "guess" or "none"
    status: Status
    lang: Lang
    title: str
    fields: tuple[Field, ...] = ()
    options: tuple[Option, ...] = ()
    more: int = 0  # options beyond those listed
    hint: str = ""  # what to send next: how to choose, or the syntax
    footer: Footer | None = None
    matches: tuple[Match, ...] = field(default=(), compare=False)
    # Close results beyond ``options`` (numbered on from them, each selected by a cheap id command), for a
    # channel that keeps the conversation to page through with THEM; renderers show only ``more``.
    pending: tuple[Option, ...] = field(default=(), compare=False)
