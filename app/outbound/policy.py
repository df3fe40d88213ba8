"""How the outbox worker (``app.outbound.worker``) treats a job: attempts and back-off before a dead letter, the wait
before re-sending what may have been delivered, the provider timeouts, and what holds a notice back (quiet hours,
Zalo's free window). From the settings (``TONGDAI_ZALO_*``, ``TONGDAI_QUIET_HOURS``), or given whole in tests."""

from __future__ import annotations

from dataclasses import dataclass

from app.config import Settings
from app.config.fields import Window


@dataclass(frozen=True)
class WorkerConfig:
    max_attempts: int = 10  # then the message goes to the dead letters
    backoff: float = 2.0  # seconds before the 2nd attempt; doubled each time
    backoff_max: float = 600.0
    unknown_delay: float = 120.0  # before the one re-send of a message the provider may have delivered
    poll: float = 1.0  # seconds between looks at the outbox when it is idle
    connect_timeout: float = 3.05
    read_timeout: float = 10.0
    quiet: Window = None  # local hours without proactive SMS (``TONGDAI_QUIET_HOURS``)
    zalo_window: float = 48 * 3600.0  # seconds after a Zalo user's last message that a notice may go

    @classmethod
    def from_settings(cls, settings: Settings) -> WorkerConfig:
        return cls(settings.TONGDAI_ZALO_MAX_ATTEMPTS, settings.TONGDAI_ZALO_BACKOFF, settings.TONGDAI_ZALO_BACKOFF_MAX,
                   settings.TONGDAI_ZALO_UNKNOWN_DELAY, settings.TONGDAI_WORKER_POLL,
                   settings.TONGDAI_ZALO_CONNECT_TIMEOUT, settings.TONGDAI_ZALO_READ_TIMEOUT,
                   settings.quiet_hours, settings.TONGDAI_ZALO_WINDOW_HOURS * 3600)

    @property
    def timeout(self) -> tuple[float, float]:
        return self.connect_timeout, self.read_timeout

    def delay(self, attempts: int) -> float:
        return float(min(self.backoff_max, self.backoff * 2 ** max(0, attempts - 1)))
