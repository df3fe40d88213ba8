"""Replays, through the signed webhooks: Zalo events outside the replay window are acknowledged and dropped; a
replayed Twilio MessageSid does not count against its sender's limit; the short-code gateway checks cpid, the
MO's time and the sender's address, de-duplicates on exactly what the sign covers, and keeps numbered answers
working when the aggregator stamps its keyword on every MO. Also: blank secrets are missing secrets."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fake_zalo import event
from flask import Flask
from sms_kit import said, twilio_post
from test_channel_zalo import make_app, post, sent

from app import create_app
from app.channels.sms.gateway import esms_sign
from app.config import ConfigError, Settings
from app.services import Services, services
from lookups.clock import VIETNAM
from lookups.store import Catalog

FIXED = datetime(2026, 11, 4, 8, 30, 5, tzinfo=UTC)
WINDOW = Settings().TONGDAI_REPLAY_WINDOW
TOKEN, KEY, CPID = "9d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a", "gw-replay-key", "1022DN"


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Services, "now", lambda self: FIXED)
    monkeypatch.setenv("TONGDAI_WORKER_THREAD", "0")


def metric(app: Flask, name: str, **labels: str) -> float:
    return services(app).metrics.registry.get_sample_value(name, labels) or 0.0


@pytest.mark.parametrize(("offset", "status"), [
    (timedelta(seconds=-WINDOW - 60), "stale"),  # a captured event replayed after its de-duplication could expire
    (timedelta(days=-5), "stale"),
    (timedelta(days=365), "stale"),
    (timedelta(minutes=10), "stale"),  # ahead of us by more than clocks differ
    (timedelta(seconds=-WINDOW + 60), "queued"),  # a late re-delivery within the window is still answered
    (timedelta(minutes=2), "queued"),
])
def test_zalo_events_outside_the_window_are_acknowledged_not_answered(
        catalog: Catalog, tmp_path: Path, offset: timedelta, status: str) -> None:
    app = make_app(catalog, tmp_path)
    raw = event("user_send_text", at_ms=int((FIXED + offset).timestamp() * 1000))
    response = post(app.test_client(), raw)
    assert response.status_code == 200 and response.get_json() == {"status": status}
    assert len(sent(app)) == (1 if status == "queued" else 0)
    assert metric(app, "tongdai_webhook_rejected_total", channel="zalo", reason="stale") == (status == "stale")


def test_a_nested_timestamp_before_the_events_own_still_verifies(catalog: Catalog, tmp_path: Path) -> None:
    app = make_app(catalog, tmp_path)
    stamp = str(int(FIXED.timestamp() * 1000)).encode()
    raw = event("user_send_text", at_ms=int(FIXED.timestamp() * 1000))
    raw = raw.replace(b'"message": {', b'"message": {"extra": {"timestamp": "12345"}, ', 1)
    assert raw.index(b'"12345"') < raw.index(stamp)
    assert post(app.test_client(), raw).get_json() == {"status": "queued"}


# --- Twilio ---------------------------------------------------------------------------------------------------

def twilio(app: Flask, sid: str, body: str = "attp pho hoa le duan", sender: str = "+84905123456") -> str | None:
    return said(twilio_post(app, TOKEN, body, sender, sid).data)


def test_replays_of_one_message_sid_do_not_silence_its_sender(catalog: Catalog,
                                                              state_config: dict[str, str]) -> None:
    app = create_app({"TONGDAI_CHANNELS": "twilio", "TWILIO_AUTH_TOKEN": TOKEN, "CATALOG": catalog, **state_config})
    first = twilio(app, "SM" + "e" * 32)
    assert first and first.startswith("Pho Hoa")
    assert all(twilio(app, "SM" + "e" * 32) == first for _ in range(12))
    answers = [twilio(app, f"SM{n:032x}") for n in range(9)]  # the sender's other 9 of 10 this minute
    assert all(a and a.startswith("Pho Hoa") for a in answers)
    assert metric(app, "tongdai_guarded_total", channel="twilio", reason="limited") == 0


# --- the short-code gateway -------------------------------------------------------------------------------------

def gateway_app(catalog: Catalog, state_config: dict[str, str] | None = None, **settings: str) -> Flask:
    config = {"TONGDAI_CHANNELS": "gateway", "SMS_GATEWAY_KEY": KEY, "SMS_GATEWAY_CPID": CPID, **settings}
    return create_app({**config, "CATALOG": catalog, **(state_config or {})})


def mo(content: str, smsid: str, *, cpid: str = CPID, sender: str = "84905123456", keyword: str = "ATTP",
       at: datetime = FIXED) -> dict[str, str]:
    values = {"cpid": cpid, "smsid": smsid, "sender": sender, "serviceNumber": "8188", "keyword": keyword,
              "content": content, "receiverTime": at.astimezone(VIETNAM).strftime("%Y%m%d%H%M%S")}
    return {**values, "sign": esms_sign(values, Settings(SMS_GATEWAY_KEY=KEY))}


def gateway(app: Flask, values: dict[str, str], status: int = 200, address: str = "127.0.0.1",
            headers: dict[str, str] | None = None) -> str:
    response = app.test_client().get("/sms/gateway", query_string=values, headers=headers or {},
                                     environ_base={"REMOTE_ADDR": address})
    assert response.status_code == status, response.data
    return (ET.fromstring(response.data).findtext("Message") or "") if status == 200 else response.get_json()["error"]


def lookups(app: Flask) -> float:
    return sum(metric(app, "tongdai_messages_total", channel="gateway", intent=i, status=s)
               for i in ("attp", "none", "help", "menu") for s in ("found", "ambiguous", "not_found", "help"))


def test_an_mo_for_another_cpid_is_refused(catalog: Catalog) -> None:
    assert "cpid" in gateway(gateway_app(catalog), mo("ATTP pho hoa", "1", cpid="9999"), 403)


@pytest.mark.parametrize("at", [datetime(2020, 1, 1, tzinfo=UTC), datetime(2099, 1, 1, tzinfo=UTC),
                                FIXED - timedelta(seconds=WINDOW + 60), FIXED + timedelta(minutes=10)])
def test_an_mo_stamped_outside_the_window_gets_an_empty_mt(catalog: Catalog, at: datetime) -> None:
    app = gateway_app(catalog)
    assert gateway(app, mo("ATTP pho hoa le duan", "2", at=at)) == ""
    assert metric(app, "tongdai_webhook_rejected_total", channel="gateway", reason="stale") == 1
    assert gateway(app, mo("ATTP pho hoa le duan", "3", at=FIXED - timedelta(hours=12))).startswith("Pho Hoa")


def test_moving_a_character_between_cpid_and_smsid_is_the_same_mo(catalog: Catalog,
                                                                  state_config: dict[str, str]) -> None:
    app = gateway_app(catalog, state_config, SMS_GATEWAY_CPID="")  # without the cpid pinned, de-duplication holds
    first = gateway(app, mo("ATTP pho hoa le duan", "7001", cpid="1022DN"))
    moved = mo("ATTP pho hoa le duan", "N7001", cpid="1022D")
    assert moved["sign"] == mo("ATTP pho hoa le duan", "7001", cpid="1022DN")["sign"]
    assert gateway(app, moved) == first and metric(app, "tongdai_duplicates_total", channel="gateway") == 1
    assert "cpid" in gateway(gateway_app(catalog), moved, 403)  # with it pinned, refused outright


def test_a_replay_under_another_sender_does_not_count_against_that_sender(catalog: Catalog,
                                                                          state_config: dict[str, str]) -> None:
    app = gateway_app(catalog, state_config)
    original = mo("ATTP pho hoa le duan", "8000")
    first = gateway(app, original)
    for n in range(12):  # sender, keyword and serviceNumber are not signed
        assert gateway(app, {**original, "sender": "84905999000", "serviceNumber": f"81{n:02d}"}) == first
    victim = [gateway(app, mo("ATTP pho hoa le duan", f"81{n:02d}", sender="84905999000")) for n in range(10)]
    assert all(text.startswith("Pho Hoa") for text in victim)


@pytest.mark.parametrize(("allow", "address", "forwarded", "status"), [
    ("203.0.113.0/24, 198.51.100.7", "203.0.113.9", None, 200),
    ("203.0.113.0/24, 198.51.100.7", "198.51.100.7", None, 200),
    ("203.0.113.0/24, 198.51.100.7", "192.0.2.1", None, 403),
    ("203.0.113.0/24", "10.0.0.2", "203.0.113.50", 200),  # behind the one trusted proxy (ProxyFix)
    ("203.0.113.0/24", "10.0.0.2", "192.0.2.1", 403),
    ("2001:db8::/32", "2001:db8::1", None, 200),
    ("", "192.0.2.1", None, 200),  # off by default
])
def test_the_aggregator_allow_list(catalog: Catalog, allow: str, address: str, forwarded: str | None,
                                   status: int) -> None:
    app = gateway_app(catalog, SMS_GATEWAY_ALLOW=allow)
    headers = {"X-Forwarded-For": forwarded} if forwarded else None
    found = gateway(app, mo("ATTP pho hoa le duan", "9"), status, address, headers)
    assert found.startswith("Pho Hoa") if status == 200 else "address" in found


def test_a_wrong_allow_list_stops_the_start() -> None:
    with pytest.raises(ConfigError, match="SMS_GATEWAY_ALLOW"):
        Settings(SMS_GATEWAY_ALLOW="203.0.113.0/24, aggregator.example").check()


@pytest.mark.parametrize(("keyword", "answers"), [
    ("ATTP", ["2", "ATTP 2", "attp: 2", "ATTP THEM", "ATTP HUY"]),
    ("TD", ["TD 2", "2"]),  # the aggregator's service keyword stamped on the answer, whatever it is
    ("", ["2"]),
])
def test_numbered_answers_survive_a_stamped_keyword(catalog: Catalog, state_config: dict[str, str], keyword: str,
                                                    answers: list[str]) -> None:
    app = gateway_app(catalog, state_config)
    for n, answer in enumerate(answers):
        listing = gateway(app, mo("ATTP pho hoa", f"50{n}0"))
        assert listing.startswith("Co 3 ket qua")
        reply = gateway(app, mo(answer, f"50{n}1", keyword=keyword))
        if answer.endswith("2"):
            assert reply.startswith("Pho Hoa\nDia chi: 88 Ngo Quyen"), (answer, reply)
        elif answer.endswith("HUY"):
            assert reply.startswith("Da huy"), reply
        else:
            assert "ket qua" in reply and reply != listing, reply


# --- secrets --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_a_blank_production_secret_stops_the_start_naming_it(monkeypatch: pytest.MonkeyPatch, blank: str) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", blank)
    config = {"TONGDAI_ENV": "production", "TONGDAI_CHANNELS": "twilio", "PUBLIC_BASE_URL": "https://x.vn",
              "TONGDAI_SENDER_SALT": "s3cret"}
    with pytest.raises(ConfigError, match="^TWILIO_AUTH_TOKEN is required in production"):
        create_app(config)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", f" {TOKEN}\n")  # pasted with blanks around it: the same token
    assert services(create_app(config)).settings.TWILIO_AUTH_TOKEN == TOKEN
