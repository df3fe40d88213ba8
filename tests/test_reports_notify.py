"""A reporter on Zalo hears of every change that carries a public note: the operator's update (CLI) stores a
notice in the durable Zalo outbox and the worker sends it through the fake Zalo API; on each outbox store (SQLite,
Redis) and each database (SQLite, PostgreSQL)."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest
from fake_zalo import FakeZalo
from reports_kit import code_in
from zalo_kit import USER, Rig, WorkerProcess, wait_for, zalo_env

from app.cli import main
from app.reports.notify import Notice, OutboundNotifier
from app.reports.operations import operations_of


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
    notice = operations_of(rig.svc).show(code)["history"][-1]
    assert notice["action"] == "notice" and notice["detail"].startswith(f"notice queued on zalo (report:{code}:")


def test_outside_the_zalo_window_nothing_is_sent_and_the_history_says_so(
        zalo_reports: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    rig = zalo_reports
    code = file(rig, "PA cột điện nghiêng ở đường Trần Phú", "pa-w1")
    monkeypatch.setenv("TONGDAI_ZALO_WINDOW_HOURS", "0.0001")  # the window closes 0.36 s after their message
    time.sleep(0.5)
    assert main(["reports", "update", code, "--note", "Đã báo Điện lực."]) == 0
    assert rig.drain() == {}
    detail = operations_of(rig.svc).show(code)["history"][-1]["detail"]
    assert detail.startswith("notice NOT sent: not deliverable on zalo") and "window" in detail


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
    notifier = OutboundNotifier(rig.svc.settings)
    notice = Notice("zalo", USER, code, f"PA-{code}: Đang xử lý", f"report:{code}:99")
    assert [notifier.deliver(notice).outcome for _ in "12"] == ["queued", "duplicate"]  # stored once
    assert rig.drain() == {"done": 1}


def test_a_worker_killed_mid_send_sends_the_notice_once_or_twice(zalo_reports: Rig, tmp_path: Path,
                                                                 database: dict[str, str]) -> None:
    rig = zalo_reports
    code = file(rig, "PA rác thải ứ đọng ở chợ Cồn", "pa-k1")
    assert main(["reports", "update", code, "--status", "in_progress", "--note", "Đã báo công ty môi trường."]) == 0
    gate = threading.Event()
    rig.fake.on_send = lambda seen: gate.wait(10)  # Zalo takes the request and hangs
    before = len(rig.fake.sends)
    env = {**os.environ, **zalo_env(rig.fake, Path(database["TONGDAI_STATE_DIR"])), "TONGDAI_WORKER_POLL": "0.05",
           **({"DATABASE_URL": database["DATABASE_URL"]} if "DATABASE_URL" in database else {}),
           **({"REDIS_URL": rig.svc.settings.REDIS_URL, "TONGDAI_REDIS_PREFIX": rig.svc.settings.TONGDAI_REDIS_PREFIX}
              if rig.svc.settings.REDIS_URL else {})}
    worker = WorkerProcess(env)
    try:
        wait_for(lambda: len(rig.fake.sends) > before, 20)  # the notice is on the wire...
        worker.process.kill()  # ... when the worker dies
        worker.process.wait(10)
    finally:
        gate.set()
        if worker.process.poll() is None:
            worker.process.kill()
    rig.fake.on_send = None
    assert rig.drain(time.time() + rig.box.lease + 1) == {"done": 1}  # taken again once its lease ran out
    notices = [text for _, text in said(rig.fake)[before:] if text.startswith(f"PA-{code}: Đang xử lý")]
    assert 1 <= len(notices) <= 2
