"""The eSMS-style short-code webhook: MO by GET or form POST, signed with the aggregator's formula, MT as XML."""

from __future__ import annotations

import base64
import hashlib
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from app import create_app
from app.channels.sms import gateway as sms_gateway
from app.message import InboundMessage
from app.services import services
from handlers.gsm7 import gsm7_ok
from handlers.reply import Reply
from lookups.clock import VIETNAM
from lookups.store import Catalog

FIXTURES = Path(__file__).parent / "fixtures" / "gateway"
KEY = "k3y-8188-danang"
CPID = "1022DN"


def stamp(at: datetime | None = None) -> str:
    """A receiverTime as the aggregator writes it (Vietnam time); now by default."""
    return (at or datetime.now(UTC)).astimezone(VIETNAM).strftime("%Y%m%d%H%M%S")


def mo(name: str, **changes: str | None) -> dict[str, str]:
    """A captured MO, stamped now (MOs older than the replay window are refused), with ``changes``."""
    values: dict[str, str] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    values["receiverTime"] = stamp()
    values.update({k: v for k, v in changes.items() if v is not None})
    return {k: v for k, v in values.items() if changes.get(k, "") is not None}


def esms_sign(values: dict[str, str], key: str = KEY, hex_digest: bool = False) -> str:
    """Written from the aggregator's formula, independently of the app: base64 of the raw MD5 digest of
    cpid + smsid + content + receiverTime + key, as UTF-8. ``hex_digest``: the other reading, refused."""
    plain = "".join(values.get(name, "") for name in ("cpid", "smsid", "content", "receiverTime")) + key
    md5 = hashlib.md5(plain.encode("utf-8"))
    return base64.b64encode(md5.hexdigest().encode() if hex_digest else md5.digest()).decode()


def with_plus_in_sign() -> dict[str, str]:
    """An MO whose signature contains "+", the character a careless gateway leaves unencoded in a GET URL."""
    for n in count():
        values = mo("mo_attp", smsid=f"16273849{n:05d}")
        if "+" in esms_sign(values):
            return values
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Case:
    id: str
    values: dict[str, str]
    status: int
    expect: str = ""  # in the MT text (200) or the error reason (400)
    method: str = "GET"
    sign: str | None = "good"  # "good", None (no sign field), or a literal signature
    config: dict[str, str] = field(default_factory=dict)
    raw_query: bool = False  # build the GET query by hand, leaving the sign unencoded


CASES = [
    Case("get", mo("mo_attp"), 200, "Pho Hoa"),
    Case("post-form", mo("mo_attp"), 200, "Pho Hoa", method="POST"),
    Case("keyword-stripped", mo("mo_keyword_stripped"), 200, "Pho Hoa"),
    Case("keyword-lower-case", mo("mo_attp", content="attp pho hoa le duan"), 200, "Pho Hoa"),
    Case("vietnamese-content", mo("mo_vietnamese"), 200, "Pho Hoa", method="POST"),
    Case("markup-escaped", mo("mo_markup"), 200, "ATTP"),
    Case("sign-plus-unencoded", with_plus_in_sign(), 200, "Pho Hoa", raw_query=True),
    Case("no-key-development", mo("mo_attp"), 200, "Pho Hoa", sign=None, config={"SMS_GATEWAY_KEY": ""}),
    Case("wrong-sign", mo("mo_attp"), 401, sign=esms_sign(mo("mo_attp"), key="other-key")),
    Case("base64-of-hex-digest", mo("mo_attp"), 401, sign=esms_sign(mo("mo_attp"), hex_digest=True)),
    Case("missing-sign", mo("mo_attp"), 401, sign=None),
    Case("missing-sign-post", mo("mo_attp"), 401, method="POST", sign=None),
    Case("missing-cpid", mo("mo_attp", cpid=None), 400, "cpid"),
    Case("missing-sender-content", mo("mo_attp", sender=None, content=None), 400, "sender, content"),
    Case("bad-receiver-time", mo("mo_attp", receiverTime="03/11/2026 09:15"), 400, "receiverTime"),
    Case("content-too-long", mo("mo_attp", content="pho " * 500), 400, "longer than 1600"),
    Case("huge-post", mo("mo_attp", content="x" * 70_000), 413, method="POST"),
]


