"""Citizen reports in the web service: the desk the PA/TT keywords file through (``desk``), the database (``db``,
``models``, ``repository``), notices to reporters (``notify``), and the operators' and Open311 endpoints.

``init_app`` registers the endpoints; in production it opens the desk at start, so the service stops there on an
unmigrated database (development opens it on first use).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here: `tongdai reports` and `tongdai db` use the database (app.reports.db) without serving.
    from app.reports import media, open311, operators
    from app.services import services

    svc = services(app)
    if svc.settings.production:  # opened now: an unmigrated database stops the start here, with one line
        svc.reports  # noqa: B018
    # (development opens it on first use, migrating it then: a lookup-only run creates no database file)
    if "api" in svc.settings.channels:  # behind the operators' API key, which only that channel requires
        app.register_blueprint(operators.blueprint)
    app.register_blueprint(open311.blueprint)
    app.register_blueprint(media.blueprint)
