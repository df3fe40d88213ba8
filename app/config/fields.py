"""The settings themselves: every name the environment may set, its default, and what is derived from them. Read
once by ``create_app`` (``app.config.settings.Settings.from_env``), never at import time."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import time
from functools import cached_property
from pathlib import Path

from app.config.constants import CHANNELS, DEV_SALT, DEV_SECRET_KEY, ConfigError
from lookups.datasets.base import bundled_data_dir

QUIET_HOURS = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*-\s*(\d{1,2})(?::(\d{2}))?\s*$")
Window = tuple[time, time] | None  # local quiet hours (start, end); None: none


@dataclass(frozen=True)
class Fields:
    """The settings' values; ``app.config.settings.Settings`` adds reading and checking them."""

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

    # Data (lookups): passed down to the catalog and the importer, which never read the environment themselves.
    TONGDAI_RELOAD_SECONDS: float = 2.0  # how often a running service looks for a new data version; 0 = never
    TONGDAI_IMPORT_MAX_LOSS: float = 0.2  # share of records a new version may lose before --force is needed
    TONGDAI_PULL_TIMEOUT: float = 30.0  # `data pull`: seconds to connect, and at most between two bytes of a file
    TONGDAI_PULL_MAX_MB: int = 1024  # `data pull`: the largest file a pulled version may have
    TONGDAI_SECRET_KEY: str = ""  # signs the console's session cookie (app.config.constants)
    TONGDAI_MAP_TILES: str = ""  # the console's map tiles, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png
    TONGDAI_MAP_ATTRIBUTION: str = ""  # the tiles' required credit, shown on the map

    @property
    def worker_thread(self) -> bool:
        return self.TONGDAI_WORKER_THREAD.strip().lower() not in ("0", "false", "no", "off")

    def outbound_channels(self) -> tuple[str, ...]:
        """The enabled channels that can send a message that is not an inline reply, and are configured to."""
        ready = {"zalo": True, "twilio": bool(self.TWILIO_ACCOUNT_SID and self.TWILIO_AUTH_TOKEN
                                              and (self.TWILIO_FROM or self.TWILIO_MESSAGING_SERVICE_SID)),
                 "gateway": bool(self.SMS_GATEWAY_API_KEY and self.SMS_GATEWAY_SECRET_KEY)}
        return tuple(c for c in self.channels if ready.get(c))

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

    @cached_property
    def quiet_hours(self) -> Window:
        """``TONGDAI_QUIET_HOURS`` as local times, parsed once (``check`` reads it, so a wrong one stops the start)."""
        return parse_quiet_hours(self.TONGDAI_QUIET_HOURS)

    @property
    def secret_key(self) -> str:
        return self.TONGDAI_SECRET_KEY or DEV_SECRET_KEY

    @property
    def sender_salt(self) -> str:
        return self.TONGDAI_SENDER_SALT or DEV_SALT


def parse_quiet_hours(spec: str) -> Window:
    """``"21-7"`` or ``"21:30-6:45"`` as (start, end) local times; ``""`` as None (no quiet hours)."""
    if not spec.strip():
        return None
    found = QUIET_HOURS.match(spec)
    try:
        if found is None:
            raise ValueError(spec)
        start = time(int(found[1]), int(found[2] or 0))
        end = time(int(found[3]), int(found[4] or 0))
    except ValueError:
        raise ConfigError(f"TONGDAI_QUIET_HOURS must be like 21-7 or 21:30-6:45 (empty: none), got {spec!r}") \
            from None
    if start == end:
        raise ConfigError("TONGDAI_QUIET_HOURS starts and ends at the same time; leave it empty for none")
    return start, end
