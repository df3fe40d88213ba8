"""Notices by SMS through Twilio's REST API (the twilio library's ``Client.messages.create``, with the status
callback URL when ``PUBLIC_BASE_URL`` is set), from ``TWILIO_FROM`` or the Messaging Service
``TWILIO_MESSAGING_SERVICE_SID``. ``TWILIO_API_BASE`` points the library somewhere else (a fake on loopback in the
tests) through its documented custom HTTP client hook. Error 21610 (the recipient texted STOP to Twilio) is an
opt-out. What each answer means for a retry: ``app.outbound.delivery``."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response as TwilioResponse
from twilio.rest import Client

from app.config import Settings
from app.outbound.delivery import SENT, Outcome, request_failed, status_failed

log = logging.getLogger(__name__)
TWILIO_OPTED_OUT = 21610  # "Attempt to send to unsubscribed recipient"
TWILIO_RETRY_STATUSES = frozenset({401, 403, 429})  # credentials (fixable) and rate limits: worth another try
STATUS_PATH = "/sms/twilio/status"


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
