"""A reporter on Zalo hears of every change that carries a public note: the operator's update (CLI) stores a
notice in the durable Zalo outbox and the worker sends it through the fake Zalo API; on each outbox store (SQLite,
Redis) and each database (SQLite, PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from fake_zalo import FakeZalo
from reports_kit import code_in
from zalo_kit import USER, Rig

from app.cli import main
from app.reports.notify import Notice, ZaloOutboxNotifier


@pytest.fixture
def zalo_reports(rig: Rig, database: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Rig:
    if "DATABASE_URL" in database:  # the rig's app is made already; its reports database opens on first use
        monkeypatch.setenv("DATABASE_URL", database["DATABASE_URL"])
        rig.svc.settings = type(rig.svc.settings).from_env()
    return rig


def said(fake: FakeZalo) -> list[tuple[str, str]]:
    return [(s.json["recipient"]["user_id"], s.json["message"]["text"]) for s in fake.sends]


def file(rig: Rig, text: str, msg_id: str) -> str:
    rig.queue("user_send_text", text, msg_id)
    assert rig.drain() == {"done": 1}
    return code_in(said(rig.fake)[-1][1])


def test_update_with_a_note_sends_exactly_one_zalo_message(zalo_reports: Rig,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    rig = zalo_reports
    code = file(rig, "PA đèn đường không sáng trên đường Hùng Vương", "pa-n1")
    assert main(["reports", "update", code, "--status", "in_progress"]) == 0  # no public note: nobody is told
    assert main(["reports", "update", code, "--note", "Đã báo Công ty Chiếu sáng, sửa trong tuần."]) == 0
    assert json.loads(capsys.readouterr().out.split("\n}\n", 1)[1])["public_note"].startswith("Đã báo")
    sent_before = len(rig.fake.sends)
    assert rig.drain() == {"done": 1} and rig.drain() == {}
    [(user, text)] = said(rig.fake)[sent_before:]
    assert user == USER and text.startswith(f"PA-{code}: Đang xử lý")
    assert "Đã báo Công ty Chiếu sáng, sửa trong tuần." in text


def test_merge_tells_the_duplicate_reporter_the_surviving_code(zalo_reports: Rig) -> None:
    rig = zalo_reports
    first = file(rig, "PA ngập nước đường Nguyễn Văn Linh", "pa-m1")
    second = file(rig, "PA đường Nguyễn Văn Linh ngập sâu", "pa-m2")
    assert main(["reports", "merge", second, "--into", first]) == 0
    assert rig.drain() == {"done": 1}
    text = said(rig.fake)[-1][1]
    assert text.startswith(f"PA-{second}: Trùng với PA-{first}")


def test_anonymous_reporters_are_not_told(zalo_reports: Rig) -> None:
    rig = zalo_reports
    code = file(rig, "PA AN karaoke ồn ào quá khuya ở Lê Duẩn", "pa-a1")
    assert "ẩn danh" in said(rig.fake)[-1][1]
    assert main(["reports", "update", code, "--status", "resolved", "--note", "Đã nhắc nhở."]) == 0
    assert rig.drain() == {}


def test_a_notice_is_stored_once_per_change(zalo_reports: Rig) -> None:
    rig = zalo_reports
    code = file(rig, "PA cây đổ chắn đường Bạch Đằng", "pa-o1")
    notifier = ZaloOutboxNotifier(rig.svc.settings, rig.box)
    notice = Notice("zalo", USER, code, "", f"notice:{code}:99")
    assert notifier.notify(notice) and notifier.notify(notice)  # stored, then recognised as stored
    assert rig.drain() == {"done": 1}
