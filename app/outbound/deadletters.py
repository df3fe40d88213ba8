"""Dead letters of every channel, read and re-sent the same way by ``tongdai deadletters`` (app.cli.ops) and the
console's ``/console/failed`` page: one preview of a message and one re-send through each letter's own channel."""

from __future__ import annotations

import json
from typing import Any

from app.config import Settings
from app.outbound.delivery import Outcome
from app.outbound.policy import WorkerConfig
from app.outbound.senders import make_senders
from app.outbox.base import DeadLetter, OutboxStore


def preview(letter: DeadLetter, width: int = 60) -> str:
    """The message's text on one line, at most ``width`` characters (a Zalo list as ``[list of N]``)."""
    body: dict[str, Any] = json.loads(letter.message)
    message: dict[str, Any] = body.get("message", body)  # Zalo's envelope, or an SMS's {"to", "text"}
    if "text" in message:
        text = " ".join(str(message["text"]).split())
        return text if len(text) <= width else text[:width - 1] + "…"
    elements = message.get("attachment", {}).get("payload", {}).get("elements", [])
    return f"[list of {len(elements)}]"


def resend(settings: Settings, box: OutboxStore, letters: list[DeadLetter]) -> list[tuple[DeadLetter, Outcome]]:
    """Send each letter again now on its own channel; a sent one leaves the dead letters."""
    if not letters:
        return []
    channels = sorted({letter.channel for letter in letters})
    senders = make_senders(settings, box, WorkerConfig.from_settings(settings).timeout, channels)
    done = []
    for letter in letters:
        outcome = senders.on(letter.channel).send(json.loads(letter.message))
        if outcome.ok:
            box.resent(letter)
        done.append((letter, outcome))
    return done
