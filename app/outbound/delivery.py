"""What became of one send to a provider, for any channel that sends from the outbox (Zalo today; SMS through
Twilio REST or a gateway can reuse it): sent, refused for good, worth another try, or unknown.

Unknown is the case that decides how often a resident can get the same reply: the request went out and no answer came
back (a read timeout, a connection reset after the request was written, a gateway's 502/504), so the provider may have
delivered it. ``app.outbound.worker`` retries an unknown outcome at most once, after a longer delay, and counts a worker
or store crash in the middle of a send as one too (``Job.unsure``), so that no fault sends a reply more than twice:
``MAX_UNSURE`` attempts that may have been delivered, then a dead letter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

MAX_UNSURE = 2  # sends that may have reached the resident; one more would make a third copy possible
UNKNOWN = "outcome unknown"  # how a dead letter of that kind starts, for operators
NO_ANSWER_STATUSES = frozenset({502, 504})  # a gateway that passed the request on and got no answer


@dataclass(frozen=True)
class Outcome:
    ok: bool
    retry: bool = False
    reason: str = ""  # a short label for metrics and the dead-letter list
    detail: str = ""
    unknown: bool = False  # the request may have been delivered although it did not succeed here

    def __str__(self) -> str:
        return "sent" if self.ok else f"{self.reason}{': ' + self.detail if self.detail else ''}"


SENT = Outcome(True)


class Sender(Protocol):
    def send(self, body: dict[str, Any]) -> Outcome: ...


def never_connected(exc: requests.RequestException) -> bool:
    """True when the request cannot have reached the provider: no connection was ever made."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    cause = exc.args[0] if exc.args else None
    return isinstance(cause, MaxRetryError) and isinstance(cause.reason, NewConnectionError)


def request_failed(exc: requests.RequestException) -> Outcome:
    """The outcome of a request that raised: a retry, unknown unless no connection was ever made."""
    if never_connected(exc):
        return Outcome(False, True, "network", type(exc).__name__)
    label = "timeout" if isinstance(exc, requests.Timeout) else "network"
    return Outcome(False, True, label, type(exc).__name__, unknown=True)


def status_failed(status: int) -> Outcome:
    """An HTTP status other than the provider's own answer: try again later; unknown from a gateway that timed out
    or lost its upstream after passing the request on."""
    return Outcome(False, True, f"http_{status}", unknown=status in NO_ANSWER_STATUSES)
