"""``Settings``: the one object every secret and setting comes through, read from the environment once by
``create_app`` (never at import time) and checked before anything starts."""

from __future__ import annotations

from collections.abc import Mapping

from app.config import checks, env
from app.config.fields import Fields


class Settings(Fields):
    """The settings' values (``app.config.fields``), read (``app.config.env``) and checked (``app.config.checks``)."""

    @classmethod
    def from_env(cls, env_vars: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """The settings ``env_vars`` (default: the environment) sets; ``overrides`` by name win over it. Raises
        ``ConfigError`` naming a variable that cannot be read; warns of ``TONGDAI_*`` names no setting reads."""
        return cls(**env.read(env_vars, overrides))  # type: ignore[arg-type]

    def check(self) -> None:
        """Production refuses to start without a secret an enabled channel needs; development warns."""
        checks.check(self)

    def check_data(self) -> None:
        """The data settings alone: what every ``tongdai`` command needs, secrets or not."""
        checks.check_data(self)
