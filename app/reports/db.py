"""The reports database: which one (``DATABASE_URL``, else a SQLite file in the state directory), its engine,
and its migrations (``tongdai db upgrade``).

Heroku's ``postgres://`` and plain ``postgresql://`` URLs are read as psycopg 3 (``postgresql+psycopg://``).
"""

from __future__ import annotations

import fcntl
import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from app.config import ConfigError, Settings

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_FILE = "reports.sqlite3"
UPGRADE = "tongdai db upgrade"


def database_url(settings: Settings) -> str:
    raw = settings.DATABASE_URL.strip()
    if not raw:
        return f"sqlite:///{(settings.state_dir / SQLITE_FILE).resolve()}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 15})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    # WAL lets the web and worker processes read while one writes; foreign keys make cascades real.
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head() -> str:
    found = ScriptDirectory.from_config(_config()).get_current_head()
    assert found is not None
    return found


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def where(engine: Engine) -> str:
    """The database for logs and operators: no password."""
    return engine.url.render_as_string(hide_password=True)


def ensure_migrated(engine: Engine, settings: Settings) -> None:
    """Production refuses an unmigrated ``DATABASE_URL`` (one line naming the command): migrating a shared
    database is a release step, not something each starting worker may do. The default SQLite file is local
    state, like the Zalo outbox: it is migrated where it is, one process at a time (a file lock), as is any
    database in development."""
    at, latest = current(engine), head()
    if at == latest:
        return
    if settings.production and settings.DATABASE_URL:
        raise ConfigError(f"the reports database {where(engine)} is at revision {at or 'none'}, not {latest}: "
                          f"run `{UPGRADE}`")
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    with (settings.state_dir / "reports-migrate.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        at = current(engine)
        if at != latest:
            log.warning("migrating the reports database %s from %s to %s", where(engine), at or "empty", latest)
            upgrade(engine)
