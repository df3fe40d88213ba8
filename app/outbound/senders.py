"""The senders of the outbox's channels, one per channel that can send (``Settings.outbound_channels``), each the
channel's own (``Channel.sender``: Twilio's REST API, the aggregator's MT API, Zalo's CS API).

A job's stored request holds the recipient and the text only; credentials are added by the sender at send time, so
the outbox and its dead letters never hold a secret.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.channels.registry import CHANNELS
from app.config import Settings
from app.outbound.delivery import Outcome, Sender
from app.outbox.base import OutboxStore


class Senders(dict[str, Sender]):
    """One sender per channel (``Senders(zalo=...)``); a job on a channel without one is retried, then dead-lettered."""

    def on(self, channel: str) -> Sender:
        return self.get(channel) or Unconfigured(channel)


class Unconfigured:
    def __init__(self, channel: str) -> None:
        self.channel = channel

    def send(self, body: dict[str, Any]) -> Outcome:
        return Outcome(False, True, "not_configured", f"no sender for the {self.channel} channel")


def make_senders(settings: Settings, box: OutboxStore, timeout: tuple[float, float],
                 channels: Iterable[str] | None = None) -> Senders:
    """A sender for each channel that can send (``Settings.outbound_channels``)."""
    wanted = set(settings.outbound_channels() if channels is None else channels)
    # Zalo's reads the token store, which may be slow to answer (the worker tries again until it does)
    return Senders({channel.name: channel.sender(settings, box, timeout) for channel in CHANNELS
                    if channel.name in wanted})
