"""The desk the PA/TT keywords file reports through (``Services.reports`` opens it on first use, in any process:
web, worker, CLI): the reports database, the service catalogue, the gazetteer, and our copies of photos."""

from __future__ import annotations

import logging
from pathlib import Path

from app.config import Settings
from app.reports.db import database_url, ensure_migrated, make_engine, where
from app.reports.photos import FOLDER, copy_photo
from app.reports.repository import SqlTicketStore
from handlers.reports.catalog import ServiceCatalog
from handlers.reports.context import Desk
from lookups.places import Gazetteer

log = logging.getLogger(__name__)
MEDIA_PATH = "/reports/media"  # where app.reports.media serves the copies


def open_desk(settings: Settings, data_dir: Path) -> Desk:
    engine = make_engine(database_url(settings))
    ensure_migrated(engine, settings)
    log.info("reports database: %s", where(engine))
    into = settings.state_dir / FOLDER
    store = SqlTicketStore(engine, settings.PUBLIC_BASE_URL.rstrip("/") + MEDIA_PATH, lambda url: copy_photo(url, into))
    return Desk(store, ServiceCatalog.load(data_dir), Gazetteer.load(data_dir), settings.TONGDAI_REPORTS_DAILY_LIMIT)


def store_of(desk: Desk) -> SqlTicketStore:
    assert isinstance(desk.store, SqlTicketStore)
    return desk.store
