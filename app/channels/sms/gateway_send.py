"""Notices by SMS through the short-code aggregator's MT push API, eSMS's ``SendMultipleMessage_V4_post_json``
(``SMS_GATEWAY_MT_URL``). ``RequestId`` is the job's key, which eSMS uses to refuse a duplicate, so a re-send after
an unknown outcome does not reach the phone twice there. ``CodeResult`` 100 is success. What each answer means for a
retry: ``app.outbound.delivery``."""

from __future__ import annotations

import logging
from typing import Any

import requests

from app.config import Settings
from app.outbound.delivery import SENT, Outcome, request_failed, status_failed

log = logging.getLogger(__name__)
ESMS_OK = "100"


class GatewaySender:
    def __init__(self, settings: Settings, timeout: tuple[float, float]) -> None:
        self.url, self.timeout, self.session = settings.SMS_GATEWAY_MT_URL, timeout, requests.Session()
        self.fixed = {"ApiKey": settings.SMS_GATEWAY_API_KEY, "SecretKey": settings.SMS_GATEWAY_SECRET_KEY,
                      "SmsType": settings.SMS_GATEWAY_SMS_TYPE, "IsUnicode": "0", "Sandbox": "0"}
        if settings.SMS_GATEWAY_BRANDNAME:
            self.fixed["Brandname"] = settings.SMS_GATEWAY_BRANDNAME

    def send(self, body: dict[str, Any]) -> Outcome:
        payload = {**self.fixed, "Phone": body["to"], "Content": body["text"], "RequestId": body["request_id"]}
        try:
            response = self.session.post(self.url, json=payload, timeout=self.timeout)
        except requests.RequestException as exc:
            return request_failed(exc)
        if response.status_code != 200:
            return status_failed(response.status_code)
        try:
            data = response.json()
            code = str(data["CodeResult"])
        except (ValueError, TypeError, KeyError):  # a 200 we cannot read: the gateway may have taken it
            return Outcome(False, True, "bad_response", response.text[:200], unknown=True)
        if code == ESMS_OK:
            log.info("gateway accepted %s", data.get("SMSID", "?"))
            return SENT
        # Every other code (99 unknown error, 101 credentials, 103 balance, 104 brandname, ...) is worth another
        # try once an operator has looked: retried with the back-off, then a dead letter to re-send.
        return Outcome(False, True, f"code_{code}"[:20], str(data.get("ErrorMessage", ""))[:200])
