"""What stands before a lookup on the SMS channels, on the real Redis and on the stand-in: a provider's retry of
a message id is answered with the stored reply and no second lookup; a sender over the rate limit gets one
"please wait" and then silence until the window passes; the same text twenty times in five minutes is a loop."""

from __future__ import annotations

import threading
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sms_kit import said, twilio_post

from app import create_app
from app.channels.sms.gateway import esms_sign
from app.config import Settings
from app.message import InboundMessage
from app.services import services
from lookups.store import Catalog

TOKEN = "7c3fbd1ad8e24e3c9a0c2b5f9e1d4a66"
KEY = "gw-key"
FIXED = datetime(2026, 11, 4, 8, 30, 5, tzinfo=UTC)  # early in a minute: no window ends during a test


class Frozen(datetime):
    @classmethod
    def now(cls, tz: Any = None) -> Frozen:
        return FIXED  # type: ignore[return-value]


@pytest.fixture
def app(catalog: Catalog, state_config: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setattr("app.resources.datetime", Frozen)
    return create_app({"TONGDAI_CHANNELS": "twilio,gateway", "TWILIO_AUTH_TOKEN": TOKEN, "SMS_GATEWAY_KEY": KEY,
                       "CATALOG": catalog, **state_config})


def twilio(app: Flask, body: str, sid: str, sender: str = "+84905123456") -> bytes:
    return bytes(twilio_post(app, TOKEN, body, sender, sid).data)


def gateway(app: Flask, content: str, smsid: str, sender: str = "84905123456") -> str:
    mo = {"cpid": "1", "smsid": smsid, "sender": sender, "serviceNumber": "8188", "keyword": "ATTP",
          "content": content, "receiverTime": "20261104153000"}
    sign = esms_sign(mo, Settings.from_env({}, SMS_GATEWAY_KEY=KEY))
    response = app.test_client().get("/sms/gateway", query_string={**mo, "sign": sign})
    assert response.status_code == 200, response.data
    return ET.fromstring(response.data).findtext("Message") or ""


def count(app: Flask, name: str, **labels: str) -> float:
    return services(app).metrics.registry.get_sample_value(name, labels) or 0.0


def lookups(app: Flask) -> float:
    return count(app, "tongdai_cache_lookups_total", result="hit") + count(app, "tongdai_cache_lookups_total",
                                                                           result="miss")


def test_a_retried_message_sid_is_answered_again_without_a_lookup(app: Flask) -> None:
    first = twilio(app, "ATTP pho hoa le duan", "SM" + "a" * 32)
    again = twilio(app, "ATTP pho hoa le duan", "SM" + "a" * 32)
    assert first == again and (said(first) or "").startswith("Pho Hoa")
    assert lookups(app) == 1 and count(app, "tongdai_duplicates_total", channel="twilio") == 1
    assert count(app, "tongdai_messages_total", channel="twilio", intent="attp", status="found") == 1


def test_a_retried_smsid_gets_the_same_mt(app: Flask) -> None:
    first = gateway(app, "ATTP pho hoa", "900001")
    assert first.startswith("Co 3 ket qua") and gateway(app, "ATTP pho hoa", "900001") == first
    assert lookups(app) == 1 and count(app, "tongdai_duplicates_total", channel="gateway") == 1


def test_a_retry_arriving_while_the_first_is_answered_waits_for_its_reply(app: Flask,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from handlers import dispatch

    real = dispatch.answer  # what every channel's answer runs

    def slow(*args: Any) -> Any:
        time.sleep(0.3)
        return real(*args)

    monkeypatch.setattr(dispatch, "answer", slow)
    replies: list[bytes] = []
    first = threading.Thread(target=lambda: replies.append(twilio(app, "attp bun bo", "SM" + "b" * 32)))
    first.start()
    time.sleep(0.1)
    replies.append(twilio(app, "attp bun bo", "SM" + "b" * 32))
    first.join(30)  # a loaded machine may take seconds; the assertions below say what went wrong
    assert len(replies) == 2 and replies[0] == replies[1] and (said(replies[0]) or "").startswith("Co 24 ket qua")
    assert lookups(app) == 1


def test_over_the_rate_limit_one_please_wait_then_silence(app: Flask) -> None:
    for n in range(10):
        assert said(twilio(app, f"attp pho hoa {n}", f"SM{n:032x}"))
    assert said(twilio(app, "attp pho hoa", "SM" + "1" * 32)) == "Ban da gui nhieu tin nhan lien tiep.\n" \
                                                                 "Vui long doi mot phut roi gui lai."
    silent = twilio(app, "attp pho hoa", "SM" + "2" * 32)
    assert said(silent) is None and silent.endswith(b"<Response />")
    assert said(twilio(app, "attp pho hoa", "SM" + "3" * 32, sender="+84905000999"))  # others are not held back
    assert count(app, "tongdai_guarded_total", channel="twilio", reason="limited") == 1
    assert count(app, "tongdai_guarded_total", channel="twilio", reason="dropped") == 1


def test_the_gateway_leaves_the_message_empty_over_the_limit(app: Flask) -> None:
    for n in range(11):
        gateway(app, f"ATTP com ga {n}", str(800000 + n))
    assert gateway(app, "ATTP com ga", "800100") == ""


def test_the_limit_lifts_when_the_window_passes(app: Flask) -> None:
    svc = services(app)

    def send(n: int, at: datetime) -> Any:
        msg = InboundMessage("twilio", "+84905777666", f"attp bun bo {n}", f"SMw{n}", at)
        return svc.respond(msg, lambda reply: reply.title, now=at)

    outcomes = [send(n, FIXED).outcome for n in range(12)]
    assert outcomes == ["answered"] * 10 + ["limited", "dropped"]
    assert send(99, FIXED + timedelta(minutes=1)).outcome == "answered"


def test_the_same_text_twenty_times_is_a_loop(catalog: Catalog, state_config: dict[str, str],
                                              monkeypatch: pytest.MonkeyPatch,
                                              caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr("app.resources.datetime", Frozen)
    app = create_app({"TONGDAI_CHANNELS": "twilio", "TWILIO_AUTH_TOKEN": TOKEN, "CATALOG": catalog,
                      "TONGDAI_RATE_LIMIT": 1000, **state_config})
    texts = [said(twilio(app, "Cam on!", f"SM{n:032x}")) for n in range(23)]
    assert all(texts[:19]) and texts[19:] == [None] * 4
    assert said(twilio(app, "attp pho hoa le duan", "SM" + "c" * 32))  # another text is still answered
    assert caplog.text.count("treated as a loop") == 1
    assert count(app, "tongdai_loops_detected_total", channel="twilio") == 1
    assert count(app, "tongdai_guarded_total", channel="twilio", reason="loop") == 4
