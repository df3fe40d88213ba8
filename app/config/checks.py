"""What ``Settings.check`` verifies before anything starts: production refuses to start without a secret an enabled
channel needs, and every number must be in its range; development warns instead."""

from __future__ import annotations

import logging
from pathlib import Path

from app.config.constants import CHANNELS, CLOCK_SKEW, DEDUP_SECONDS, REQUIRED, SIGNING_SECRETS, ConfigError
from app.config.fields import Fields

log = logging.getLogger(__name__)


def check(settings: Fields) -> None:
    """Production refuses to start without a secret an enabled channel needs; development warns."""
    if settings.TONGDAI_ENV not in ("development", "production"):
        raise ConfigError(f"TONGDAI_ENV must be development or production, got {settings.TONGDAI_ENV!r}")
    unknown = set(settings.channels) - set(CHANNELS)
    if unknown:
        raise ConfigError(f"TONGDAI_CHANNELS has unknown channels: {', '.join(sorted(unknown))}")
    for channel in settings.channels:
        for name in REQUIRED[channel]:
            if getattr(settings, name):
                continue
            if settings.production:
                raise ConfigError(f"{name} is required in production for the {channel} channel "
                                  "(it is unset, empty or only blanks)")
            if name in SIGNING_SECRETS:
                log.warning("DEVELOPMENT MODE: %s is not set, so %s requests are NOT verified", name, channel)
            else:
                log.warning("DEVELOPMENT MODE: %s is not set (%s channel)", name, channel)
    check_state(settings)
    check_outbound(settings)


def check_state(settings: Fields) -> None:
    if settings.REDIS_URL and not settings.TONGDAI_SENDER_SALT:
        if settings.production:
            raise ConfigError("TONGDAI_SENDER_SALT is required in production when REDIS_URL is set")
        log.warning("DEVELOPMENT MODE: TONGDAI_SENDER_SALT is not set; senders are hashed with a fixed salt")
    if settings.production and not settings.REDIS_URL:
        log.warning("REDIS_URL is not set: cache, conversations and rate limits are per process, so a choice "
                    "made on one worker is unknown to the others")
    for name in ("TONGDAI_CACHE_TTL", "TONGDAI_RATE_LIMIT", "TONGDAI_LOOP_LIMIT", "TONGDAI_REDIS_RETRY",
                 "TONGDAI_API_RATE_LIMIT"):
        if getattr(settings, name) < 0:
            raise ConfigError(f"{name} must not be negative")
    if not 60 <= settings.TONGDAI_REPLAY_WINDOW <= DEDUP_SECONDS - CLOCK_SKEW:
        raise ConfigError(f"TONGDAI_REPLAY_WINDOW must be between 60 and {DEDUP_SECONDS - CLOCK_SKEW} seconds: "
                          "older events would outlive their de-duplication and could be replayed")
    settings.gateway_allow  # noqa: B018 (parsed here so that a wrong address stops the start)
    for name in ("TONGDAI_REDIS_TIMEOUT_MS", "TONGDAI_REDIS_CONNECT_MS", "TONGDAI_STATS_DAYS"):
        if getattr(settings, name) < 1:
            raise ConfigError(f"{name} must be at least 1")
    check_data(settings)


def check_outbound(settings: Fields) -> None:
    settings.quiet_hours  # noqa: B018 (parsed once, here, so that a wrong value stops the start)
    for name in ("TONGDAI_WORKER_POLL", "TONGDAI_ZALO_MAX_ATTEMPTS", "TONGDAI_ZALO_BACKOFF",
                 "TONGDAI_ZALO_BACKOFF_MAX", "TONGDAI_ZALO_CONNECT_TIMEOUT", "TONGDAI_ZALO_READ_TIMEOUT",
                 "TONGDAI_ZALO_WINDOW_HOURS"):
        if getattr(settings, name) <= 0:
            raise ConfigError(f"{name} must be more than 0")
    if settings.TONGDAI_ZALO_UNKNOWN_DELAY < 0:
        raise ConfigError("TONGDAI_ZALO_UNKNOWN_DELAY must not be negative")
    # Opt-outs are kept by salted hash on disk or in Redis whenever a resident can opt out
    # (app.outbound.consent): with the public development salt a hash can be reversed by trying every phone number.
    can_opt_out = set(settings.channels) & {"twilio", "gateway", "zalo"}
    if settings.production and not settings.TONGDAI_SENDER_SALT and can_opt_out:
        raise ConfigError("TONGDAI_SENDER_SALT is required in production: opt-outs are kept by salted hash")


def check_data(settings: Fields) -> None:
    """The data settings alone: what every ``tongdai`` command needs, secrets or not."""
    if settings.TONGDAI_DATA_DIR and not Path(settings.TONGDAI_DATA_DIR).is_dir():
        raise ConfigError(f"the data directory {settings.TONGDAI_DATA_DIR} (--data-dir or TONGDAI_DATA_DIR) "
                          "does not exist or is not a directory")
    if not settings.TONGDAI_RELOAD_SECONDS >= 0:
        raise ConfigError("TONGDAI_RELOAD_SECONDS must be 0 (never) or a number of seconds")
    if not 0 <= settings.TONGDAI_IMPORT_MAX_LOSS <= 1:
        raise ConfigError(f"TONGDAI_IMPORT_MAX_LOSS must be a share between 0 and 1 such as 0.2, "
                          f"got {settings.TONGDAI_IMPORT_MAX_LOSS}")
    for name in ("TONGDAI_PULL_TIMEOUT", "TONGDAI_PULL_MAX_MB"):
        if not getattr(settings, name) > 0:
            raise ConfigError(f"{name} must be more than 0")

