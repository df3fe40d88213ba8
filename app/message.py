"""What crosses from a channel to the answer path: one inbound message, the same for every channel, and what the
stores (``sender_hash``) and the logs (``masked``) know of its sender."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Kind = Literal["text", "location", "follow", "unfollow", "unsupported", "ignored"]


@dataclass(frozen=True)
class InboundMessage:
    channel: str  # twilio | gateway | zalo | api
    sender: str  # phone number or Zalo user id; never logged in clear beyond debug
    text: str
    message_id: str  # the provider's id (MessageSid, smsid, msg_id), for de-duplication
    received_at: datetime
    kind: Kind = "text"
    latitude: float | None = None
    longitude: float | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False)  # provider fields a reply needs back


def sender_hash(salt: str, channel: str, sender: str) -> str:
    """What the store knows of a sender: a salted hash, never the phone number or Zalo id."""
    return hmac.new(salt.encode(), f"{channel}:{sender}".encode(errors="surrogatepass"),
                    hashlib.sha256).hexdigest()[:20]


SHOWN = 4  # the characters of a recipient that logs and pages show: its last four
HIDDEN = 4  # at least as many hidden, or none shown


def masked(user_id: object) -> str:
    """A recipient (phone number or Zalo id) fit for logs and pages: its last four characters ("…3456"), enough to
    tell two apart in a list, not to find either; nothing of one too short to hide as many ("…"); "" for none."""
    text = str(user_id)
    if len(text) < SHOWN + HIDDEN:
        return "…" if text else ""
    return "…" + text[-SHOWN:]
