"""Both SMS webhooks through a real gunicorn (two workers, loopback port, production settings) and ``requests``:
what the test client cannot show (the WSGI server's own parsing, ProxyFix, the factory string) is shown here."""

from __future__ import annotations

import base64
import hashlib
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import requests
from gunicorn_kit import free_port, gunicorn
from twilio.request_validator import RequestValidator

from lookups.clock import VIETNAM

FIXTURES = Path(__file__).parent / "fixtures"
TOKEN = "9a0364b9e99bb480dd25e1f0284c8555"
KEY = "k3y-8188-danang"
TIMEOUT = 10.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("gunicorn")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"TONGDAI_ENV": "production", "TONGDAI_CHANNELS": "twilio,gateway", "PUBLIC_BASE_URL": base,
           "TWILIO_AUTH_TOKEN": TOKEN, "SMS_GATEWAY_KEY": KEY, "SMS_GATEWAY_CPID": "1022DN",
           "TONGDAI_STATE_DIR": str(tmp), "TONGDAI_SENDER_SALT": "gunicorn-test-salt"}
    with gunicorn(env, tmp, port=port) as url:
        yield url


def load(name: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


def test_twilio_signed_request_gets_twiml(server: str) -> None:
    url = f"{server}/sms/twilio"
    form = load("twilio/inbound_text.json")
    signature = RequestValidator(TOKEN).compute_signature(url, form)
    response = requests.post(url, data=form, headers={"X-Twilio-Signature": signature}, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/xml")
    message = ET.fromstring(response.content).find("Message")
    assert message is not None and (message.text or "").startswith("Pho Hoa")
    assert message.get("action") == f"{server}/sms/twilio/status"


def test_twilio_unsigned_request_is_refused(server: str) -> None:
    response = requests.post(f"{server}/sms/twilio", data=load("twilio/inbound_text.json"), timeout=TIMEOUT)
    assert response.status_code == 401


def test_gateway_signed_mo_gets_the_mt(server: str) -> None:
    mo = load("gateway/mo_keyword_stripped.json")
    mo["receiverTime"] = datetime.now(VIETNAM).strftime("%Y%m%d%H%M%S")  # within the window
    plain = mo["cpid"] + mo["smsid"] + mo["content"] + mo["receiverTime"] + KEY
    sign = base64.b64encode(hashlib.md5(plain.encode()).digest()).decode()
    response = requests.get(f"{server}/sms/gateway", params={**mo, "sign": sign}, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert (root.findtext("Message") or "").startswith("Pho Hoa")
    assert root.findtext("Smsid") == mo["smsid"] and root.findtext("Receiver") == mo["sender"]
