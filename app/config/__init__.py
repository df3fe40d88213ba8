"""Settings from the environment (``Settings``), read once by ``create_app``; never at import time."""

from app.config.constants import CLOCK_SKEW, ConfigError
from app.config.settings import Settings

__all__ = ["CLOCK_SKEW", "ConfigError", "Settings"]
