"""Limits on every channel, on the real Redis and on the stand-in: Zalo gets the SMS channels' per-sender rate
limit and loop guard (counted at the signed webhook, the "please wait" sent by the worker); the operators' API is
limited per API key with its own limit (429 and Retry-After); an API call without a sender has no conversation;
lone surrogates in what a resident wrote still get an answer."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fake_zalo import event, sign
from flask import Flask
from test_channel_zalo import USER, make_app, post, sent

from app import create_app
from app.channels.zalo.webhook import outbox
from app.services import Services, services
from lookups.store import Catalog

FIXED = datetime(2026, 11, 4, 8, 30, 5, tzinfo=UTC)  # early in a minute and in a five-minute window
FIXED_MS = int(FIXED.timestamp() * 1000)
KEY = "limits-api-key"


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(Services, "now", lambda self: FIXED)
    monkeypatch.setenv("TONGDAI_WORKER_THREAD", "0")  # the tests drain the outbox themselves
    return FIXED


def zalo_app(catalog: Catalog, tmp_path: Path, state_config: dict[str, str], **settings: str) -> Flask:
    return make_app(catalog, tmp_path, **state_config, **settings)


def zalo(app: Flask, text: str, msg_id: str, user: str = USER) -> str:
    raw = event("user_send_text", text, msg_id, at_ms=FIXED_MS).replace(USER.encode(), user.encode())
    response = post(app.test_client(), raw)
    assert response.status_code == 200, response.data
    status: str = response.get_json()["status"]
    return status


def texts(app: Flask) -> list[str]:
    return [body["message"].get("text", "(list)") for body in sent(app)]


def test_zalo_over_the_rate_limit_one_please_wait_then_nothing(
        catalog: Catalog, tmp_path: Path, state_config: dict[str, str], frozen: datetime) -> None:
    app = zalo_app(catalog, tmp_path, state_config)
    statuses = [zalo(app, "attp pho hoa le duan", f"m{n}") for n in range(10)]
    statuses += [zalo(app, "attp pho hoa le duan", "m0") for _ in range(5)]  # delivered again: counted once
    statuses += [zalo(app, "attp pho hoa le duan", f"m{n}") for n in (10, 11)]
    assert statuses == ["queued"] * 10 + ["duplicate"] * 5 + ["queued", "limited"]
    assert zalo(app, "attp bun bo", "other-1", user="7000000000000000001") == "queued"  # others go on
    out = texts(app)
    assert len(out) == 12 and out[10] == "Bạn đã gửi nhiều tin nhắn liên tiếp.\nVui lòng đợi một phút rồi gửi lại."
    assert all("Phở Hòa" in text for text in out[:10])
    metric = services(app).metrics.registry.get_sample_value
    assert metric("tongdai_guarded_total", {"channel": "zalo", "reason": "limited"}) == 1
    assert metric("tongdai_guarded_total", {"channel": "zalo", "reason": "dropped"}) == 1


def test_zalo_the_same_text_twenty_times_is_a_loop(catalog: Catalog, tmp_path: Path, state_config: dict[str, str],
                                                   frozen: datetime) -> None:
    app = zalo_app(catalog, tmp_path, state_config, TONGDAI_RATE_LIMIT="1000")
    statuses = [zalo(app, "Cảm ơn!", f"loop{n}") for n in range(22)]
    assert statuses == ["queued"] * 19 + ["limited"] * 3
    assert zalo(app, "attp pho hoa le duan", "after-loop") == "queued"  # another text is still answered
    assert len(sent(app)) == 20
    assert services(app).metrics.registry.get_sample_value("tongdai_loops_detected_total", {"channel": "zalo"}) == 1


def test_a_signed_zalo_text_with_a_lone_surrogate_is_answered(
        catalog: Catalog, tmp_path: Path, state_config: dict[str, str], frozen: datetime) -> None:
    app = zalo_app(catalog, tmp_path, state_config)
    raw = event("user_send_text", at_ms=FIXED_MS).replace(b"pho hoa", b"pho\\ud800 hoa")
    assert b"\\ud800" in raw
    response = app.test_client().post("/zalo/webhook", data=raw, content_type="application/json",
                                      headers={"X-ZEvent-Signature": sign(raw)})
    assert response.get_json() == {"status": "queued"}
    [text] = texts(app)
    assert text.startswith("Phở Hòa")
    assert outbox(app).counts() == {"done": 1}


@pytest.fixture
def api_app(catalog: Catalog, state_config: dict[str, str], frozen: datetime) -> Flask:
    return create_app({"TONGDAI_CHANNELS": "api", "TONGDAI_API_KEY": KEY, "TONGDAI_API_RATE_LIMIT": "5",
                       "CATALOG": catalog, **state_config})


def ask(app: Flask, body: Any, key: str = KEY) -> Any:
    return app.test_client().post("/api/v1/query", json=body, headers={"X-API-Key": key})


def test_the_api_is_limited_per_key_with_a_retry_after(api_app: Flask) -> None:
    client = api_app.test_client()
    assert [ask(api_app, {"text": "bus 05"}).status_code for _ in range(4)] == [200] * 4
    assert client.get("/api/v1/stats", headers={"X-API-Key": KEY}).status_code == 200  # the same allowance
    refused = ask(api_app, {"text": "bus 05"})
    assert refused.status_code == 429 and "5 calls a minute" in refused.get_json()["error"]
    assert refused.headers["Retry-After"] == "55"  # FIXED is 5 s into its minute
    assert client.get("/api/v1/stats", headers={"X-API-Key": KEY}).status_code == 429
    assert ask(api_app, {"text": "bus 05"}, key="wrong").status_code == 401  # a wrong key is refused, not counted


def test_the_api_limit_is_its_own_and_can_be_off(catalog: Catalog, frozen: datetime) -> None:
    app = create_app({"TONGDAI_CHANNELS": "api", "TONGDAI_API_KEY": KEY, "TONGDAI_RATE_LIMIT": "1",
                      "TONGDAI_API_RATE_LIMIT": "0", "CATALOG": catalog})
    assert {ask(app, {"text": f"bus 0{n}", "sender": "op"}).status_code for n in range(5)} == {200}


def test_api_calls_without_a_sender_share_no_conversation(api_app: Flask) -> None:
    listing = ask(api_app, {"text": "ATTP pho hoa", "channel": "sms"}).get_json()  # another caller's list
    assert listing["reply"]["status"] == "ambiguous"
    bare = ask(api_app, {"text": "2", "channel": "sms"}).get_json()
    assert bare["reply"]["status"] != "found" and "Pho Hoa" not in (bare["rendered"] or "")
    ask(api_app, {"text": "ATTP pho hoa", "channel": "sms", "sender": "op-9"})
    picked = ask(api_app, {"text": "2", "channel": "sms", "sender": "op-9"}).get_json()
    assert picked["reply"]["status"] == "found" and picked["rendered"].startswith("Pho Hoa")


@pytest.mark.parametrize(("body", "status", "expect"), [
    (b'{"text": "attp pho\\ud800 hoa le duan", "sender": "op-1"}', 200, "Phở Hòa"),
    (b'{"text": "\\udfff", "sender": "op-1"}', 200, ""),
    (b'{"text": "attp pho hoa", "sender": "op\\ud800"}', 400, '"sender"'),
    (b'{"text": ' + b"[" * 20_000 + b"]" * 20_000 + b"}", 400, "JSON object"),
    (b"[" * 100_000, 413, ""),
])
def test_the_api_answers_strange_json_with_a_reply_or_a_400(api_app: Flask, body: bytes, status: int,
                                                           expect: str) -> None:
    response = api_app.test_client().post("/api/v1/query", data=body, content_type="application/json",
                                          headers={"X-API-Key": KEY})
    assert response.status_code == status, response.data
    found = response.get_json()
    assert expect in (found["reply"]["title"] if status == 200 else found["error"])
    json.dumps(found)
