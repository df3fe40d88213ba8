"""Notices on every channel through the one outbox: ``tongdai send`` and ``app.outbound`` queue them, the worker sends
them through Twilio's REST API, the eSMS MT push API and Zalo's CS API (fakes on loopback), with retries, dead
letters, quiet hours and the Zalo window; on both stores (SQLite, and the real Redis)."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import datetime
from pathlib import Path

import pytest
from sms_kit import PHONE, PUBLIC, SmsRig, counting_consent
from zalo_kit import FAST, LATER, ops
from zalo_kit import USER as USER_ID

from app.cli import main
from app.cli.ops import run as run_ops
from app.config import ConfigError, Settings, fields
from app.config.fields import parse_quiet_hours
from app.outbound.consent import consent_key
from app.outbound.delivery import UNKNOWN
from app.outbound.notices import NoticeError
from app.outbound.policy import WorkerConfig
from app.outbound.quiet import quiet_until
from app.outbox.sqlite import LEGACY, Outbox
from lookups.clock import VIETNAM
from lookups.store import Catalog

NOTICE = "Phản ánh PA-7 của bạn đã được xử lý: đã dọn rác ở đường Lê Duẩn."
ASCII = "Phan anh PA-7 cua ban da duoc xu ly: da don rac o duong Le Duan."
QUIET = WorkerConfig(max_attempts=3, backoff=0.01, poll=0.05, quiet=parse_quiet_hours("21-7"))


def local(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=VIETNAM).timestamp()


def test_tongdai_send_goes_out_through_twilio_rest_with_the_status_callback(
        sms_rig: SmsRig, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["send", "--channel", "twilio", "--to", PHONE, NOTICE]) == 0
    assert capsys.readouterr().out.startswith("queued notice:")
    assert sms_rig.drain() == {"done": 1} and sms_rig.drain(LATER) == {}
    [seen] = sms_rig.twilio.sends
    assert seen.form == {"To": PHONE, "Body": ASCII, "From": "+14155550123",
                         "StatusCallback": f"{PUBLIC}/sms/twilio/status"}


def test_the_gateway_gets_an_esms_mt_with_the_job_key_as_request_id(sms_rig: SmsRig) -> None:
    queued = sms_rig.send("gateway", "84905123456", NOTICE, key="report:7:closed")
    assert queued.status == "queued"
    assert sms_rig.send("gateway", "84905123456", NOTICE, key="report:7:closed").status == "duplicate"
    assert sms_rig.drain() == {"done": 1}
    [seen] = sms_rig.gateway.sends
    assert seen.json == {"ApiKey": "fake-esms-api-key", "SecretKey": "fake-esms-secret", "SmsType": "2",
                         "IsUnicode": "0", "Sandbox": "0", "Brandname": "TONGDAI", "Phone": "84905123456",
                         "Content": ASCII, "RequestId": "notice:report:7:closed"}
    assert "fake-esms" not in json.dumps([r for r in sms_rig.box.dead_letters()])  # no secret is stored


def test_sms_is_routed_to_the_gateway_and_bad_notices_get_one_line(
        sms_rig: SmsRig, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["send", "--channel", "sms", "--to", "0905123456", "Thong bao"]) == 0
    assert " on gateway" in capsys.readouterr().out
    assert main(["send", "--channel", "twilio", "--to", PHONE, "x" * 500]) == 2
    assert capsys.readouterr().err.startswith("tongdai send: an SMS notice is at most 459 characters")
    with pytest.raises(NoticeError, match="empty"):
        sms_rig.send("zalo", USER_ID, "   ")


@pytest.mark.parametrize(("channel", "script", "results"), [
    ("twilio", ["http429", "http500"], [{"retry": 1}, {"retry": 1}, {"done": 1}]),
    ("gateway", [99, "http503"], [{"retry": 1}, {"retry": 1}, {"done": 1}]),
    ("twilio", [21211], [{"failed": 1}, {}]),  # an invalid number: a re-send cannot succeed
])
def test_sms_failures_are_retried_or_dropped_as_the_provider_means(
        sms_rig: SmsRig, channel: str, script: list[str | int], results: list[dict[str, int]]) -> None:
    fake = sms_rig.twilio if channel == "twilio" else sms_rig.gateway
    fake.script = list(script)
    assert sms_rig.send(channel, PHONE, NOTICE).status == "queued"
    assert [sms_rig.drain(LATER + i) for i in range(len(results))] == results


def test_a_timeout_is_an_unknown_outcome_sent_at_most_twice_then_a_dead_letter_listed_and_resent(
        sms_rig: SmsRig, capsys: pytest.CaptureFixture[str], catalog: Catalog) -> None:
    sms_rig.gateway.script, sms_rig.gateway.slow = ["timeout", "drop"], 1.0
    sms_rig.send("gateway", "84905123456", NOTICE)
    assert sms_rig.drain(LATER) == {"retry": 1} and sms_rig.drain(LATER * 2) == {"dead": 1}
    assert len(sms_rig.gateway.sends) == 2
    [letter] = sms_rig.box.dead_letters()
    assert letter.channel == "gateway" and letter.reason.startswith(UNKNOWN)
    assert run_ops(ops("deadletters", "list"), catalog) == 0
    listed = capsys.readouterr().out
    assert "gateway" in listed and "Phan anh PA-7" in listed
    assert run_ops(ops("deadletters", "resend", str(letter.id)), catalog) == 0
    assert len(sms_rig.gateway.sends) == 3 and sms_rig.box.dead_letters() == []


def test_sms_waits_for_the_end_of_the_quiet_hours(sms_rig: SmsRig) -> None:
    night = local("2026-12-01T22:30:00")
    out = sms_rig.outbound
    out.quiet = QUIET.quiet
    queued = out.send("twilio", PHONE, NOTICE, now=night)
    assert queued.due == local("2026-12-02T07:00:00")
    assert sms_rig.drain(local("2026-12-02T06:59:00"), QUIET) == {}
    assert sms_rig.drain(local("2026-12-02T07:00:01"), QUIET) == {"done": 1}
    # a retry that falls in the quiet hours is put off without using up an attempt
    sms_rig.twilio.script = ["http500"]
    sms_rig.send("twilio", PHONE, NOTICE, now=local("2026-12-02T20:59:59"))
    assert sms_rig.drain(local("2026-12-02T20:59:59"), QUIET) == {"retry": 1}
    assert sms_rig.drain(local("2026-12-02T21:10:00"), QUIET) == {"postponed": 1}
    assert sms_rig.drain(local("2026-12-03T07:00:00"), QUIET) == {"done": 1}
    assert len(sms_rig.twilio.sends) == 3


def test_retry_and_postpone_put_a_claimed_job_back_with_its_counts(sms_rig: SmsRig) -> None:
    box = sms_rig.box
    assert box.enqueue("notice:n1", PHONE, "", 100.0, channel="twilio", message="{}")
    first = box.claim(100.0)
    assert first is not None and (first.attempts, first.unsure) == (1, 0)
    box.retry(first.id, "http500", 200.0, unknown=True)
    assert box.claim(150.0) is None
    second = box.claim(200.0)
    assert second is not None and (second.attempts, second.unsure) == (2, 1)
    box.postpone(second.id, "quiet hours", 300.0)
    third = box.claim(300.0)
    assert third is not None and (third.attempts, third.unsure) == (2, 1)  # the postponed attempt given back
    box.done(third.id)
    box.retry(third.id, "late", 400.0)
    box.postpone(third.id, "late", 400.0)
    assert box.claim(500.0) is None and box.counts() == {"done": 1}  # a finished job is never revived


def test_quiet_hours_settings() -> None:
    window = parse_quiet_hours("21-7")
    assert quiet_until(window, local("2026-12-01T12:00:00")) is None
    assert quiet_until(window, local("2026-12-01T21:00:00")) == local("2026-12-02T07:00:00")
    assert quiet_until(window, local("2026-12-02T03:00:00")) == local("2026-12-02T07:00:00")
    assert quiet_until(parse_quiet_hours("12:30-13:15"), local("2026-12-01T13:00:00")) == local("2026-12-01T13:15:00")
    assert parse_quiet_hours("") is None
    for wrong in ("9pm-7", "21-7-3", "25-7", "7-7"):
        with pytest.raises(ConfigError, match="TONGDAI_QUIET_HOURS"):
            Settings.from_env({"TONGDAI_QUIET_HOURS": wrong}).check()
    config = WorkerConfig.from_settings(Settings.from_env({"TONGDAI_ZALO_MAX_ATTEMPTS": "4",
                                                           "TONGDAI_ZALO_WINDOW_HOURS": "24"}))
    assert config.max_attempts == 4 and config.zalo_window == 86400 and config.quiet == window
    with pytest.raises(ConfigError, match="TONGDAI_WORKER_POLL must be a number"):
        Settings.from_env({"TONGDAI_WORKER_POLL": "often"})


def test_quiet_hours_are_parsed_once_per_settings_never_per_notice(sms_rig: SmsRig,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    real = fields.parse_quiet_hours
    monkeypatch.setattr(fields, "parse_quiet_hours", lambda spec: parsed.append(spec) or real(spec))
    client = sms_rig.app.test_client()
    for n in range(3):
        notice = {"channel": "sms", "to": "0905123456", "text": ASCII, "key": f"k{n}"}
        assert client.post("/api/v1/notices", json=notice).status_code == 202
    assert parsed == []  # parsed when the app started
    settings = Settings.from_env({"TONGDAI_QUIET_HOURS": "22-6"})
    settings.check()
    assert WorkerConfig.from_settings(settings).quiet == settings.quiet_hours == parse_quiet_hours("22-6")
    assert parsed == ["22-6"]  # checked, then read twice: parsed once


def test_a_zalo_notice_goes_inside_the_window_and_is_not_deliverable_outside_it(sms_rig: SmsRig) -> None:
    now = time.time()
    assert sms_rig.send("zalo", USER_ID, NOTICE).status == "not_deliverable"  # never wrote to us
    sms_rig.svc.consent.seen("zalo", consent_key(sms_rig.svc.settings.sender_salt, "zalo", USER_ID), now - 3600)
    assert sms_rig.send("zalo", USER_ID, NOTICE, now=now).status == "queued"
    assert sms_rig.send("zalo", USER_ID, "Thêm một tin.", now=now).status == "queued"
    assert sms_rig.drain(now) == {"done": 2}
    assert [s.json["message"] for s in sms_rig.zalo.sends] == [{"text": NOTICE}, {"text": "Thêm một tin."}]
    sms_rig.send("zalo", USER_ID, "Muộn quá.", now=now)
    assert sms_rig.drain(now + 48 * 3600) == {"failed": 1}  # the window closed while it waited
    assert len(sms_rig.zalo.sends) == 2 and sms_rig.failures("zalo", "not_deliverable") == 1


def test_a_notice_reads_the_consent_store_once_when_queued_and_once_before_it_goes(
        sms_rig: SmsRig, monkeypatch: pytest.MonkeyPatch) -> None:
    now = time.time()
    consent = counting_consent(sms_rig, monkeypatch)
    consent.seen("zalo", consent_key(sms_rig.svc.settings.sender_salt, "zalo", USER_ID), now - 3600)
    consent.calls.clear()
    assert sms_rig.send("zalo", USER_ID, NOTICE, now=now).status == "queued"
    assert sms_rig.send("twilio", PHONE, NOTICE, now=now).status == "queued"
    assert consent.calls == ["standing"] * 2  # opted out and last seen, in one read
    assert sms_rig.drain(now) == {"done": 2}
    assert consent.calls == ["standing"] * 4
    assert sms_rig.send("zalo", USER_ID, NOTICE, key="late", now=now + 48 * 3600).status == "not_deliverable"
    assert consent.calls == ["standing"] * 5


def test_an_outbox_of_the_zalo_only_version_is_read_as_zalo_jobs(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / LEGACY) as conn:  # the schema before channels
        conn.executescript("""CREATE TABLE jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, msg_id TEXT NOT NULL UNIQUE,
            user_id TEXT NOT NULL, event TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT NULL, message TEXT,
            last_error TEXT NOT NULL DEFAULT '', created_at REAL NOT NULL, updated_at REAL NOT NULL,
            unsure INTEGER NOT NULL DEFAULT 0, in_flight INTEGER NOT NULL DEFAULT 0);""")
        conn.execute("INSERT INTO jobs (msg_id, user_id, event, next_attempt_at, created_at, updated_at)"
                     " VALUES ('m1', 'u1', '{}', 0, 0, 0)")
    box = Outbox.for_settings(Settings.from_env({}, TONGDAI_STATE_DIR=str(tmp_path)))
    assert box.path.name == LEGACY
    job = box.claim()
    assert job is not None and job.channel == "zalo" and job.msg_id == "m1"
    assert box.enqueue("n1", PHONE, "", channel="twilio", message="{}")
    assert box.claim() is not None and box.counts() == {"pending": 2}


def test_no_channel_that_cannot_send_takes_a_notice(sms_rig: SmsRig, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "")
    assert main(["send", "--channel", "twilio", "--to", PHONE, "hello"]) == 2
    assert "TWILIO_ACCOUNT_SID" in capsys.readouterr().err
    assert FAST.max_attempts == 3  # the rig's own worker is untouched


def test_the_api_queues_a_notice(sms_rig: SmsRig) -> None:
    client = sms_rig.app.test_client()
    notice = {"channel": "sms", "to": "0905123456", "text": NOTICE, "key": "outage-42"}
    first, again = client.post("/api/v1/notices", json=notice), client.post("/api/v1/notices", json=notice)
    assert first.status_code == 202 and first.get_json()["status"] == "queued"
    assert first.get_json()["channel"] == "gateway" and first.get_json()["key"] == "notice:outage-42"
    assert again.status_code == 200 and again.get_json()["status"] == "duplicate"
    assert sms_rig.drain() == {"done": 1} and sms_rig.gateway.sends[0].json["Phone"] == "84905123456"
    sms_rig.sms("STOP", sender="+84905123456")
    refused = client.post("/api/v1/notices", json={**notice, "channel": "twilio", "key": "k2"})
    assert refused.status_code == 409 and refused.get_json()["status"] == "opted_out"
    for wrong, reason in (({**notice, "to": 5}, '"to" is required'), ({**notice, "channel": "fax"}, "fax"),
                          ({**notice, "text": "x" * 600}, "at most 459"), ([], "JSON object")):
        answer = client.post("/api/v1/notices", json=wrong)
        assert answer.status_code == 400 and reason in answer.get_json()["error"]
    assert "/api/v1/notices" in client.get("/api/v1/openapi.json").get_json()["paths"]
