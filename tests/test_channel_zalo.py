"""The Zalo webhook through the Flask test client: captured events signed as Zalo signs them, what is stored and
what would be sent; refused signatures, replays, malformed bodies."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_zalo import OA_SECRET_KEY, event, sign
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.channels.zalo.client import SENT, Outcome
from app.channels.zalo.messages import TEXT_ONLY
from app.channels.zalo.webhook import outbox
from app.outbound.policy import WorkerConfig
from app.outbound.senders import Senders
from app.outbound.worker import drain_once
from app.services import services
from handlers.dispatch import handle
from handlers.i18n import t
from handlers.render import render_zalo
from lookups.store import Catalog

APP_ID = "2553928453557884079"
USER = "6142494823000000000"


class Recorder:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send(self, body: dict[str, Any]) -> Outcome:
        self.sent.append(body)
        return SENT


def make_app(catalog: Catalog, tmp_path: Path, **settings: str) -> Flask:
    return create_app({"CATALOG": catalog, "TONGDAI_CHANNELS": "zalo", "TONGDAI_STATE_DIR": str(tmp_path),
                       "ZALO_APP_ID": APP_ID, "ZALO_APP_SECRET": "s", "ZALO_OA_SECRET_KEY": OA_SECRET_KEY, **settings})


@pytest.fixture
def app(catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setenv("TONGDAI_WORKER_THREAD", "0")  # the tests drain the outbox themselves
    yield make_app(catalog, tmp_path)


def post(client: FlaskClient, raw: bytes, signature: str | None = "sign") -> Any:
    headers = {} if signature is None else {"X-ZEvent-Signature": sign(raw) if signature == "sign" else signature}
    return client.post("/zalo/webhook", data=raw, headers=headers, content_type="application/json")


def sent(app: Flask) -> list[dict[str, Any]]:
    recorder = Recorder()
    drain_once(services(app), outbox(app), Senders(zalo=recorder), WorkerConfig())
    return recorder.sent


def counter(app: Flask, name: str, **labels: str) -> float:
    return services(app).metrics.registry.get_sample_value(name, {"channel": "zalo", **labels}) or 0.0


INBOUND = [  # fixture, text put in the message, what the webhook says, what the user gets
    ("user_send_text", None, "queued", "answer"),
    ("user_send_text", "attp pho hoa", "queued", "list"),
    ("follow", None, "queued", "welcome"),
    ("user_send_location", None, "queued", "nearby"),
    ("user_send_image", None, "queued", "text only"),
    ("user_send_sticker", None, "queued", "text only"),
    ("user_received_message", None, "ignored", None),
    ("user_seen_message", None, "ignored", None),
    ("oa_send_text", None, "ignored", None),
    ("anonymous_send_text", None, "ignored", None),
]


@pytest.mark.parametrize(("name", "text", "status", "expect"), INBOUND)
def test_inbound_events(app: Flask, catalog: Catalog, name: str, text: str | None, status: str,
                        expect: str | None) -> None:
    response = post(app.test_client(), event(name, text))
    assert response.status_code == 200 and response.get_json() == {"status": status}
    out = sent(app)
    if expect is None:
        assert out == [] and outbox(app).counts() == {}
        assert counter(app, "tongdai_events_ignored_total", event=name) == 1
        return
    [body] = out
    assert body["recipient"] == {"user_id": USER}
    message = body["message"]
    if expect == "answer":
        assert message == {"text": render_zalo(handle("attp pho hoa le duan", catalog))}
        assert "Phở Hòa" in message["text"]
    elif expect == "list":
        rows = message["attachment"]["payload"]["elements"]
        assert [r["default_action"] for r in rows] == [{"type": "oa.query.show", "payload": o.command}
                                                       for o in handle("attp pho hoa", catalog).options]
    elif expect == "welcome":
        buttons = message["attachment"]["payload"]["buttons"]
        # one button per menu category; a tap sends "HD <category>", which lists that category's keywords
        assert [b["payload"] for b in buttons][:3] == ["HD Y tế, thực phẩm", "HD Giao thông", "HD Đất đai"]
        assert "BUS" in render_zalo(handle(buttons[1]["payload"], catalog)) and len(buttons) <= 5
        assert all(b["type"] == "oa.query.show" and len(b["title"]) <= 100 for b in buttons)
        assert "ATTP" in message["text"] and len(message["text"]) <= 2000
    elif expect == "nearby":  # the fixture is at Bệnh viện Đà Nẵng; its nearest stop is HC114, about 270 m away
        assert "Bệnh viện Đà Nẵng" in message["text"] and "HC114 Đối diện 399 Lê Duẩn (272 m)" in message["text"]
    else:
        assert message == {"text": TEXT_ONLY}


def hmac_of_body(raw: bytes) -> str:  # what some public code does, wrongly
    return "mac=" + hmac.new(OA_SECRET_KEY.encode(), raw, hashlib.sha256).hexdigest()


@pytest.mark.parametrize(("signature", "body"), [
    (None, event("user_send_text")),
    ("", event("user_send_text")),
    ("mac=" + "0" * 64, event("user_send_text")),
    (sign(event("user_send_text"))[4:], event("user_send_text")),  # no "mac=" in front
    (hmac_of_body(event("user_send_text")), event("user_send_text")),
    (sign(event("user_send_text"), "the-app-secret"), event("user_send_text")),  # signed with the wrong key
    (sign(event("user_send_text")), event("user_send_text", "attp something else")),  # body changed in transit
    (sign(event("user_send_text").replace(APP_ID.encode(), b"42")),  # a valid event of another Zalo app
     event("user_send_text").replace(APP_ID.encode(), b"42")),
])
def test_bad_signatures_are_refused_and_nothing_is_stored(app: Flask, signature: str | None, body: bytes) -> None:
    response = post(app.test_client(), body, signature)
    assert response.status_code == 401 and response.get_json()["error"]
    assert outbox(app).counts() == {} and sent(app) == []
    assert counter(app, "tongdai_webhook_rejected_total", reason="signature") == 1


def test_the_signature_is_read_in_any_case(app: Flask) -> None:
    raw = event("user_send_text")
    assert post(app.test_client(), raw, sign(raw).upper().replace("MAC=", "mac=")).status_code == 200


def test_a_replayed_event_is_stored_once_and_answered_once(app: Flask) -> None:
    client = app.test_client()
    raw = event("user_send_text")
    assert post(client, raw).get_json() == {"status": "queued"}
    assert len(sent(app)) == 1
    assert post(client, raw).get_json() == {"status": "duplicate"}  # Zalo delivering again, or a replay
    assert sent(app) == [] and outbox(app).counts() == {"done": 1}


def signed_json(body: Any, stamp: str = "1") -> tuple[bytes, str]:
    """``body`` (JSON-encoded unless bytes already) and the mac Zalo would send with it, for ``stamp``."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return raw, "mac=" + hashlib.sha256(APP_ID.encode() + raw + f"{stamp}{OA_SECRET_KEY}".encode()).hexdigest()


