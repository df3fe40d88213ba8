"""Fake SMS providers on loopback ports (``fake_http``) for the outbound tests, like ``fake_zalo``:

- ``FakeTwilio``: Twilio's REST ``POST /2010-04-01/Accounts/<sid>/Messages.json`` (form-encoded, HTTP basic auth
  with the account SID and auth token), answering 201 with a message resource or Twilio's error JSON;
- ``FakeGateway``: eSMS's ``SendMultipleMessage_V4_post_json`` (JSON with ApiKey/SecretKey), answering
  ``{"CodeResult": "100", "SMSID": ...}`` or another code.

Both record every request and answer from a script: "ok", "timeout" (answered after ``slow`` s), "drop" (the
connection closed after the request was read), an HTTP status ("http500", "http429", "http502") or a provider error
code (an int: Twilio's ``code`` with HTTP 400, or eSMS's ``CodeResult``).
"""

from __future__ import annotations

import base64
from typing import Any, ClassVar

from fake_http import Action, FakeHTTP, Seen

SID, TOKEN = "AC" + "0" * 32, "5f4dcc3b5aa765d61d8327deb882cf99"
API_KEY, SECRET_KEY = "fake-esms-api-key", "fake-esms-secret"


class FakeProvider(FakeHTTP):
    """Every request is a send; the script's action is taken as it arrives, whatever the request."""

    finish_on_stop: ClassVar[bool] = True  # no thread outlives its test

    def reply(self, seen: Seen, action: Action) -> tuple[Action, int, dict[str, Any]]:
        return (action, *self.answer(seen, action))

    def answer(self, seen: Seen, action: Action) -> tuple[int, dict[str, Any]]:
        raise NotImplementedError


class FakeTwilio(FakeProvider):
    def answer(self, seen: Seen, action: Action) -> tuple[int, dict[str, Any]]:
        expected = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
        if seen.headers.get("authorization") != expected:
            return 401, {"code": 20003, "message": "Authenticate", "status": 401}
        if seen.path != f"/2010-04-01/Accounts/{SID}/Messages.json":
            return 404, {"code": 20404, "message": "not found", "status": 404}
        form = seen.form
        if not form.get("To") or not form.get("Body") or not (form.get("From") or form.get("MessagingServiceSid")):
            return 400, {"code": 21604, "message": "A 'To', 'Body' and 'From' are required", "status": 400}
        if isinstance(action, str) and action.startswith("http"):
            return int(action[4:]), {"code": 20500, "message": "error", "status": int(action[4:])}
        if isinstance(action, int):
            return 400, {"code": action, "message": f"fake error {action}", "more_info": "", "status": 400}
        sid = f"SM{len(self.requests):032d}"
        return 201, {"sid": sid, "account_sid": SID, "to": form["To"], "from": form.get("From"), "body": form["Body"],
                     "status": "queued", "num_segments": "1", "direction": "outbound-api",
                     "uri": f"/2010-04-01/Accounts/{SID}/Messages/{sid}.json"}


class FakeGateway(FakeProvider):
    def answer(self, seen: Seen, action: Action) -> tuple[int, dict[str, Any]]:
        try:
            body = seen.json
        except ValueError:
            return 400, {"error": "not JSON"}
        if body.get("ApiKey") != API_KEY or body.get("SecretKey") != SECRET_KEY:
            return 200, {"CodeResult": "101", "ErrorMessage": "Authorize Failed"}
        if isinstance(action, str) and action.startswith("http"):
            return int(action[4:]), {}
        if isinstance(action, int):
            return 200, {"CodeResult": str(action), "ErrorMessage": f"fake error {action}"}
        return 200, {"CodeResult": "100", "CountRegenerate": 0, "SMSID": f"esms-{len(self.requests)}"}


def twilio_env(fake: FakeTwilio) -> dict[str, str]:
    return {"TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_FROM": "+14155550123",
            "TWILIO_API_BASE": fake.url, "PUBLIC_BASE_URL": "https://tongdai.example.vn"}


def gateway_env(fake: FakeGateway) -> dict[str, str]:
    return {"SMS_GATEWAY_API_KEY": API_KEY, "SMS_GATEWAY_SECRET_KEY": SECRET_KEY,
            "SMS_GATEWAY_MT_URL": fake.url + "/MainService.svc/json/SendMultipleMessage_V4_post_json/",
            "SMS_GATEWAY_BRANDNAME": "TONGDAI"}