@pytest.fixture
def make_app(catalog: Catalog) -> Callable[..., Flask]:
    def make(**config: str) -> Flask:
        return create_app({"SMS_GATEWAY_KEY": KEY, "SMS_GATEWAY_CPID": CPID, "TONGDAI_CHANNELS": "gateway", **config,
                           "CATALOG": catalog})

    return make


def send(app: Flask, case: Case) -> Any:
    values = dict(case.values)
    if case.sign == "good":
        values["sign"] = esms_sign(case.values)
    elif case.sign is not None:
        values["sign"] = case.sign
    client = app.test_client()
    if case.method == "POST":
        return client.post("/sms/gateway", data=values)
    if case.raw_query:
        query = "&".join(f"{k}={v if k == 'sign' else quote(v)}" for k, v in values.items())
        assert "+" in query.split("sign=")[1]
        return client.get(f"/sms/gateway?{query}")
    return client.get("/sms/gateway", query_string=values)


def answered(app: Flask) -> float:
    return sum(s.value for m in services(app).metrics.messages.collect() for s in m.samples
               if s.name == "tongdai_messages_total")


def rejected(app: Flask) -> float:
    return services(app).metrics.registry.get_sample_value(
        "tongdai_webhook_rejected_total", {"channel": "gateway", "reason": "signature"}) or 0.0


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_gateway_webhook(make_app: Callable[..., Flask], case: Case) -> None:
    app = make_app(**case.config)
    response = send(app, case)
    assert response.status_code == case.status, response.data
    if case.status == 200:
        assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
        root = ET.fromstring(response.data)  # well-formed, whatever the MO carried
        assert [child.tag for child in root] == ["Message", "Smsid", "Receiver"] and root.tag == "ClientResponse"
        message = root.findtext("Message") or ""
        assert case.expect in message and gsm7_ok(message) and len(message) <= 459
        assert message.startswith("Pho Hoa") or case.expect != "Pho Hoa"
        assert root.findtext("Smsid") == case.values["smsid"]
        assert root.findtext("Receiver") == case.values["sender"]
        assert answered(app) == 1
    elif case.status == 401:
        assert "not processed" in response.get_json()["error"]
        assert rejected(app) == 1 and answered(app) == 0
    else:
        assert case.expect in response.get_json()["error"]
        assert answered(app) == 0 and rejected(app) == 0


def test_markup_is_escaped_not_interpreted(make_app: Callable[..., Flask]) -> None:
    values = mo("mo_markup")
    response = make_app().test_client().get("/sms/gateway", query_string={**values, "sign": esms_sign(values)})
    assert b"<Smsid>&lt;16&amp;27&gt;</Smsid>" in response.data
    assert b"<b>" not in response.data


def test_control_characters_cannot_break_the_xml() -> None:
    msg = InboundMessage("gateway", "849\x01051", "x", "id\x00\x1b<&", datetime.now(UTC))
    with create_app({"TONGDAI_CHANNELS": "gateway", "SMS_GATEWAY_KEY": KEY}).app_context():
        root = ET.fromstring(sms_gateway.render(Reply("none", "help", "vi", "Xin chao & <hen>"), msg))
    assert root.findtext("Smsid") == "id<&" and root.findtext("Receiver") == "849051"
    assert root.findtext("Message") == "Xin chao & <hen>"


def test_non_utf8_query_gets_a_reply_not_a_crash(make_app: Callable[..., Flask]) -> None:
    """Undecodable bytes, signed over what the server parses from them (Werkzeug keeps them as "%FF")."""
    query = urlencode(mo("mo_attp")).replace("content=ATTP", "content=ATTP%FF%FE")
    parsed = Request(EnvironBuilder(query_string=query).get_environ()).args
    assert parsed["content"].startswith("ATTP%FF%FE")
    response = make_app().test_client().get(f"/sms/gateway?{query}&sign={quote(esms_sign(dict(parsed)))}")
    assert response.status_code == 200
    message = ET.fromstring(response.data).findtext("Message") or ""
    assert message and gsm7_ok(message)
