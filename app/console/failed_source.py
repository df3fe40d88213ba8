"""Where ``/console/failed`` reads and re-sends the dead letters of every channel: the same outbox, preview and
re-send (``app.outbound.deadletters``) as ``tongdai deadletters list|resend``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app

from app.message import masked
from app.outbound import deadletters
from app.outbound.deadletters import preview
from app.outbound.notices import outbox as shared_outbox
from app.outbox.base import OutboxStore
from app.services import services


@dataclass(frozen=True)
class Letter:
    id: int
    channel: str
    recipient: str  # masked
    failed_at: str
    attempts: int
    reason: str  # the provider's error as the sender recorded it
    preview: str


def outbox() -> OutboxStore:
    """The app's one outbox, shared with the channels and the worker thread (``app.outbound.notices.outbox``)."""
    return shared_outbox(current_app._get_current_object())  # type: ignore[attr-defined]


def letters() -> list[Letter]:
    return [Letter(d.id, d.channel, masked(d.user_id),
                   datetime.fromtimestamp(d.created_at, UTC).isoformat(" ", "seconds"), d.attempts, d.reason,
                   preview(d, 200)) for d in outbox().dead_letters()]


def resend(ids: list[int] | None) -> list[tuple[int, bool, str]]:
    """Send these dead letters (all when ``ids`` is None) again now: (id, sent, outcome) for each."""
    box = outbox()
    done = deadletters.resend(services().settings, box, box.dead_letters(ids))
    return [(letter.id, bool(outcome.ok), str(outcome)) for letter, outcome in done]


def depth() -> dict[str, int]:
    return outbox().counts()
