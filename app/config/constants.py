"""What the settings must hold: the channels and the secrets each needs in production, the windows that bound
replays, and ``ConfigError``. Read by the settings (``app.config.fields``), their checks and the environment reader."""

from __future__ import annotations

import secrets
from collections.abc import Callable

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
