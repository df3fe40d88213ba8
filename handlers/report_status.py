"""A citizen report's (PA ticket's) statuses. Apart from ``handlers.reports``, whose import registers the PA and TT
keywords and so loads the answer path: ``tongdai reports`` offers these as ``--status`` choices without it."""

from __future__ import annotations

from typing import Literal

Status = Literal["received", "in_progress", "resolved", "duplicate", "rejected"]
STATUSES: tuple[Status, ...] = ("received", "in_progress", "resolved", "duplicate", "rejected")
CLOSED: frozenset[str] = frozenset({"resolved", "duplicate", "rejected"})
SETTABLE: tuple[Status, ...] = STATUSES[1:]  # what an operator may set: a ticket is received when it is filed
