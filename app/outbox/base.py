"""What the outbound path of every channel needs from a store, with two implementations: SQLite (``app.outbox.sqlite``,
one machine) and Redis (``app.outbox.redis``, when ``REDIS_URL`` is set). The retry policy is not here: it lives
once, in ``app.outbound.worker.process``, and the stores only record what it decided.

A store holds the jobs (one per verified Zalo webhook event, de-duplicated on Zalo's ``msg_id``, and one per notice,
de-duplicated on the key its caller gave, see ``app.outbound.notices``), each with its channel and one clock,
``next_attempt_at``, which a claim pushes one lease ahead; the dead letters; and the OA token pair with the lease that
lets one worker at a time spend the single-use refresh token.

Nothing in a job's bookkeeping is Zalo's: it is a channel, a message id, a recipient, the event to answer (empty for a
notice) and the request built once (for a notice, at enqueue), which ``app.outbound.senders`` sends on the job's
channel. Jobs stored by a version without channels read as Zalo's. For the at-most-twice rule
(``app.outbound.delivery``) a claim marks its job in flight and every recorded result clears the mark; a claim that
finds the mark still there (the worker or the store died mid-send) counts the lost attempt as an unknown outcome in
``Job.unsure``, as ``retry(..., unknown=True)`` counts a timeout.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

LEASE_SECONDS = 120.0  # longer than one send with a token refresh and its retry (4 requests of <= 13 s)


class OutboxUnavailable(Exception):
    """The store cannot be reached: the webhook answers 503 so that Zalo delivers the event again later."""


@dataclass(frozen=True)
class Job:
    id: int
    msg_id: str
    user_id: str
    event: str
    attempts: int  # including the one just claimed
    message: str | None
    unsure: int = 0  # earlier attempts that may have been delivered (unknown outcomes, crashes mid-send)
    channel: str = "zalo"  # zalo | twilio | gateway


@dataclass(frozen=True)
class DeadLetter:
    id: int
    job_id: int
    user_id: str
    message: str
    reason: str
    attempts: int
    created_at: float
    resent_at: float | None
    channel: str = "zalo"


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_at: float | None  # epoch seconds; None when unknown


class TokenStore(Protocol):
    def load(self) -> TokenPair | None: ...

    def save(self, pair: TokenPair, now: float) -> None:
        """Store ``pair``, durably when this returns, and end any refresh lease."""

    def seed(self, pair: TokenPair, now: float) -> bool:
        """Store ``pair`` only if no pair is stored; True when it was stored."""

    def take_lease(self, owner: str, now: float, seconds: float) -> bool:
        """The refresh lease for ``owner`` (taken again by the same owner), unless another holds an unexpired one.
        Only succeeds when a pair is stored."""

    def end_lease(self, owner: str) -> None: ...


class OutboxStore(Protocol):
    lease: float  # seconds a claimed job stays invisible to other workers

    @property
    def token_store(self) -> TokenStore: ...

    @property
    def where(self) -> str:
        """Where the store is, for logs and operators (never a password)."""

    def exists(self) -> bool:
        """False while nothing was ever stored (so polling creates nothing)."""

    def enqueue(self, msg_id: str, user_id: str, event: str, now: float | None = None, *, channel: str = "zalo",
                message: str | None = None, due: float | None = None) -> bool:
        """Store a verified event, or a notice (``event`` empty, ``message`` its request); False when ``msg_id`` was
        stored before. ``due``: not before then (quiet hours). Raises ``OutboxUnavailable``."""

    def claim(self, now: float | None = None) -> Job | None:
        """The oldest due job, leased to the caller for ``lease`` seconds and marked in flight until a result is
        recorded; None when nothing is due."""

    def save_message(self, job_id: int, message: str) -> None: ...

    def done(self, job_id: int) -> None: ...

    def fail(self, job_id: int, reason: str) -> None:
        """Given up without a dead letter: Zalo said a re-send cannot succeed."""

    def retry(self, job_id: int, reason: str, at: float, unknown: bool = False) -> None:
        """Due again at ``at``; ``unknown``: this attempt may have been delivered (counted in ``unsure``)."""

    def postpone(self, job_id: int, reason: str, at: float) -> None:
        """Due again at ``at`` without a send: the claim's attempt is given back (quiet hours)."""

    def dead_letter(self, job: Job, message: str, reason: str) -> int: ...

    def dead_letters(self, ids: list[int] | None = None) -> list[DeadLetter]:
        """Dead letters not yet re-sent, oldest first; only ``ids`` when given."""

    def resent(self, letter: DeadLetter) -> None: ...

    def dead_letter_count(self) -> float:
        """For the ``tongdai_dead_letters`` gauge; NaN when the store cannot be read."""

    def counts(self) -> dict[str, int]:
        """Jobs by state (pending, done, failed, dead), states with none left out."""

    def purge(self, before: float) -> int:
        """Forget finished jobs older than ``before``; they were kept so a late re-delivery is still recognised."""

    def wake(self) -> None:
        """Cut short a ``wait`` in this process (safe from a signal handler: no I/O)."""

    def wait(self, timeout: float) -> None:
        """Until something is enqueued (by any process the store can tell about), ``wake`` or ``timeout``."""

    def check(self) -> None:
        """Log what makes this store unsafe for production (once, at worker start)."""
