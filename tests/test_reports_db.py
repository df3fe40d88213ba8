"""The reports database: ``tongdai db upgrade``, the default SQLite file, Heroku's URL form, and production's
refusal to start on an unmigrated database."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import create_app
from app.cli import main
from app.config import ConfigError, Settings
from app.reports.db import current, database_url, head, make_engine
from lookups.store import Catalog

PRODUCTION = {"TONGDAI_ENV": "production", "TONGDAI_CHANNELS": "api", "TONGDAI_API_KEY": "k"}


def test_urls() -> None:
    assert database_url(Settings(DATABASE_URL="postgres://u:p@db.example/x")) == "postgresql+psycopg://u:p@db.example/x"
    assert database_url(Settings(DATABASE_URL="postgresql://u@h/x")) == "postgresql+psycopg://u@h/x"
    assert database_url(Settings(TONGDAI_STATE_DIR="/srv/state")) == "sqlite:////srv/state/reports.sqlite3"


def test_production_refuses_an_unmigrated_database_url_then_starts_after_upgrade(
        tmp_path: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    with pytest.raises(ConfigError) as refused:
        create_app({**PRODUCTION, "DATABASE_URL": url, "CATALOG": catalog})
    message = str(refused.value)
    assert "\n" not in message and "run `tongdai db upgrade`" in message and "revision none" in message
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["db", "upgrade"]) == 0
    assert f"revision none -> {head()}" in capsys.readouterr().out
    app = create_app({**PRODUCTION, "DATABASE_URL": url, "CATALOG": catalog})
    assert app.test_client().get("/healthz").status_code == 200
    assert main(["db", "current"]) == 0 and f"revision {head()}" in capsys.readouterr().out


def test_production_migrates_its_own_sqlite_file(tmp_path: Path, catalog: Catalog) -> None:
    state = tmp_path / "state"
    create_app({**PRODUCTION, "TONGDAI_STATE_DIR": str(state), "CATALOG": catalog})  # local state, like the outbox
    engine = make_engine(f"sqlite:///{state / 'reports.sqlite3'}")
    assert current(engine) == head()
    engine.dispose()


def test_postgres_upgrade_is_idempotent_and_production_starts(pg_database: str, catalog: Catalog,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", pg_database.replace("postgresql://", "postgres://", 1))  # Heroku's form
    assert main(["db", "upgrade"]) == 0  # already at head: nothing to do, no error
    engine = make_engine(database_url(Settings.from_env()))
    assert current(engine) == head()
    engine.dispose()
    create_app({**PRODUCTION, "DATABASE_URL": pg_database, "CATALOG": catalog})
