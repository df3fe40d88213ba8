"""Where ``/console/failed`` reads and re-sends dead letters: the same outbox and sender as
``tongdai deadletters list|resend`` (``app.cli_ops``). All the page's data access is here, so that dead letters of
other channels plug in at one place."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app

from app.outbox_base import OutboxStore, open_outbox
from app.services import services
from app.worker import WorkerConfig
from app.zalo_api import make_sender, masked

BOX = "tongdai.console.outbox"


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
    found = current_app.extensions.get(BOX)
    if found is None:
        found = current_app.extensions[BOX] = open_outbox(services().settings)
    return found


def _preview(raw: str) -> str:
    message: dict[str, Any] = json.loads(raw).get("message", {})
    if "text" in message:
        return " ".join(str(message["text"]).split())[:200]
    elements = message.get("attachment", {}).get("payload", {}).get("elements", [])
    return f"[list of {len(elements)}]"


def letters() -> list[Letter]:
    return [Letter(d.id, "zalo", masked(d.user_id), datetime.fromtimestamp(d.created_at, UTC).isoformat(" ", "seconds"),
                   d.attempts, d.reason, _preview(d.message)) for d in outbox().dead_letters()]


def resend(ids: list[int] | None) -> list[tuple[int, bool, str]]:
    """Send these dead letters (all when ``ids`` is None) again now: (id, sent, outcome) for each."""
    box = outbox()
    found = box.dead_letters(ids)
    if not found:
        return []
    sender = make_sender(services().settings, box, WorkerConfig.from_env().timeout)
    done = []
    for letter in found:
        outcome = sender.send(json.loads(letter.message))
        if outcome.ok:
            box.resent(letter)
        done.append((letter.id, bool(outcome.ok), str(outcome)))
    return done


def depth() -> dict[str, int]:
    return outbox().counts()
