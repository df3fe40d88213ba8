"""Sending a message through Zalo's customer-service API, and what Zalo's answer means for a retry.

Zalo answers HTTP 200 with ``{"error": <code>}``; 0 is success. Rate limiting (-32) and network errors are worth
another try later; an invalid or expired token (-124, -216, -220) is refreshed and the send retried once, at once;
the codes in ``NO_RETRY`` cannot succeed on a re-send. A read timeout or a connection dropped after the request went
out may hide a delivered message: that outcome is unknown (``app.outbound.delivery``), and retried once at most.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import requests

from app.channels.zalo.tokens import RefreshFailed, Tokens
from app.config import Settings
from app.message import masked
from app.outbound.delivery import SENT, Outcome, Sender, request_failed, status_failed
from app.outbox.base import OutboxStore

__all__ = ["SENT", "LogSender", "Outcome", "Sender", "ZaloClient", "make_sender"]
log = logging.getLogger(__name__)
SEND_PATH = "/v3.0/oa/message/cs"
TIMEOUT = (3.05, 10.0)  # (connect, read) seconds
RATE_LIMITED = -32
# -124 is "Access token invalid" in Zalo's error table (the ZNS / ZBS "bang ma loi"), as -216 and -220 are in the OA
# API's: a refresh mends all three, while re-sending with the same token fails the same way until the dead letters.
TOKEN_ERRORS = frozenset({-124, -216, -220})
NO_RETRY = {-201: "invalid_field", -213: "not_follower", -227: "user_inactive", -230: "window_closed",
            -232: "window_closed"}


class LogSender:
    """Development without a token: the reply is written to the log instead of being sent."""

    def send(self, body: dict[str, Any]) -> Outcome:
        log.warning("Zalo reply NOT SENT (no token) to %s: %s", masked(body.get("recipient", {}).get("user_id")),
                    json.dumps(body.get("message"), ensure_ascii=False))
        return SENT


class ZaloClient:
    def __init__(self, settings: Settings, tokens: Tokens, session: requests.Session,
                 timeout: tuple[float, float] = TIMEOUT) -> None:
        self.url = settings.ZALO_API_BASE.rstrip("/") + SEND_PATH
        self.tokens, self.session, self.timeout = tokens, session, timeout

    def send(self, body: dict[str, Any]) -> Outcome:
        try:
            token = self.tokens.access_token()
            if token is None:
                return Outcome(False, True, "no_token", "no Zalo token configured")
            outcome, code = self._post(token, body)
            if code in TOKEN_ERRORS:
                outcome, code = self._post(self.tokens.refresh(token), body)
                if code in TOKEN_ERRORS:
                    return Outcome(False, True, "token_rejected", outcome.detail)
        except RefreshFailed as exc:
            return Outcome(False, True, exc.reason)
        return outcome

    def _post(self, token: str, body: dict[str, Any]) -> tuple[Outcome, int | None]:
        try:
            response = self.session.post(self.url, json=body, headers={"access_token": token}, timeout=self.timeout)
        except requests.RequestException as exc:
            return request_failed(exc), None
        if response.status_code != 200:  # Zalo itself answers 200; this is a proxy or an outage: try again later
            return status_failed(response.status_code), None
        try:
            data = response.json()
            code = int(data["error"])
        except (ValueError, TypeError, KeyError):  # a 200 we cannot read: Zalo may well have sent it
            return Outcome(False, True, "bad_response", response.text[:200], unknown=True), None
        if code == 0:
            return SENT, 0
        detail = f"{code} {data.get('message', '')}".strip()
        if code in NO_RETRY:
            return Outcome(False, False, NO_RETRY[code], detail), code
        reason = "rate_limited" if code == RATE_LIMITED else "token" if code in TOKEN_ERRORS else f"error_{-code}"
        return Outcome(False, True, reason, detail), code  # unknown codes too: a dead letter can be re-sent


def make_sender(settings: Settings, outbox: OutboxStore, timeout: tuple[float, float] = TIMEOUT) -> Sender:
    """The Zalo client, or in development without any token a ``LogSender`` (said once, loudly)."""
    session = requests.Session()
    tokens = Tokens(outbox, settings, session, timeout)
    tokens.bootstrap()
    if tokens.load() is None:
        if not settings.production:
            log.warning("DEVELOPMENT MODE: no Zalo token (ZALO_ACCESS_TOKEN / ZALO_REFRESH_TOKEN), so Zalo replies"
                        " are LOGGED, NOT SENT")
            return LogSender()
        log.error("no Zalo token in %s or the environment: replies wait and then go to the dead letters;"
                  " set one with `tongdai zalo-token set`", outbox.where)
    return ZaloClient(settings, tokens, session, timeout)
