"""The console's accounts and guards through the Flask test client, on each reports database (SQLite,
PostgreSQL): CSRF, roles enforced on the server, the sign-in rate limit, the audit log, cookie flags, the secret
key in production, and ``tongdai operator add``."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from reports_kit import code_in, twilio_sms
from sqlalchemy import select

from app import create_app
from app.cli import main
from app.config import ConfigError
from app.console.accounts import Accounts
from app.console.models import AuditRow
from app.reports.desk import store_of
from app.services import services

CONSOLE = {"TONGDAI_CHANNELS": "twilio,gateway,api,console"}


def accounts(app: Flask) -> Accounts:
    return Accounts(store_of(services(app).reports))


def token(client: FlaskClient, path: str = "/console/login") -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert found, path
    return found.group(1)


def signed_in(app: Flask, name: str, role: str) -> FlaskClient:
    accounts(app).add(name, f"{name}-password-1", role, datetime.now(UTC))
    client = app.test_client()
    response = client.post("/console/login", data={"username": name, "password": f"{name}-password-1",
                                                   "csrf_token": token(client)})
    assert response.status_code == 302, response.data
    return client


@pytest.fixture
def app(reports_app: Callable[..., Flask]) -> Flask:
    return reports_app(**CONSOLE)


def test_a_post_without_the_csrf_token_is_refused(app: Flask) -> None:
    client = app.test_client()
    response = client.post("/console/login", data={"username": "x", "password": "y"})
    assert response.status_code == 400 and "tải lại trang" in response.get_data(as_text=True)
    client = signed_in(app, "lan", "operator")
    code = code_in(twilio_sms(app, "PA ngap nuoc duong Nguyen Van Linh"))
    response = client.post(f"/console/reports/PA-{code}", data={"status": "in_progress", "csrf_token": "forged"})
    assert response.status_code == 400
    assert client.get(f"/console/reports/PA-{code}").get_data(as_text=True).count("Đã tiếp nhận") >= 1


def test_a_viewer_reads_but_is_refused_every_change(app: Flask) -> None:
    code = code_in(twilio_sms(app, "PA den duong hong tren duong Hung Vuong"))
    viewer = signed_in(app, "minh", "viewer")
    page = viewer.get(f"/console/reports/PA-{code}")
    assert page.status_code == 200 and 'id="update"' not in page.get_data(as_text=True)
    csrf = token(viewer, f"/console/reports/PA-{code}")
    for path, form in ((f"/console/reports/PA-{code}", {"status": "resolved", "note": "xong"}),
                       (f"/console/reports/PA-{code}", {"into": "PA-2222A"}),
                       ("/console/failed/resend", {"id": "all"}),
                       ("/console/data/rollback", {"dataset": "food_safety"})):
        response = viewer.post(path, data={**form, "csrf_token": csrf})
        assert response.status_code == 403, path
        assert "Vai trò của bạn không được làm việc này." in response.get_data(as_text=True)
    shown = viewer.get(f"/console/reports/PA-{code}").get_data(as_text=True)
    assert 'id="status">Đã tiếp nhận' in shown and "operator:minh" not in shown


def test_an_operator_change_is_in_the_history_and_the_audit_log(app: Flask) -> None:
    code = code_in(twilio_sms(app, "PA rac thai o cho Han"))
    client = signed_in(app, "hoa", "operator")
    response = client.post(f"/console/reports/PA-{code}", data={
        "status": "in_progress", "note": "Đã báo công ty môi trường.", "agency": "",
        "csrf_token": token(client, f"/console/reports/PA-{code}")})
    assert response.status_code == 302
    page = client.get(f"/console/reports/PA-{code}").get_data(as_text=True)
    assert ">hoa</td>" in page and "operator:hoa" not in page  # the operator by name in the ticket's history
    logged = [(row.actor, row.action, row.target) for row in accounts(app).recent()]
    assert ("operator:hoa", "report.update", f"PA-{code}") in logged and ("operator:hoa", "login", "hoa") in logged
    health = client.get("/console/health").get_data(as_text=True)
    assert "report.update" in health


def test_sign_in_attempts_are_rate_limited(app: Flask) -> None:
    accounts(app).add("tuan", "tuan-password-1", "admin", datetime.now(UTC))
    client = app.test_client()
    csrf = token(client)
    for _ in range(5):
        assert client.post("/console/login", data={"username": "tuan", "password": "wrong-guess",
                                                   "csrf_token": csrf}).status_code == 401
    blocked = client.post("/console/login", data={"username": "tuan", "password": "tuan-password-1",
                                                  "csrf_token": csrf})
    assert blocked.status_code == 429 and "15 phút" in blocked.get_data(as_text=True)
    assert client.get("/console/reports").status_code == 302  # the right password did not sign in while blocked


def test_an_unknown_name_is_refused_as_a_wrong_password_is(app: Flask) -> None:
    accounts(app).add("tuan", "tuan-password-1", "admin", datetime.now(UTC))
    client = app.test_client()
    csrf = token(client)
    unknown = client.post("/console/login", data={"username": "khong-co", "password": "tuan-password-1",
                                                  "csrf_token": csrf})
    wrong = client.post("/console/login", data={"username": "tuan", "password": "wrong-guess",
                                                "csrf_token": csrf})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.get_data(as_text=True) == wrong.get_data(as_text=True).replace('value="tuan"', 'value="khong-co"')
    assert accounts(app).limited("khong-co", "-", datetime.now(UTC)) is False  # one failure of five
    with accounts(app).store.session() as session:
        failed = select(AuditRow.target).where(AuditRow.action == "login.failed").order_by(AuditRow.id)
        assert list(session.scalars(failed)) == ["khong-co", "tuan"]


def test_pages_need_a_signed_in_operator(app: Flask) -> None:
    client = app.test_client()
    for path in ("/console/try", "/console/reports", "/console/traffic", "/console/unmatched", "/console/data",
                 "/console/failed", "/console/health"):
        response = client.get(path)
        assert response.status_code == 302 and "/console/login" in response.headers["Location"], path


def test_the_session_cookie_is_httponly_lax_and_secure_in_production(reports_app: Callable[..., Flask]) -> None:
    dev = reports_app(**CONSOLE)
    cookie = dev.test_client().get("/console/login").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    prod = reports_app(**CONSOLE, TONGDAI_ENV="production", TONGDAI_SECRET_KEY="s" * 40, PUBLIC_BASE_URL="https://x",
                       SMS_GATEWAY_CPID="1022DN", TONGDAI_SENDER_SALT="console-test")
    cookie = prod.test_client().get("/console/login").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_production_needs_the_secret_key_when_the_console_is_on() -> None:
    settings: dict[str, Any] = {"TONGDAI_ENV": "production", "TONGDAI_CHANNELS": "api,console",
                                "TONGDAI_API_KEY": "k"}
    with pytest.raises(ConfigError, match="^TONGDAI_SECRET_KEY is required in production for the console channel"):
        create_app(settings)


def test_operator_add_reads_the_password_from_stdin(database: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    for name, value in database.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["operator", "add", "vy", "--role", "admin"]) == 2
    assert "at least 10 characters" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-password\n"))
    assert main(["operator", "add", "vy", "--role", "admin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-password\n"))
    assert main(["operator", "add", "vy"]) == 2
    assert "already an operator named 'vy'" in capsys.readouterr().err
    assert main(["operator", "list"]) == 0
    assert re.search(r"^vy\s+admin\s+active\s+last sign-in never$", capsys.readouterr().out, re.M)
    app = create_app({**database, **CONSOLE, "TONGDAI_WORKER_THREAD": "0"})
    [row] = accounts(app).all()
    assert row.password_hash.startswith("scrypt:") and "a-long-enough-password" not in row.password_hash
    from reports_kit import close

    close(app)


def test_an_operator_merges_a_duplicate_and_changes_the_agency(app: Flask) -> None:
    first = code_in(twilio_sms(app, "PA ngap nuoc duong Nguyen Van Linh", sender="+84905000301"))
    second = code_in(twilio_sms(app, "PA duong Nguyen Van Linh ngap sau", sender="+84905000302"))
    client = signed_in(app, "khoa", "operator")
    csrf = token(client, f"/console/reports/PA-{first}")
    assert client.post(f"/console/reports/PA-{first}", data={"agency": "Công ty Thoát nước Đà Nẵng",
                                                             "csrf_token": csrf}).status_code == 302
    assert client.post(f"/console/reports/PA-{second}", data={"into": f"pa-{first.lower()}",
                                                              "csrf_token": csrf}).status_code == 302
    shown = client.get(f"/console/reports/PA-{second}").get_data(as_text=True)
    assert 'id="status">Trùng' in shown and f'href="/console/reports/PA-{first}"' in shown
    kept = client.get(f"/console/reports/PA-{first}").get_data(as_text=True)
    assert "Công ty Thoát nước Đà Nẵng" in kept and f"PA-{second} đã được gộp vào phản ánh này" in kept
    refused = client.post(f"/console/reports/PA-{first}", data={"into": f"PA-{first}", "csrf_token": csrf})
    assert refused.status_code == 400 and "cannot be merged into itself" in refused.get_data(as_text=True)
    missing = client.get("/console/reports/PA-2222A")
    assert missing.status_code == 404


def test_a_ticket_shows_its_photos(app: Flask) -> None:
    from sqlalchemy import select

    from app.reports.models import AttachmentRow, TicketRow

    code = code_in(twilio_sms(app, "PA cay do chan duong Le Duan"))
    store = store_of(services(app).reports)
    with store.session() as session, session.begin():
        ticket = session.scalars(select(TicketRow).where(TicketRow.code == code)).one()
        session.add(AttachmentRow(ticket_id=ticket.id, kind="photo", source_url="", path="ab12cd34.jpg",
                                  content_type="image/jpeg", created_at=datetime.now(UTC)))
    page = signed_in(app, "quang", "viewer").get(f"/console/reports/PA-{code}").get_data(as_text=True)
    assert '<img src="/reports/media/ab12cd34.jpg" alt="Hình ảnh 1">' in page
