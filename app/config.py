"""Settings from the environment, read once by ``create_app``; never at import time."""

from __future__ import annotations

import difflib
import ipaddress
import logging
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from functools import cached_property
from pathlib import Path

from lookups.datasets.base import bundled_data_dir

log = logging.getLogger(__name__)

CHANNELS: tuple[str, ...] = ("twilio", "gateway", "zalo", "api")
# What each channel cannot run without in production.
REQUIRED: dict[str, tuple[str, ...]] = {
    # PUBLIC_BASE_URL: behind a TLS proxy the URL Twilio signed is only known for sure from configuration.
    "twilio": ("TWILIO_AUTH_TOKEN", "PUBLIC_BASE_URL"),
    "gateway": ("SMS_GATEWAY_KEY", "SMS_GATEWAY_CPID"),
    "zalo": ("ZALO_APP_ID", "ZALO_APP_SECRET", "ZALO_OA_SECRET_KEY"),
    "api": ("TONGDAI_API_KEY",),
}

# Senders are hashed with this in development only: hashes made with a public salt can be reversed by trying
# every phone number, which is why production refuses to keep state in Redis without its own salt.
DEV_SALT = "tongdai-development-salt"

SIGNING_SECRETS = frozenset({"TWILIO_AUTH_TOKEN", "SMS_GATEWAY_KEY", "ZALO_OA_SECRET_KEY", "TONGDAI_API_KEY"})
# Read without surrounding blanks: a secret pasted with a trailing newline is the same secret, and one made only
# of blanks is no secret at all (production refuses to start without it, naming it).
STRIPPED = frozenset({name for names in REQUIRED.values() for name in names}
                     | {"ZALO_ACCESS_TOKEN", "ZALO_REFRESH_TOKEN", "TONGDAI_SENDER_SALT", "REDIS_URL",
                        "TWILIO_ACCOUNT_SID", "SMS_GATEWAY_API_KEY", "SMS_GATEWAY_SECRET_KEY"})
# Provider message ids are de-duplicated for a day (app.exchange.DEDUP_TTL, the Zalo outbox's seen keys); an
# event or MO older than the replay window is refused, so the window must end before the de-duplication does,
# with room for the clocks of the provider and ours to differ by up to CLOCK_SKEW.
DEDUP_SECONDS = 86400
CLOCK_SKEW = 300
# Number settings: how their text is read, and what to say when it cannot be.
NUMBERS: dict[str, tuple[Callable[[str], float], str]] = {"int": (int, "a whole number"),
                                                          "float": (float, "a number")}



