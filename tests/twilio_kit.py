"""A resident's SMS through a test app's Twilio webhook, signed as Twilio signs it (``X-Twilio-Signature``)."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

from flask import Flask
from twilio.request_validator import RequestValidator
from werkzeug.test import TestResponse

URL = "http://localhost/sms/twilio"  # the URL the test client's requests are signed for
SIDS = itertools.count(1)


def twilio_post(app: Flask, token: str, body: str, sender: str, sid: str | None = None) -> TestResponse:
    """Post one inbound SMS (a new MessageSid unless ``sid`` is given); the webhook's answer, which must be a 200."""
    form = {"MessageSid": sid or f"SM{next(SIDS):032x}", "AccountSid": "AC" + "0" * 32, "From": sender,
            "To": "+14155550123", "Body": body, "NumMedia": "0"}
    signature = RequestValidator(token).compute_signature(URL, form)
    response = app.test_client().post("/sms/twilio", data=urlencode(form), headers={"X-Twilio-Signature": signature},
                                      content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200, response.data
    return response


def said(twiml: bytes) -> str | None:
    """The text of a TwiML answer's Message ("" for an empty one); None when it has none."""
    message = ET.fromstring(twiml).find("Message")
    return None if message is None else message.text or ""
