"""The web service: ``create_app`` (``app.factory``) builds one Flask app, one blueprint per channel
(``app.channels.registry``), all answering through ``Services.answer``.

Nothing is imported with this package: every ``tongdai`` command imports a module of it (``app.cli``, ``app.config``),
and most of them serve nothing, so Flask and the rest load when ``create_app`` is first asked for."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.factory import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":  # `from app import create_app`, and gunicorn's 'app:create_app()'
        from app.factory import create_app

        return create_app
    raise AttributeError(f"module 'app' has no attribute {name!r}")