# --- Operator console (app.console) -----------------------------------------------------------------------------
# A channel like the others: on by default, and in production it cannot start without the key that signs its
# session cookies. Development signs them with a key made per process (sign-ins end when the process does).
CHANNELS = (*CHANNELS, "console")
REQUIRED["console"] = ("TONGDAI_SECRET_KEY",)
STRIPPED = STRIPPED | {"TONGDAI_SECRET_KEY"}
DEV_SECRET_KEY = secrets.token_hex(32)
# --- end of the console block ----------------------------------------------------------------------------------


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    TONGDAI_ENV: str = "development"
    TONGDAI_CHANNELS: str = ",".join(CHANNELS)
    PUBLIC_BASE_URL: str = ""
    TWILIO_AUTH_TOKEN: str = ""
    SMS_GATEWAY_KEY: str = ""
    ZALO_APP_ID: str = ""
    ZALO_APP_SECRET: str = ""
    ZALO_OA_SECRET_KEY: str = ""
    ZALO_ACCESS_TOKEN: str = ""
    ZALO_REFRESH_TOKEN: str = ""
    ZALO_API_BASE: str = "https://openapi.zalo.me"
    ZALO_OAUTH_BASE: str = "https://oauth.zaloapp.com"
    TONGDAI_API_KEY: str = ""
    REDIS_URL: str = ""
    TONGDAI_DATA_DIR: str = ""
    TONGDAI_STATE_DIR: str = "var"
    TONGDAI_MAX_BODY: int = 64 * 1024
    TONGDAI_SMS_BUDGET: int = 459
    # State (app.state): Redis when REDIS_URL is set, else an in-process stand-in.
    TONGDAI_REDIS_PREFIX: str = "tongdai:"
    TONGDAI_REDIS_TIMEOUT_MS: int = 50  # per Redis call; a slow Redis must not hold a reply up
    TONGDAI_REDIS_CONNECT_MS: int = 500  # a new connection (once per process, TLS included) may take longer
    TONGDAI_REDIS_RETRY: int = 3  # seconds between reconnection attempts while Redis is down
    TONGDAI_CACHE_TTL: int = 600
    TONGDAI_RATE_LIMIT: int = 10  # messages per sender per minute; 0 turns the limit off
    TONGDAI_LOOP_LIMIT: int = 20  # the same text from one sender this often in 5 minutes is a loop; 0 = off
    TONGDAI_SENDER_SALT: str = ""
    TONGDAI_STATS_DAYS: int = 90
    TONGDAI_API_RATE_LIMIT: int = 120  # operators' API calls per API key per minute; 0 = off
    TONGDAI_REPLAY_WINDOW: int = 82800  # seconds a Zalo event or gateway MO may be old (<= a day minus skew)
    SMS_GATEWAY_CPID: str = ""  # the cpid the aggregator gave us; MOs for another are refused
    SMS_GATEWAY_ALLOW: str = ""  # aggregator addresses or CIDRs, comma-separated; empty: any address
    # Citizen reports (app.reports): PostgreSQL in production, else a SQLite file in the state directory.
    DATABASE_URL: str = ""
    TONGDAI_REPORTS_DAILY_LIMIT: int = 5  # new tickets per sender per day; 0 turns the limit off
    TONGDAI_OPEN311_KEY: str = ""  # api_key of Open311 POST requests.json; TONGDAI_API_KEY when empty
    TONGDAI_OPEN311_TOKENS: int = 0  # 1: POST requests answers with a token (tokens/<token>), not the id
    # --- Outbound (issue 12): the outbox worker, the senders of every channel, quiet hours, the Zalo window ----
    # Every send (a Zalo reply, an SMS or Zalo notice) goes through one outbox (app.outbox.base); the ZALO_ names
    # are kept from when Zalo was its only channel, and apply to every channel's sends.
    TONGDAI_WORKER_THREAD: str = "1"  # 0/false/no/off: the web process runs no send worker (`tongdai worker` does)
    TONGDAI_WORKER_POLL: float = 1.0  # seconds between looks at an idle outbox
    TONGDAI_ZALO_MAX_ATTEMPTS: int = 10  # then the message is a dead letter
    TONGDAI_ZALO_BACKOFF: float = 2.0  # seconds before the 2nd attempt, doubled each time
    TONGDAI_ZALO_BACKOFF_MAX: float = 600.0
    TONGDAI_ZALO_UNKNOWN_DELAY: float = 120.0  # before the one re-send of a message that may have been delivered
    TONGDAI_ZALO_CONNECT_TIMEOUT: float = 3.05
    TONGDAI_ZALO_READ_TIMEOUT: float = 10.0
    TONGDAI_QUIET_HOURS: str = "21-7"  # local hours (Asia/Ho_Chi_Minh) with no proactive SMS; empty: none
    TONGDAI_ZALO_WINDOW_HOURS: float = 48.0  # a Zalo notice is free this long after the user's last message
    TWILIO_ACCOUNT_SID: str = ""
    TWILIO_FROM: str = ""  # the sender number, or ...
    TWILIO_MESSAGING_SERVICE_SID: str = ""  # ... a Messaging Service (used when set)
    TWILIO_API_BASE: str = "https://api.twilio.com"
    SMS_GATEWAY_MT_URL: str = "https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/"
    SMS_GATEWAY_API_KEY: str = ""
    SMS_GATEWAY_SECRET_KEY: str = ""
    SMS_GATEWAY_BRANDNAME: str = ""  # eSMS: a registered brandname, for SmsType 2
    SMS_GATEWAY_SMS_TYPE: str = "2"  # eSMS: 2 customer care (brandname), 8 fixed number

    @property
    def worker_thread(self) -> bool:
        return self.TONGDAI_WORKER_THREAD.strip().lower() not in ("0", "false", "no", "off")

    def outbound_channels(self) -> tuple[str, ...]:
        """The enabled channels that can send a message that is not an inline reply, and are configured to."""
        ready = {"zalo": True, "twilio": bool(self.TWILIO_ACCOUNT_SID and self.TWILIO_AUTH_TOKEN
                                              and (self.TWILIO_FROM or self.TWILIO_MESSAGING_SERVICE_SID)),
                 "gateway": bool(self.SMS_GATEWAY_API_KEY and self.SMS_GATEWAY_SECRET_KEY)}
        return tuple(c for c in self.channels if ready.get(c))

    def _check_outbound(self) -> None:
        from app.outbound.quiet import parse_quiet_hours  # here, not at import: config stays free of app imports

        parse_quiet_hours(self.TONGDAI_QUIET_HOURS)
        for name in ("TONGDAI_WORKER_POLL", "TONGDAI_ZALO_MAX_ATTEMPTS", "TONGDAI_ZALO_BACKOFF",
                     "TONGDAI_ZALO_BACKOFF_MAX", "TONGDAI_ZALO_CONNECT_TIMEOUT", "TONGDAI_ZALO_READ_TIMEOUT",
                     "TONGDAI_ZALO_WINDOW_HOURS"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be more than 0")
        if self.TONGDAI_ZALO_UNKNOWN_DELAY < 0:
            raise ConfigError("TONGDAI_ZALO_UNKNOWN_DELAY must not be negative")
        # Opt-outs are kept by salted hash on disk or in Redis whenever a resident can opt out
        # (app.outbound.consent): with the public development salt a hash can be reversed by trying every phone number.
        if self.production and not self.TONGDAI_SENDER_SALT and set(self.channels) & {"twilio", "gateway", "zalo"}:
            raise ConfigError("TONGDAI_SENDER_SALT is required in production: opt-outs are kept by salted hash")
    # --- end of the outbound block -------------------------------------------------------------------------
    # Data (lookups): passed down to the catalog and the importer, which never read the environment themselves.
    TONGDAI_RELOAD_SECONDS: float = 2.0  # how often a running service looks for a new data version; 0 = never
    TONGDAI_IMPORT_MAX_LOSS: float = 0.2  # share of records a new version may lose before --force is needed
    TONGDAI_SECRET_KEY: str = ""  # signs the console's session cookie (see the console block above)
    TONGDAI_MAP_TILES: str = ""  # the console's map tiles, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png
    TONGDAI_MAP_ATTRIBUTION: str = ""  # the tiles' required credit, shown on the map

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        source = os.environ if env is None else env
        values: dict[str, object] = {}
        for f in fields(cls):
            number = NUMBERS.get(str(f.type))
            if f.name in overrides and not (isinstance(overrides[f.name], str) and number):
                values[f.name] = overrides[f.name]
            elif f.name in overrides or f.name in source:  # text, as the environment gives it
                raw = str(overrides[f.name] if f.name in overrides else source[f.name])
                if number is None:
                    values[f.name] = raw
                    continue
                try:
                    values[f.name] = number[0](raw.strip())
                except ValueError:
                    raise ConfigError(f"{f.name} must be {number[1]}, got {raw!r}") from None
        for name in STRIPPED & values.keys():
            values[name] = str(values[name]).strip()
        warn_unknown(source)
        return cls(**values)  # type: ignore[arg-type]

    @property
    def production(self) -> bool:
        return self.TONGDAI_ENV == "production"

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(c.strip() for c in self.TONGDAI_CHANNELS.split(",") if c.strip())

    @property
    def state_dir(self) -> Path:
        return Path(self.TONGDAI_STATE_DIR)

    @property
    def data_dir(self) -> Path:
        """``TONGDAI_DATA_DIR``, or the bundled sample pack."""
        return Path(self.TONGDAI_DATA_DIR) if self.TONGDAI_DATA_DIR else bundled_data_dir()

    @cached_property
    def gateway_allow(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """The aggregator's addresses (``SMS_GATEWAY_ALLOW``); empty: any address may post MOs."""
        found = []
        for part in (p.strip() for p in self.SMS_GATEWAY_ALLOW.split(",")):
            if not part:
                continue
            try:
                found.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise ConfigError(f"SMS_GATEWAY_ALLOW has {part!r}, which is not an IP address or CIDR") from None
        return tuple(found)

    @property
    def secret_key(self) -> str:
        return self.TONGDAI_SECRET_KEY or DEV_SECRET_KEY

    @property
    def sender_salt(self) -> str:
        return self.TONGDAI_SENDER_SALT or DEV_SALT

    def check(self) -> None:
        """Production refuses to start without a secret an enabled channel needs; development warns."""
        if self.TONGDAI_ENV not in ("development", "production"):
            raise ConfigError(f"TONGDAI_ENV must be development or production, got {self.TONGDAI_ENV!r}")
        unknown = set(self.channels) - set(CHANNELS)
        if unknown:
            raise ConfigError(f"TONGDAI_CHANNELS has unknown channels: {', '.join(sorted(unknown))}")
        for channel in self.channels:
            for name in REQUIRED[channel]:
                if getattr(self, name):
                    continue
                if self.production:
                    raise ConfigError(f"{name} is required in production for the {channel} channel "
                                      "(it is unset, empty or only blanks)")
                if name in SIGNING_SECRETS:
                    log.warning("DEVELOPMENT MODE: %s is not set, so %s requests are NOT verified", name, channel)
                else:
                    log.warning("DEVELOPMENT MODE: %s is not set (%s channel)", name, channel)
        self._check_state()
        self._check_outbound()

    def _check_state(self) -> None:
        if self.REDIS_URL and not self.TONGDAI_SENDER_SALT:
            if self.production:
                raise ConfigError("TONGDAI_SENDER_SALT is required in production when REDIS_URL is set")
            log.warning("DEVELOPMENT MODE: TONGDAI_SENDER_SALT is not set; senders are hashed with a fixed salt")
        if self.production and not self.REDIS_URL:
            log.warning("REDIS_URL is not set: cache, conversations and rate limits are per process, so a choice "
                        "made on one worker is unknown to the others")
        for name in ("TONGDAI_CACHE_TTL", "TONGDAI_RATE_LIMIT", "TONGDAI_LOOP_LIMIT", "TONGDAI_REDIS_RETRY",
                     "TONGDAI_API_RATE_LIMIT"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must not be negative")
        if not 60 <= self.TONGDAI_REPLAY_WINDOW <= DEDUP_SECONDS - CLOCK_SKEW:
            raise ConfigError(f"TONGDAI_REPLAY_WINDOW must be between 60 and {DEDUP_SECONDS - CLOCK_SKEW} seconds: "
                              "older events would outlive their de-duplication and could be replayed")
        self.gateway_allow  # noqa: B018 (parsed here so that a wrong address stops the start)
        for name in ("TONGDAI_REDIS_TIMEOUT_MS", "TONGDAI_REDIS_CONNECT_MS", "TONGDAI_STATS_DAYS"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1")
        self.check_data()

    def check_data(self) -> None:
        """The data settings alone: what every ``tongdai`` command needs, secrets or not."""
        if self.TONGDAI_DATA_DIR and not Path(self.TONGDAI_DATA_DIR).is_dir():
            raise ConfigError(f"the data directory {self.TONGDAI_DATA_DIR} (--data-dir or TONGDAI_DATA_DIR) "
                              "does not exist or is not a directory")
        if not self.TONGDAI_RELOAD_SECONDS >= 0:
            raise ConfigError("TONGDAI_RELOAD_SECONDS must be 0 (never) or a number of seconds")
        if not 0 <= self.TONGDAI_IMPORT_MAX_LOSS <= 1:
            raise ConfigError(f"TONGDAI_IMPORT_MAX_LOSS must be a share between 0 and 1 such as 0.2, "
                              f"got {self.TONGDAI_IMPORT_MAX_LOSS}")


# --- Unknown variables -------------------------------------------------------------------------------------------
PREFIX = "TONGDAI_"
NOT_SETTINGS = ("TONGDAI_TEST_",)  # the test suite's own switches (tests/redis_kit.py)
_warned: set[str] = set()  # once per process: create_app runs again in every test and every worker


def unknown_names(env: Mapping[str, str]) -> list[tuple[str, str | None]]:
    """``TONGDAI_*`` variables no setting reads, each with the known name it most resembles (or None)."""
    known = {f.name for f in fields(Settings) if f.name.startswith(PREFIX)}
    tails = {name[len(PREFIX):]: name for name in known}  # compared without the prefix every name shares

    def nearest(name: str) -> str | None:
        found = difflib.get_close_matches(name[len(PREFIX):], tails, n=1, cutoff=0.6)
        return tails[found[0]] if found else None

    return [(name, nearest(name)) for name in sorted(env)
            if name.startswith(PREFIX) and name not in known and not name.startswith(NOT_SETTINGS)]


def warn_unknown(env: Mapping[str, str]) -> None:
    """A misspelt setting is otherwise silently ignored: say so, naming the one it was probably meant to be."""
    for name, near in unknown_names(env):
        if name not in _warned:
            _warned.add(name)
            log.warning("%s is not a tongdai setting and is ignored%s", name,
                        f"; did you mean {near}?" if near else "")
