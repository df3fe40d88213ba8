"""Citizen reports under test: a database of each backend (a SQLite file, and a database of our own on the local
PostgreSQL, dropped at the end), apps wired to it, and residents texting through the signed webhooks."""

from __future__ import annotations

import base64
import hashlib
import itertools
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sms_kit import said, twilio_post
from zalo_kit import Rig

from app import create_app
from lookups.clock import VIETNAM
from lookups.store import Catalog

BACKENDS = ("sqlite", "postgresql")
PG_ADMIN = os.environ.get("TONGDAI_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
TWILIO_TOKEN = "5f4dcc3b5aa765d61d8327deb882cf99"
GATEWAY_KEY = "k3y-8188-danang"
API_KEY = "operator-key-for-tests"
SIDS = itertools.count(1)
TABLES = "pending_media, ticket_attachments, ticket_history, tickets, operators, audit_log"


def _pg() -> Any:
    import psycopg

    return psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3)


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A PostgreSQL database of this test session, migrated once; dropped at the end."""
    name = f"tongdai_reports_{os.getpid()}"
    try:
        with _pg() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # noqa: BLE001  (any connection failure means the same: no PostgreSQL here)
        pytest.skip(f"no PostgreSQL at {PG_ADMIN} ({exc}); .ci/run starts one")
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    from app.reports.db import make_engine, upgrade

    engine = make_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    upgrade(engine)
    engine.dispose()
    yield url
    with _pg() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Settings naming an empty, migrated reports database of each backend."""
    if request.param == "sqlite":
        yield {"TONGDAI_STATE_DIR": str(tmp_path / "state")}  # the default: a SQLite file there, migrated at start
        return
    url: str = request.getfixturevalue("pg_database")
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
    yield {"TONGDAI_STATE_DIR": str(tmp_path / "state"), "DATABASE_URL": url}


@pytest.fixture
def reports_app(catalog: Catalog, database: dict[str, str]) -> Iterator[Callable[..., Flask]]:
    made: list[Flask] = []

    def make(**config: object) -> Flask:
        settings = {"TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "SMS_GATEWAY_KEY": GATEWAY_KEY, "TONGDAI_API_KEY": API_KEY,
                    "PUBLIC_BASE_URL": "", "TONGDAI_CHANNELS": "twilio,gateway,api", "TONGDAI_WORKER_THREAD": "0",
                    **database, **config}
        made.append(create_app({**settings, "CATALOG": catalog}))
        return made[-1]

    yield make
    for app in made:
        close(app)


@pytest.fixture
def zalo_reports(rig: Rig, database: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Rig:
    """The Zalo rig (conftest) with its reports desk on each backend's database."""
    if "DATABASE_URL" in database:  # the rig's app is made already; its reports database opens on first use
        monkeypatch.setenv("DATABASE_URL", database["DATABASE_URL"])
        rig.svc.settings = type(rig.svc.settings).from_env()
    return rig


def close(app: Flask) -> None:
    """Give the app's database connections back (PostgreSQL would otherwise keep them open until the end)."""
    from app.reports.desk import store_of
    from app.services import services

    desk = services(app).desk
    if desk is not None:
        store_of(desk).engine.dispose()


def twilio_sms(app: Flask, text: str, sender: str = "+84905000111", sid: str | None = None) -> str:
    """The SMS the Twilio webhook answers a resident's text with (signed as Twilio signs)."""
    return said(twilio_post(app, TWILIO_TOKEN, text, sender, sid).data) or ""


def gateway_sms(app: Flask, text: str, sender: str = "84905000222") -> str:
    """The MT the short-code gateway gets back for an MO (signed with the aggregator's formula)."""
    values = {"sender": sender, "content": text, "serviceNumber": "8188", "keyword": text.split()[0] if text else "",
              "smsid": str(1627384950000 + next(SIDS)), "cpid": "1022DN",
              "receiverTime": datetime.now(VIETNAM).strftime("%Y%m%d%H%M%S"),  # MOs past the replay window are refused
              "telco": "viettel"}
    plain = "".join(values[k] for k in ("cpid", "smsid", "content", "receiverTime")) + GATEWAY_KEY
    values["sign"] = base64.b64encode(hashlib.md5(plain.encode()).digest()).decode()
    response = app.test_client().get("/sms/gateway", query_string=values)
    assert response.status_code == 200, response.data
    return ET.fromstring(response.data).findtext("Message") or ""


def code_in(text: str) -> str:
    """The bare code of the first ``PA-XXXXX`` in a reply."""
    at = text.index("PA-")
    return text[at + 3:at + 8]


def api(app: Flask, method: str, path: str, **kwargs: Any) -> Any:
    headers = {"X-API-Key": API_KEY, **kwargs.pop("headers", {})}
    return app.test_client().open(path, method=method, headers=headers, **kwargs)


Sender = Callable[[Flask, str], str]
