"""The operators' web console under ``/console/`` (issue 14): server-rendered pages, every asset served from
here, signed-in operators with roles, an audit log of every change. Enabled by the ``console`` channel."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here: `tongdai operator` reads the accounts (app.console.accounts) without serving the pages.
    from app.console import auth_views, data_views, history, ops_views, reports_views, try_views  # noqa: F401 (routes)
    from app.console.web import blueprint
    from app.services import services

    settings = services(app).settings
    app.secret_key = settings.secret_key
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=settings.production, SESSION_COOKIE_NAME="tongdai_console",
                      PERMANENT_SESSION_LIFETIME=timedelta(hours=12))
    app.register_blueprint(blueprint)
