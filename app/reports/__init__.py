"""Citizen reports in the web service: the database, the desk the PA/TT keywords file through, and the
operators' and Open311 endpoints.

``open_desk`` is what ``Services.reports`` opens on first use (any process: web, worker, CLI); in production
``init_app`` opens it at start, so the service stops there on an unmigrated database.
"""

from __future__ import annotations

import logging
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask

from app.config import Settings
from app.reports.db import database_url, ensure_migrated, make_engine, where
from app.reports.notify import default_notifier
from app.reports.operations import Operations
from app.reports.repository import SqlTicketStore
from handlers.reports.catalog import ServiceCatalog
from handlers.reports.context import Desk
from lookups.places import Gazetteer

if TYPE_CHECKING:
    from app.services import Services

log = logging.getLogger(__name__)
MEDIA_DIR = "reports-media"
MEDIA_PATH = "/reports/media"


def open_desk(settings: Settings, data_dir: Path) -> Desk:
    engine = make_engine(database_url(settings))
    ensure_migrated(engine, settings)
    log.info("reports database: %s", where(engine))
    from app.reports.media import copy_photo  # (media's blueprint needs app.services, which imports this module)

    into = settings.state_dir / MEDIA_DIR
    store = SqlTicketStore(engine, settings.PUBLIC_BASE_URL.rstrip("/") + MEDIA_PATH, lambda url: copy_photo(url, into))
    return Desk(store, ServiceCatalog.load(data_dir), Gazetteer.load(data_dir), settings.TONGDAI_REPORTS_DAILY_LIMIT)


def store_of(desk: Desk) -> SqlTicketStore:
    assert isinstance(desk.store, SqlTicketStore)
    return desk.store


def init_app(app: Flask) -> None:
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


_OPERATIONS: weakref.WeakKeyDictionary[SqlTicketStore, Operations] = weakref.WeakKeyDictionary()


def operations_of(svc: Services) -> Operations:
    """The operators' operations on this service's reports, notifying through each reporter's channel."""
    store = store_of(svc.reports)
    found = _OPERATIONS.get(store)
    if found is None:
        found = _OPERATIONS[store] = Operations(store, svc.reports.services, default_notifier(svc.settings))
    return found
