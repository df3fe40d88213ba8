"""Operators work the queue through the JSON API and the ``tongdai reports`` command: list, show, update, merge,
purge, every change in the history; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask import Flask
from reports_kit import api, code_in, twilio_sms

from app.cli import main


def test_api_update_keeps_history_and_tt_shows_the_note(reports_app: Callable[..., Flask]) -> None:
    app = reports_app()
    code = code_in(twilio_sms(app, "PA o ga lon truoc 120 Le Duan"))
    listed = api(app, "GET", "/api/v1/reports?status=received&service=giao_thong&ward=Hải Châu").get_json()
    assert [t["code"] for t in listed["tickets"]] == [f"PA-{code}"]
    assert listed["tickets"][0]["contact"] == "…0111"  # masked as in the logs (app.message.masked)
    changed = api(app, "PATCH", f"/api/v1/reports/pa-{code.lower()}",
                  json={"status": "in_progress", "note": "Đã giao đội duy tu, dự kiến vá trong 3 ngày.",
                        "actor": "lan"})
    assert changed.status_code == 200, changed.data
    ticket = changed.get_json()
    assert ticket["status"] == "in_progress" and ticket["public_note"].startswith("Đã giao đội duy tu")
    actions = [(h["action"], h["actor"], h["from_status"], h["to_status"]) for h in ticket["history"]]
    assert actions[:2] == [("created", "resident:twilio", "", "received"),
                           ("update", "operator:lan", "received", "in_progress")]
    assert actions[2][0] == "notice" and "cannot send here" in ticket["history"][2]["detail"]  # no Twilio REST set
    status = twilio_sms(app, f"TT {code}")
    assert "Dang xu ly" in status and "Da giao doi duy tu" in status
    resolved = api(app, "PATCH", f"/api/v1/reports/{code}", json={"status": "resolved", "note": "Đã vá xong."})
    assert resolved.get_json()["closed_at"] is not None


@pytest.mark.parametrize(("method", "path", "body", "status", "reason"), [
    ("PATCH", "/api/v1/reports/{code}", {"status": "lost"}, 400, "status must be one of"),
    ("PATCH", "/api/v1/reports/{code}", {}, 400, "give a status"),
    ("PATCH", "/api/v1/reports/{code}", {"status": "duplicate"}, 400, "use merge"),
    ("PATCH", "/api/v1/reports/{code}", {"note": 5}, 400, "must be a string"),
    ("PATCH", "/api/v1/reports/ZZZZZ", {"status": "resolved"}, 404, "no ticket"),
    ("GET", "/api/v1/reports/ZZZZZ", None, 404, "no ticket"),
    ("GET", "/api/v1/reports?since=yesterday", None, 400, "ISO 8601"),
    ("POST", "/api/v1/reports/{code}/merge", {"into": "{code}"}, 400, "into itself"),
    ("POST", "/api/v1/reports/{code}/merge", {}, 400, "into"),
    ("POST", "/api/v1/reports/purge", {}, 400, "before"),
])
def test_api_refusals(reports_app: Callable[..., Flask], method: str, path: str, body: dict[str, object] | None,
                      status: int, reason: str) -> None:
    app = reports_app()
    code = code_in(twilio_sms(app, "PA rac o Tran Phu"))
    filled = json.loads(json.dumps(body).replace("{code}", code)) if body is not None else None
    response = api(app, method, path.replace("{code}", code), json=filled)
    assert response.status_code == status and reason in response.get_json()["error"]


def test_api_needs_the_key(reports_app: Callable[..., Flask]) -> None:
    app = reports_app()
    assert app.test_client().get("/api/v1/reports").status_code == 401
    assert api(app, "GET", "/api/v1/reports", headers={"X-API-Key": "wrong"}).status_code == 401
    paths = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/reports", "/api/v1/reports/{code}", "/api/v1/reports/{code}/merge",
            "/api/v1/reports/purge"} <= set(paths)


def test_merge_names_the_surviving_code(reports_app: Callable[..., Flask]) -> None:
    app = reports_app()
    first = code_in(twilio_sms(app, "PA ngap nuoc Nguyen Van Linh", sender="+84905000001"))
    second = code_in(twilio_sms(app, "PA duong Nguyen Van Linh ngap sau", sender="+84905000002"))
    merged = api(app, "POST", f"/api/v1/reports/{second}/merge", json={"into": f"PA-{first}"}).get_json()
    assert merged["status"] == "duplicate" and merged["duplicate_of"] == f"PA-{first}"
    status = twilio_sms(app, f"TT {second}", sender="+84905000002")
    assert f"Trung voi PA-{first}" in status
    survivor = api(app, "GET", f"/api/v1/reports/{first}").get_json()
    assert survivor["history"][-1]["action"] == "merged_in"
    third = code_in(twilio_sms(app, "PA ngap Nguyen Van Linh lan nua", sender="+84905000003"))
    refused = api(app, "POST", f"/api/v1/reports/{third}/merge", json={"into": second})
    assert refused.status_code == 400 and "merge into that one" in refused.get_json()["error"]


def test_cli_list_show_update_merge_purge(reports_app: Callable[..., Flask], database: dict[str, str],
                                          monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    app = reports_app()
    for name, value in database.items():
        monkeypatch.setenv(name, value)
    code = code_in(twilio_sms(app, "PA cay do chan duong Bach Dang"))
    other = code_in(twilio_sms(app, "PA cay nga tren Bach Dang", sender="+84905000444"))
    assert main(["reports", "list", "--service", "cay_xanh"]) == 0
    out = capsys.readouterr().out
    assert f"PA-{code}" in out and f"PA-{other}" in out and "2 ticket(s)" in out
    assert main(["reports", "update", code, "--status", "resolved", "--note", "Đã dọn cây."]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["status"] == "resolved" and shown["history"][1]["actor"].startswith("operator:")
    assert main(["reports", "merge", other, "--into", code]) == 0
    assert json.loads(capsys.readouterr().out)["duplicate_of"] == f"PA-{code}"
    assert main(["reports", "purge", "--before", (date.today() + timedelta(days=2)).isoformat()]) == 0
    assert "removed from 2 closed ticket(s)" in capsys.readouterr().out
    assert main(["reports", "show", code]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["contact"] == "" and shown["purged_at"] and shown["history"][-1]["action"] == "purged"
    assert main(["reports", "show", "ZZZZZ"]) == 2 and "no ticket" in capsys.readouterr().err
    assert main(["reports", "list", "--json", "--status", "received"]) == 0 and capsys.readouterr().out == ""
