"""No byte sequence reaches a 500 on any endpoint: a table of hostile bodies (deep nesting, invalid UTF-8, lone
surrogates, huge, wrong or no content type, empty) against every endpoint, with every secret set (what production
runs: most is refused before it is parsed) and with none (development: everything reaches the parsers), on the
stand-in and on the real Redis; then hypothesis, over arbitrary bytes."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import create_app
from lookups.store import Catalog

MAX_BODY = 65536
ENDPOINTS = [("POST", "/sms/twilio"), ("POST", "/sms/twilio/status"), ("GET", "/sms/gateway"),
             ("POST", "/sms/gateway"), ("POST", "/zalo/webhook"), ("POST", "/api/v1/query"), ("GET", "/api/v1/stats"),
             ("POST", "/api/v1/notices")]
CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded", "text/plain",
                 "multipart/form-data; boundary=x", "multipart/form-data", "application/json; charset=latin-1", None]
NESTED = b"[" * 50_000
BODIES = {
    "empty": b"",
    "nested-array": NESTED,
    "nested-object": b'{"a":' * 20_000,
    "nested-in-event": b'{"app_id": "1", "timestamp": "1", "event_name": "user_send_text", "x": ' + NESTED + b"}",
    "invalid-utf8": b"\xff\xfe\xfd\xc3\x28\xa0\xa1",
    "utf8-encoded-surrogate": b'{"text": "\xed\xa0\x80"}',
    "json-surrogates": b'{"text": "attp \\ud800", "sender": "\\udfff", "channel": "sms"}',
    "zalo-surrogates": (b'{"app_id": "1", "timestamp": "1", "event_name": "user_send_text", "sender": {"id": '
                        b'"\\ud800"}, "message": {"text": "\\udc00", "msg_id": "\\ud800"}}'),
    "form-surrogates": b"MessageSid=SM%ED%A0%80&From=%ED%A0%80&Body=%ED%A0%80&MessageStatus=%ED%A0%80",
    "form-percent-junk": b"Body=%%%&From=%zz&MessageSid=" + b"%" * 500,
    "gateway-fields": b"cpid=%FF&smsid=%00&sender=%ED%A0%80&content=%00&keyword=&serviceNumber=&receiverTime=9" * 3,
    "huge-numbers": b'{"text": 1e999999, "timestamp": 99999999999999999999999999, "sender": -1e400}',
    "nul-bytes": b"\x00" * 1000,
    "multipart-junk": b"--x\r\nContent-Disposition: form-data; name=\"Body\"\r\n\r\n\xff\xfe\r\n--x--",
    "just-under-the-limit": b"Body=" + b"a" * (MAX_BODY - 10),
    "over-the-limit": b"x" * (MAX_BODY + 1),
}
SECRETS = {"TWILIO_AUTH_TOKEN": "hostile-token", "PUBLIC_BASE_URL": "https://t.example.vn",
           "SMS_GATEWAY_KEY": "hostile-key", "SMS_GATEWAY_CPID": "1022DN", "ZALO_APP_ID": "1", "ZALO_APP_SECRET": "s",
           "ZALO_OA_SECRET_KEY": "hostile-oa-key", "TONGDAI_API_KEY": "hostile-api-key"}


def build(catalog: Catalog, state: Path, signed: bool, extra: dict[str, str]) -> Flask:
    return create_app({"CATALOG": catalog, "TONGDAI_STATE_DIR": str(state), **(SECRETS if signed else {}), **extra})


@pytest.fixture(params=["signed", "development"])
def app(request: pytest.FixtureRequest, catalog: Catalog, state_config: dict[str, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setenv("TONGDAI_WORKER_THREAD", "0")
    return build(catalog, tmp_path, request.param == "signed", state_config)


def send(app: Flask, method: str, path: str, body: bytes, content_type: str | None) -> int:
    client = app.test_client()
    headers = {"X-API-Key": "hostile-api-key", "X-ZEvent-Signature": "mac=" + "0" * 64,
               "X-Twilio-Signature": "AAAA"}
    if method == "GET":
        # The raw bytes as the query string (WSGI carries it as latin-1 text), whatever they are.
        return client.get(path, headers=headers, environ_overrides={"QUERY_STRING": body.decode("latin-1")}).status_code
    return client.open(path, method=method, data=body, headers=headers, content_type=content_type).status_code


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_every_endpoint_answers_a_hostile_body_with_2xx_or_4xx(app: Flask, body: bytes) -> None:
    for method, path in ENDPOINTS:
        for content_type in CONTENT_TYPES:
            status = send(app, method, path, body, content_type)
            assert 200 <= status < 500, (method, path, content_type, status)


@functools.cache
def fuzz_app(catalog: Catalog, state: Path) -> Flask:
    """One development app for every example (no secrets: every body reaches the parsers; no worker thread)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TONGDAI_WORKER_THREAD", "0")
        return build(catalog, state, False, {})


TEXT = st.text(max_size=20) | st.sampled_from(["\ud800", "a\udfffb", "attp pho hoa", "2", "\u200b", ""])
KEYS = st.sampled_from(["text", "sender", "channel", "app_id", "timestamp", "event_name", "message", "msg_id",
                        "id", "Body", "From", "MessageSid", "to", "key"]) | st.text(max_size=6)
JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
                       lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
                       max_leaves=20).map(lambda value: json.dumps(value).encode())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=3000) | JSONISH, endpoint=st.sampled_from(ENDPOINTS),
       content_type=st.sampled_from(CONTENT_TYPES))
def test_arbitrary_bytes_never_get_a_500(catalog: Catalog, tmp_path_factory: pytest.TempPathFactory,
                                         body: bytes, endpoint: tuple[str, str], content_type: str | None) -> None:
    app = fuzz_app(catalog, tmp_path_factory.getbasetemp() / "fuzz-state")
    status = send(app, *endpoint, body, content_type)
    assert 200 <= status < 500, (endpoint, content_type, status, body[:200])
