"""The Twilio webhook, driven through the Flask test client with captured-shape payloads signed as Twilio signs."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from flask import Flask
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from app import create_app
from app.channels.sms import twilio as twilio_sms
from app.services import services
from handlers.gsm7 import gsm7_ok
from lookups.store import Catalog

FIXTURES = Path(__file__).parent / "fixtures" / "twilio"
TOKEN = "5f4dcc3b5aa765d61d8327deb882cf99"
LOCAL = "http://localhost/sms/twilio"
PUBLIC = "https://tongdai.example.vn"
FORM = "application/x-www-form-urlencoded"


def fixture(name: str, **changes: str | None) -> dict[str, str]:
    form: dict[str, str] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    form.update({k: v for k, v in changes.items() if v is not None})
    return {k: v for k, v in form.items() if changes.get(k, "") is not None}


@dataclass(frozen=True)
class Case:
    id: str
    form: dict[str, str] | bytes  # bytes: a raw body, signed over what the server parses from it
    status: int
    expect: str = ""  # in the SMS text (200) or the error reason (400)
    path: str = "/sms/twilio"
    signed_for: str | None = LOCAL  # None: no X-Twilio-Signature header
    token: str = TOKEN  # the token the request is signed with
    headers: dict[str, str] = field(default_factory=dict)
    config: dict[str, str] = field(default_factory=dict)


RAW = b"MessageSid=SM68a6b133dacfe1fe77a7296eea57e5fd&From=%2B84905123456&To=%2B14155550123&NumMedia=0&Body="
CASES = [
    Case("text", fixture("inbound_text"), 200, "Pho Hoa"),
    Case("vietnamese-marks", fixture("inbound_vietnamese"), 200, "Pho Hoa"),
    Case("wrong-token", fixture("inbound_text"), 401, token="0" * 32),
    Case("missing-signature", fixture("inbound_text"), 401, signed_for=None),
    Case("signed-for-other-url", fixture("inbound_text"), 401, signed_for="https://localhost/sms/twilio"),
    Case("proxy-forwarded-host", fixture("inbound_text"), 200, "Pho Hoa", signed_for=f"{PUBLIC}/sms/twilio",
         headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "tongdai.example.vn"}),
    Case("proxy-host-header", fixture("inbound_text"), 200, "Pho Hoa", signed_for=f"{PUBLIC}/sms/twilio",
         headers={"X-Forwarded-Proto": "https", "Host": "tongdai.example.vn"}),
    Case("public-base-url", fixture("inbound_text"), 200, "Pho Hoa", signed_for=f"{PUBLIC}/sms/twilio",
         config={"PUBLIC_BASE_URL": PUBLIC + "/"}),
    Case("public-base-url-query", fixture("inbound_text"), 200, "Pho Hoa", path="/sms/twilio?city=dn&v=2",
         signed_for=f"{PUBLIC}/sms/twilio?city=dn&v=2", config={"PUBLIC_BASE_URL": PUBLIC}),
    Case("public-base-url-wins", fixture("inbound_text"), 401, config={"PUBLIC_BASE_URL": PUBLIC}),
    Case("no-token-development", fixture("inbound_text"), 200, "Pho Hoa", signed_for=None,
         config={"TWILIO_AUTH_TOKEN": ""}),
    Case("mms-without-text", fixture("inbound_mms"), 200, "chi doc tin nhan chu"),
    Case("mms-with-caption", fixture("inbound_mms", Body="attp pho hoa le duan"), 200, "Pho Hoa"),
    Case("empty-text-menu", fixture("inbound_text", Body=""), 200, "ATTP <ten co so>"),
    Case("no-body", fixture("inbound_text", Body=None), 400, "Body"),
    Case("no-from-no-sid", fixture("inbound_text", From=None, MessageSid=None), 400, "MessageSid, From"),
    Case("num-media-not-a-number", fixture("inbound_text", NumMedia="lots"), 400, "NumMedia"),
    Case("text-too-long", fixture("inbound_text", Body="pho " * 500), 400, "longer than 1600"),
    Case("huge-body", fixture("inbound_text", Body="x" * 70_000), 413),
    Case("non-utf8-escaped", RAW + b"ATTP+ph%F4+h%F2a+%FF%FE", 200),
    Case("non-utf8-raw-bytes", RAW + b"ATTP ph\xf4 h\xf2a \xff\xfe", 400, "not a UTF-8"),
    Case("status-delivered", fixture("status_delivered"), 204, path="/sms/twilio/status",
         signed_for="http://localhost/sms/twilio/status"),
    Case("status-undelivered", fixture("status_undelivered"), 204, path="/sms/twilio/status",
         signed_for="http://localhost/sms/twilio/status"),
    Case("status-unknown-state", fixture("status_delivered", MessageStatus="teleported"), 204,
         path="/sms/twilio/status", signed_for="http://localhost/sms/twilio/status"),
    Case("status-wrong-signature", fixture("status_delivered"), 401, path="/sms/twilio/status"),
    Case("status-no-state", fixture("status_delivered", MessageStatus=None), 400, "MessageStatus",
         path="/sms/twilio/status", signed_for="http://localhost/sms/twilio/status"),
]


@pytest.fixture
def make_app(catalog: Catalog) -> Callable[..., Flask]:
    def make(**config: str) -> Flask:
        settings = {"TWILIO_AUTH_TOKEN": TOKEN, "PUBLIC_BASE_URL": "", "TONGDAI_CHANNELS": "twilio", **config}
        return create_app({**settings, "CATALOG": catalog})

    return make


def parsed(body: bytes) -> MultiDict[str, str]:
    """The form exactly as the server will parse it (Werkzeug's decoding of undecodable bytes included)."""
    return Request(EnvironBuilder(method="POST", data=body, content_type=FORM).get_environ()).form


def post(app: Flask, case: Case) -> Any:
    body = case.form if isinstance(case.form, bytes) else urlencode(case.form).encode()
    headers = dict(case.headers)
    if case.signed_for is not None:
        headers["X-Twilio-Signature"] = RequestValidator(case.token).compute_signature(case.signed_for, parsed(body))
    return app.test_client().post(case.path, data=body, content_type=FORM, headers=headers)


def metric(app: Flask, name: str, **labels: str) -> float:
    return services(app).metrics.registry.get_sample_value(name, labels) or 0.0


def answered(app: Flask) -> float:
    return sum(s.value for m in services(app).metrics.messages.collect() for s in m.samples
               if s.name == "tongdai_messages_total")


def sms_of(response: Any, status_url: str = "http://localhost/sms/twilio/status") -> str:
    assert response.mimetype == "text/xml"
    root = ET.fromstring(response.data)
    assert root.tag == "Response" and len(root) == 1 and root[0].tag == "Message"
    assert root[0].attrib == {"action": status_url, "method": "POST"}  # delivery reports come back signed
    return root[0].text or ""


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_twilio_webhook(make_app: Callable[..., Flask], case: Case) -> None:
    app = make_app(**case.config)
    response = post(app, case)
    assert response.status_code == case.status, response.data
    if case.status == 200:
        public = urlsplit(case.signed_for or LOCAL)
        text = sms_of(response, f"{public.scheme}://{public.netloc}/sms/twilio/status")
        assert case.expect in text
        assert text.startswith("Pho Hoa") or case.expect != "Pho Hoa"
        assert gsm7_ok(text) and len(text) <= services(app).settings.TONGDAI_SMS_BUDGET
        assert answered(app) == 1
    elif case.status == 401:
        assert "not processed" in response.get_json()["error"]
        assert metric(app, "tongdai_webhook_rejected_total", channel="twilio", reason="signature") == 1
        assert answered(app) == 0
        assert metric(app, "tongdai_status_callbacks_total", channel="twilio", status="delivered") == 0
    elif case.status in (400, 413):
        assert case.expect in response.get_json()["error"]
        assert answered(app) == 0
    elif case.status == 204:
        assert isinstance(case.form, dict)
        state = case.form["MessageStatus"] if case.form["MessageStatus"] in twilio_sms.STATUSES else "other"
        assert metric(app, "tongdai_status_callbacks_total", channel="twilio", status=state) == 1
        assert not response.data and answered(app) == 0


def test_a_replayed_request_gets_the_same_reply_without_a_second_lookup(make_app: Callable[..., Flask]) -> None:
    """Twilio signatures carry no timestamp, so a captured request replays with a valid signature; de-duplication
    on MessageSid answers the second copy with the stored reply and looks nothing up again."""
    app = make_app()
    case = Case("replay", fixture("inbound_text"), 200)
    first, second = post(app, case), post(app, case)
    assert first.status_code == second.status_code == 200
    assert sms_of(first) == sms_of(second)
    assert answered(app) == 1
    assert metric(app, "tongdai_duplicates_total", channel="twilio") == 1
