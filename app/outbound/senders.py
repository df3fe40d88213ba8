"""The senders of the outbox's channels, and what each provider's answer means for a retry (``app.outbound.delivery``):

- ``twilio``: Twilio's REST API through the twilio library (``Client.messages.create``, with the status callback URL
  when ``PUBLIC_BASE_URL`` is set), from ``TWILIO_FROM`` or the Messaging Service ``TWILIO_MESSAGING_SERVICE_SID``.
  ``TWILIO_API_BASE`` points the library somewhere else (a fake on loopback in the tests) through its documented
  custom HTTP client hook. Error 21610 (the recipient texted STOP to Twilio) is an opt-out.
- ``gateway``: the short-code aggregator's MT push API, eSMS's ``SendMultipleMessage_V4_post_json``
  (``SMS_GATEWAY_MT_URL``); ``RequestId`` is the job's key, which eSMS uses to refuse a duplicate, so a re-send after
  an unknown outcome does not reach the phone twice there. ``CodeResult`` 100 is success.
- ``zalo``: the CS API, as ``app.channels.zalo.client``.

A job's stored request holds the recipient and the text only; credentials are added here at send time, so the
outbox and its dead letters never hold a secret.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response as TwilioResponse
from twilio.rest import Client

from app.config import Settings
from app.outbound.delivery import SENT, Outcome, Sender, request_failed, status_failed
from app.outbox.base import OutboxStore

log = logging.getLogger(__name__)
SMS_CHANNELS = ("twilio", "gateway")
TWILIO_OPTED_OUT = 21610  # "Attempt to send to unsubscribed recipient"
TWILIO_RETRY_STATUSES = frozenset({401, 403, 429})  # credentials (fixable) and rate limits: worth another try
STATUS_PATH = "/sms/twilio/status"
ESMS_OK = "100"


class Senders(dict[str, Sender]):
    """One sender per channel; ``send`` without a channel is Zalo's (what the outbox sent before channels)."""

    def send(self, body: dict[str, Any]) -> Outcome:
        return self.on("zalo").send(body)

    def on(self, channel: str) -> Sender:
        return self.get(channel) or Unconfigured(channel)


class Unconfigured:
    def __init__(self, channel: str) -> None:
        self.channel = channel

    def send(self, body: dict[str, Any]) -> Outcome:
        return Outcome(False, True, "not_configured", f"no sender for the {self.channel} channel")


class RebasedHttpClient(TwilioHttpClient):  # type: ignore[misc]  # the library ships no type hints
    """The twilio library's HTTP client, sending every request to ``base`` instead of Twilio's own host."""

    def __init__(self, base: str, timeout: tuple[float, float]) -> None:
        super().__init__()
        self.base = base.rstrip("/")
        # (connect, read), which requests takes; the library's own type says one number and checks one passed to
        # ``request``, but uses its default as it is.
        self.timeout = timeout

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> TwilioResponse:
        parts = urlsplit(url)
        url = self.base + parts.path + (f"?{parts.query}" if parts.query else "")
        kwargs["timeout"] = None
        return super().request(method, url, *args, **kwargs)


class TwilioSender:
    def __init__(self, settings: Settings, timeout: tuple[float, float]) -> None:
        http = RebasedHttpClient(settings.TWILIO_API_BASE, timeout)
        self.client = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=http)
        origin = {"messaging_service_sid": settings.TWILIO_MESSAGING_SERVICE_SID} \
            if settings.TWILIO_MESSAGING_SERVICE_SID else {"from_": settings.TWILIO_FROM}
        callback = settings.PUBLIC_BASE_URL.rstrip("/") + STATUS_PATH if settings.PUBLIC_BASE_URL else None
        self.extra: dict[str, Any] = {**origin, **({"status_callback": callback} if callback else {})}

    def send(self, body: dict[str, Any]) -> Outcome:
        try:
            message = self.client.messages.create(to=body["to"], body=body["text"], **self.extra)
        except TwilioRestException as exc:
            return twilio_failed(exc)
        except requests.RequestException as exc:
            return request_failed(exc)
        log.info("twilio accepted %s", message.sid)
        return SENT


def twilio_failed(exc: TwilioRestException) -> Outcome:
    detail = f"{exc.code} {exc.msg}".strip()[:200]
    if exc.code == TWILIO_OPTED_OUT:
        return Outcome(False, False, "opted_out", detail)
    if exc.status >= 500:
        return status_failed(exc.status)
    if exc.status in TWILIO_RETRY_STATUSES:
        return Outcome(False, True, "rate_limited" if exc.status == 429 else "auth", detail)
    return Outcome(False, False, "refused", detail)  # an invalid or unreachable number: a re-send fails alike


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


def make_senders(settings: Settings, box: OutboxStore, timeout: tuple[float, float],
                 channels: Iterable[str] | None = None) -> Senders:
    """A sender for each channel that can send (``Settings.outbound_channels``)."""
    from app.channels.zalo.client import make_sender  # reads the token store, which may be slow to answer

    found = Senders()
    for channel in settings.outbound_channels() if channels is None else channels:
        if channel == "zalo":
            found[channel] = make_sender(settings, box, timeout)
        elif channel == "twilio":
            found[channel] = TwilioSender(settings, timeout)
        elif channel == "gateway":
            found[channel] = GatewaySender(settings, timeout)
    return found
