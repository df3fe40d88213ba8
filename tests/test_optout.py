"""Opting out and back in: the words as a whole message on SMS (signed Twilio webhooks, an eSMS MO) and Zalo, Zalo's
unfollow and follow, Twilio's error 21610; kept durably by salted hash, honoured by every notice, shown by
``tongdai stats``; on both stores (SQLite, and the real Redis)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest
import redis
from fake_zalo import event, sign
from sms_kit import PHONE, SmsRig, counting_consent
from zalo_kit import LATER
from zalo_kit import USER as ZALO_USER

from app import create_app
from app.cli import main
from app.outbound.consent import consent_key
from app.services import services
from lookups.clock import VIETNAM
from lookups.store import Catalog

EN_STOP = "You will get no more notices from this hotline on this channel. Send START to get them again."
VI_STOP = "Ban da ngung nhan tin nhan chu dong cua tong dai tren kenh nay. Soan BATDAU de nhan lai."


def said(response: object) -> str:
    """The SMS text of a TwiML answer ("" for an empty ``<Response/>``)."""
    root = ET.fromstring(response.data)  # type: ignore[attr-defined]
    return " ".join(" ".join((m.text or "").split()) for m in root.iter("Message"))


@pytest.mark.parametrize(("text", "expect"), [
    ("STOP", EN_STOP), ("stop", EN_STOP), ("Stop.", EN_STOP), ("STOPALL", EN_STOP), ("unsubscribe", EN_STOP),
    ("CANCEL", EN_STOP), ("End", EN_STOP), ("quit", EN_STOP),
    ("HUY DK", VI_STOP), ("Hủy ĐK", VI_STOP), ("huydk", VI_STOP), ("TỪ CHỐI", VI_STOP), ("tu choi", VI_STOP),
    ("Dừng", VI_STOP), ("NGUNG", VI_STOP), ("ngừng!", VI_STOP),
])
def test_each_stop_word_is_acknowledged_in_its_language(sms_rig: SmsRig, text: str, expect: str) -> None:
    assert said(sms_rig.sms(text)).startswith(expect)
    who = consent_key(sms_rig.svc.settings.sender_salt, "twilio", PHONE)
    assert sms_rig.svc.consent.standing("twilio", who).out


@pytest.mark.parametrize("text", ["STOP please", "dung xe buyt", "HUY", "0", "stop stop"])
def test_other_messages_do_not_opt_out(sms_rig: SmsRig, text: str) -> None:
    sms_rig.sms(text)
    who = consent_key(sms_rig.svc.settings.sender_salt, "twilio", PHONE)
    assert not sms_rig.svc.consent.standing("twilio", who).out


def test_stop_once_lookups_still_answered_no_notice_then_start(sms_rig: SmsRig,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    queued_before = sms_rig.send("twilio", PHONE, "Thong bao truoc khi dung")
    assert said(sms_rig.sms("STOP")).startswith(EN_STOP)
    assert said(sms_rig.sms("STOP")) == ""  # acknowledged once
    assert "Pho Hoa" in said(sms_rig.sms("attp pho hoa le duan"))  # they are asking: answered
    assert main(["send", "--channel", "twilio", "--to", PHONE, "Thong bao"]) == 1
    assert "opted out" in capsys.readouterr().err
    assert queued_before.status == "queued" and sms_rig.drain() == {"failed": 1}  # checked again at send time
    assert sms_rig.twilio.sends == [] and sms_rig.failures("twilio", "opted_out") == 1
    again = said(sms_rig.sms("START"))  # in Vietnamese: the language of their last lookup
    assert again.startswith("Ban se nhan lai tin nhan cua tong dai tren kenh nay. Soan DUNG de ngung nhan")
    assert said(sms_rig.sms("START", sender="+84905000003")).startswith("You will get notices from this hotline")
    assert sms_rig.send("twilio", PHONE, "Thong bao").status == "queued" and sms_rig.drain() == {"done": 1}
    assert said(sms_rig.sms("BATDAU")).startswith("Ban se nhan lai tin nhan")  # already in: said again, harmless


def test_the_ack_follows_the_senders_language_and_huy_still_cancels_a_list(sms_rig: SmsRig) -> None:
    assert "Tra loi 1-" in said(sms_rig.sms("attp pho"))  # a numbered list in Vietnamese
    assert said(sms_rig.sms("HUY")).startswith("Da huy.")
    assert said(sms_rig.sms("STOP")).startswith(VI_STOP)  # their lookups were in Vietnamese
    assert said(sms_rig.sms("DK")).startswith("Ban se nhan lai")


def test_an_opt_out_survives_a_restart_and_stores_no_number(sms_rig: SmsRig, catalog: Catalog,
                                                            tmp_path: Path) -> None:
    sms_rig.sms("STOP")
    other = create_app({"CATALOG": catalog})  # another process, later
    assert services(other).consent.counts() == {"twilio": 1}
    settings = sms_rig.svc.settings
    if settings.REDIS_URL:
        client = redis.Redis.from_url(settings.REDIS_URL)
        stored = b"".join(k + (client.dump(k) or b"")
                          for k in client.scan_iter(match=settings.TONGDAI_REDIS_PREFIX + "*"))
    else:
        stored = b"".join(p.read_bytes() for p in (tmp_path / "state").glob("consent.sqlite3*"))
    assert stored and b"905123456" not in stored


def test_twilio_error_21610_is_an_opt_out_from_rest_and_from_a_status_callback(
        sms_rig: SmsRig, capsys: pytest.CaptureFixture[str]) -> None:
    sms_rig.twilio.script = [21610]
    sms_rig.send("twilio", PHONE, "Thong bao")
    assert sms_rig.drain() == {"failed": 1} and sms_rig.drain(LATER) == {}  # not retried
    assert sms_rig.send("twilio", PHONE, "Thong bao").status == "opted_out"
    other = "+84905000002"
    callback = {"MessageSid": "SM" + "1" * 32, "MessageStatus": "undelivered", "ErrorCode": "21610", "To": other,
                "From": "+14155550123", "AccountSid": "AC" + "0" * 32}
    assert sms_rig.post("/sms/twilio/status", callback).status_code == 204
    assert sms_rig.send("twilio", other, "Thong bao").status == "opted_out"
    assert main(["stats"]) in (0, 2)
    assert "opted out of notices: twilio 2" in capsys.readouterr().out


def test_twilio_advanced_opt_out_is_recorded_without_a_second_answer(sms_rig: SmsRig) -> None:
    form = {"MessageSid": "SM" + "2" * 32, "From": PHONE, "To": "+14155550123", "Body": "STOP", "NumMedia": "0",
            "OptOutType": "STOP"}
    assert said(sms_rig.post("/sms/twilio", form)) == ""  # Twilio has sent its own confirmation
    assert sms_rig.send("twilio", PHONE, "Thong bao").status == "opted_out"
    form.update(MessageSid="SM" + "3" * 32, Body="START", OptOutType="START")
    assert said(sms_rig.post("/sms/twilio", form)) == ""
    assert sms_rig.send("twilio", PHONE, "Thong bao").status == "queued"


def test_the_short_code_gateway_takes_stop_too(sms_rig: SmsRig) -> None:
    stamp = datetime.now(VIETNAM).strftime("%Y%m%d%H%M%S")
    query = {"sender": "84905123456", "content": "DUNG", "serviceNumber": "8041", "keyword": "DUNG", "smsid": "77",
             "cpid": "cp1", "receiverTime": stamp, "sign": "unsigned-in-development"}
    response = sms_rig.app.test_client().get("/sms/gateway", query_string=query)
    assert " ".join((ET.fromstring(response.data).findtext("Message") or "").split()).startswith(VI_STOP)
    for written in ("84905123456", "0905123456", "+84 905 123 456"):  # the same number, however it is written
        assert sms_rig.send("gateway", written, "Thong bao").status == "opted_out"
    assert sms_rig.send("twilio", "84905123456", "Thong bao").status == "queued"  # per channel


def zalo_post(rig: SmsRig, raw: bytes) -> dict[str, str]:
    response = rig.app.test_client().post("/zalo/webhook", data=raw, content_type="application/json",
                                          headers={"X-ZEvent-Signature": sign(raw)})
    assert response.status_code == 200
    found: dict[str, str] = response.get_json()
    return found


def test_zalo_unfollow_opts_out_and_follow_opts_back_in(sms_rig: SmsRig) -> None:
    assert zalo_post(sms_rig, event("follow")) == {"status": "queued"}
    assert sms_rig.drain() == {"done": 1}  # the welcome
    assert sms_rig.send("zalo", ZALO_USER, "Thông báo").status == "queued"  # the follow opened the window
    assert zalo_post(sms_rig, event("unfollow")) == {"status": "opted_out"}
    assert sms_rig.drain() == {"failed": 1}  # queued before the unfollow: not sent
    assert sms_rig.send("zalo", ZALO_USER, "Thông báo").status == "opted_out"
    assert len(sms_rig.zalo.sends) == 1


def test_a_follow_records_the_last_contact_once_and_a_message_once(sms_rig: SmsRig,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    consent = counting_consent(sms_rig, monkeypatch)
    assert zalo_post(sms_rig, event("follow")) == {"status": "queued"}
    assert sms_rig.drain() == {"done": 1}  # the welcome
    assert consent.calls == ["set_out", "seen"]  # by the webhook, before the 200; not again by the worker
    assert zalo_post(sms_rig, event("user_send_text", text="attp pho hoa", msg_id="t1")) == {"status": "queued"}
    assert sms_rig.drain() == {"done": 1}
    assert consent.calls == ["set_out", "seen", "seen"]


def test_zalo_stop_is_acknowledged_once_by_the_worker(sms_rig: SmsRig) -> None:
    for n in range(2):
        assert zalo_post(sms_rig, event("user_send_text", text="Dừng", msg_id=f"stop-{n}")) == {"status": "queued"}
        assert sms_rig.drain() == {"done": 1}
    [ack] = sms_rig.zalo.sends
    assert json.loads(ack.body)["message"]["text"].startswith("Bạn đã ngừng nhận tin nhắn chủ động")
    assert sms_rig.send("zalo", ZALO_USER, "Thông báo").status == "opted_out"