HEAD = b'{"app_id": "' + APP_ID.encode() + b'", "timestamp": "1", '


@pytest.mark.parametrize(("raw", "signature", "reason"), [
    (*signed_json(HEAD + b"not json"), "not JSON"),
    (*signed_json(HEAD + b'"text": "\xff\xfe"}'), "UTF-8"),
    (*signed_json(HEAD + b'"deep": ' + b"[" * 20_000 + b"]" * 20_000 + b"}"), "nested too deeply"),
    (*signed_json(b"[" + HEAD[:-2] + b"}]"), "object"),
    (*signed_json({"app_id": APP_ID, "timestamp": "1"}), "event_name"),
    (*signed_json({"app_id": APP_ID, "timestamp": "1", "event_name": "user_send_text", "message": {"text": "x"}}),
     "sender.id"),
    (*signed_json({"app_id": APP_ID, "timestamp": "1", "event_name": "user_send_text", "sender": {"id": "1"},
                   "message": {"msg_id": "x"}}), "message.text"),
    (*signed_json(HEAD + b'"event_name": "user_send_text", "sender": {"id": "\\ud800"}, "message": {"text": "x"}}'),
     "sender.id"),
    (*signed_json(HEAD + b'"event_name": "user_send_text", "sender": {"id": "1"}, '
                         b'"message": {"text": "x", "msg_id": "a\\udfffb"}}'), "msg_id"),
])
def test_signed_malformed_bodies_get_400_with_a_reason(app: Flask, raw: bytes, signature: str,
                                                       reason: str) -> None:
    response = post(app.test_client(), raw, signature)
    assert response.status_code == 400 and reason in response.get_json()["error"]
    assert outbox(app).counts() == {}


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe{", b"[" * 20_000, b"[1, 2]", HEAD + b"not json",
                                 b'{"event_name": "user_send_text"}', b"", b"\x00" * 1000])
def test_unsigned_garbage_is_refused_before_it_is_parsed(app: Flask, raw: bytes,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def parsed(*args: object) -> None:
        raise AssertionError("parsed before the signature was checked")

    monkeypatch.setattr("app.channels.zalo.events.json.loads", parsed)
    response = post(app.test_client(), raw, "mac=" + "0" * 64)
    assert response.status_code == 401 and outbox(app).counts() == {}


def test_a_huge_body_gets_413(app: Flask) -> None:
    raw = b'{"pad": "' + b"x" * (services(app).settings.TONGDAI_MAX_BODY + 1) + b'"}'
    assert post(app.test_client(), raw, "mac=00").status_code == 413 and outbox(app).counts() == {}


def test_development_without_the_oa_key_accepts_unsigned_events(catalog: Catalog, tmp_path: Path) -> None:
    app = make_app(catalog, tmp_path, ZALO_OA_SECRET_KEY="")
    assert post(app.test_client(), event("user_send_text"), None).get_json() == {"status": "queued"}


def test_a_crashing_handler_still_gets_zalo_a_200_and_the_user_an_apology(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("handlers.dispatch.answer", broken)  # what every channel's answer runs
    assert post(app.test_client(), event("user_send_text")).status_code == 200
    [body] = sent(app)
    assert body["message"]["text"].startswith(t("error", "vi"))


def test_the_url_check_and_the_dead_letter_gauge(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/zalo/webhook").get_json() == {"status": "ok"}
    assert "tongdai_dead_letters 0.0" in client.get("/metrics").get_data(as_text=True)
