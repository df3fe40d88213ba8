"""A reporter who texted ``PA`` hears of every change with a public note by SMS, on the channel they used: the
operator's update (``tongdai reports update``, the API's PATCH and merge) queues one notice through the outbound
path and the worker sends it through the fake Twilio REST or eSMS MT server on loopback; a reporter who sent STOP
and an anonymous one get nothing, and the ticket's history says so; on both databases (SQLite, PostgreSQL)."""

from __future__ import annotations

import os
import threading
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fake_sms import FakeGateway, FakeTwilio
from fake_zalo import FakeZalo
from reports_kit import API_KEY, GATEWAY_KEY, api, code_in, gateway_sms
from sms_kit import PHONE, SmsRig, make_sms_rig
from test_outbound_faults import PATIENT
from test_send_faults import due_now
from zalo_kit import LATER, WorkerProcess, wait_for

from app.cli import main
from lookups.clock import VIETNAM
from lookups.store import Catalog

GATEWAY_PHONE = "84905000222"


@pytest.fixture
def reports_rig(database: dict[str, str], providers: tuple[FakeTwilio, FakeGateway], fake: FakeZalo,
                catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SmsRig:
    monkeypatch.delenv("REDIS_URL", raising=False)  # the SQLite outbox (the Redis one is tested in test_outbound)
    if "DATABASE_URL" in database:
        monkeypatch.setenv("DATABASE_URL", database["DATABASE_URL"])
    return make_sms_rig(providers, fake, catalog, Path(database["TONGDAI_STATE_DIR"]), monkeypatch,
                        SMS_GATEWAY_KEY=GATEWAY_KEY, TONGDAI_API_KEY=API_KEY)


def twiml(rig: SmsRig, text: str) -> str:
    response = rig.sms(text)
    assert response.status_code == 200, response.data
    return " ".join((m.text or "") for m in ET.fromstring(response.data).iter("Message"))


def history(rig: SmsRig, code: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = api(rig.app, "GET", f"/api/v1/reports/{code}").get_json()["history"]
    return found


def bodies(fake: FakeTwilio | FakeGateway) -> list[str]:
    return [s.form["Body"] if isinstance(fake, FakeTwilio) else s.json["Content"] for s in fake.sends]


def test_a_cli_update_sends_exactly_one_sms_through_twilio(reports_rig: SmsRig) -> None:
    rig = reports_rig
    code = code_in(twiml(rig, "PA o ga lon truoc 120 Le Duan"))
    assert main(["reports", "update", code, "--status", "in_progress"]) == 0  # no public note: nobody is told
    assert main(["reports", "update", code, "--status", "in_progress",
                 "--note", "Đã giao đội duy tu, dự kiến vá trong 3 ngày."]) == 0
    assert rig.drain() == {"done": 1} and rig.drain(LATER) == {}
    [seen] = rig.twilio.sends
    assert seen.form["To"] == PHONE
    body = seen.form["Body"]
    assert body.startswith(f"PA-{code}: Dang xu ly") and "Da giao doi duy tu, du kien va trong 3 ngay." in body
    assert body.isascii() and len(body) <= rig.svc.settings.TONGDAI_SMS_BUDGET
    [notice] = [h for h in history(rig, code) if h["action"] == "notice"]
    assert notice["detail"].startswith(f"notice queued on twilio (report:{code}:")


def test_an_english_reporter_is_told_in_english(reports_rig: SmsRig) -> None:
    rig = reports_rig
    code = code_in(twiml(rig, "REPORT broken street light on Hung Vuong"))
    assert main(["reports", "update", code, "--status", "resolved", "--note", "Fixed on Monday."]) == 0
    assert rig.drain() == {"done": 1}
    [body] = bodies(rig.twilio)
    assert body.startswith(f"PA-{code}: Resolved") and "Fixed on Monday." in body


def test_api_update_and_merge_go_out_through_the_gateway(reports_rig: SmsRig) -> None:
    rig = reports_rig
    first = code_in(twiml(rig, "PA ngap nuoc duong Nguyen Van Linh"))
    second = code_in(gateway_sms(rig.app, "PA duong Nguyen Van Linh ngap sau", GATEWAY_PHONE))
    patched = api(rig.app, "PATCH", f"/api/v1/reports/{second}", json={"note": "Đang bơm nước."})
    assert patched.status_code == 200, patched.data
    merged = api(rig.app, "POST", f"/api/v1/reports/{second}/merge", json={"into": first})
    assert merged.status_code == 200, merged.data
    assert rig.drain() == {"done": 2} and rig.drain(LATER) == {}
    assert [s.json["Phone"] for s in rig.gateway.sends] == [GATEWAY_PHONE] * 2
    noted, duplicate = bodies(rig.gateway)
    assert noted.startswith(f"PA-{second}: Da tiep nhan") and "Dang bom nuoc." in noted
    assert duplicate.startswith(f"PA-{second}: Trung voi PA-{first}")
    assert rig.twilio.sends == []  # the first reporter's ticket did not change


def test_an_opted_out_reporter_gets_nothing_and_the_history_says_so(reports_rig: SmsRig) -> None:
    rig = reports_rig
    code = code_in(twiml(rig, "PA rac thai u dong o cho Con"))
    twiml(rig, "STOP")
    assert main(["reports", "update", code, "--status", "resolved", "--note", "Đã thu gom."]) == 0
    assert rig.drain(LATER) == {} and rig.twilio.sends == []
    assert history(rig, code)[-1]["detail"].startswith("notice NOT sent: opted out on twilio")


def test_an_anonymous_reporter_gets_nothing(reports_rig: SmsRig) -> None:
    rig = reports_rig
    code = code_in(twiml(rig, "PA AN karaoke on ao qua khuya o Le Duan"))
    assert main(["reports", "update", code, "--status", "resolved", "--note", "Đã nhắc nhở."]) == 0
    assert rig.drain(LATER) == {} and rig.twilio.sends == []
    assert history(rig, code)[-1]["detail"] == "no notice: the report is anonymous"


def quiet_now() -> str:
    """Quiet hours from a minute ago to two hours on (local time)."""
    now = datetime.now(VIETNAM)
    start, end = now - timedelta(minutes=1), now + timedelta(hours=2)
    return f"{start:%H:%M}-{end:%H:%M}"


def test_quiet_hours_hold_the_notice_and_the_history_says_until_when(
        database: dict[str, str], providers: tuple[FakeTwilio, FakeGateway], fake: FakeZalo, catalog: Catalog,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    if "DATABASE_URL" in database:
        monkeypatch.setenv("DATABASE_URL", database["DATABASE_URL"])
    rig = make_sms_rig(providers, fake, catalog, Path(database["TONGDAI_STATE_DIR"]), monkeypatch,
                       TONGDAI_API_KEY=API_KEY, TONGDAI_QUIET_HOURS=quiet_now())
    code = code_in(twiml(rig, "PA den duong hong tren duong Hung Vuong"))
    assert main(["reports", "update", code, "--note", "Đã báo Công ty Chiếu sáng."]) == 0
    assert rig.drain() == {} and rig.twilio.sends == []
    assert "held for the quiet hours until" in history(rig, code)[-1]["detail"]


def test_a_worker_killed_mid_send_sends_the_sms_notice_once_or_twice(reports_rig: SmsRig) -> None:
    rig = reports_rig
    code = code_in(twiml(rig, "PA cay do chan duong Bach Dang"))
    assert main(["reports", "update", code, "--status", "in_progress", "--note", "Đội cây xanh đang xử lý."]) == 0
    gate = threading.Event()
    rig.twilio.on_send = lambda seen: gate.wait(20)  # Twilio has the request while the worker dies
    worker = WorkerProcess({**os.environ})
    try:
        wait_for(lambda: len(rig.twilio.sends) == 1, 30)
        worker.process.kill()  # SIGKILL: no result is recorded
        assert worker.process.wait(10) != 0
    finally:
        gate.set()
        if worker.process.poll() is None:
            worker.process.kill()
    rig.twilio.on_send = None
    due_now(rig)  # type: ignore[arg-type]  # what it reads of a rig: its box
    rig.drain(config=PATIENT)
    assert rig.drain(LATER, PATIENT) == {}
    notices = [b for b in bodies(rig.twilio) if b.startswith(f"PA-{code}: Dang xu ly")]
    assert 1 <= len(notices) <= 2 and len(notices) == len(rig.twilio.sends)
