"""A fake Zalo OA API on a loopback port (``fake_http``) for the outbound tests.

It checks what matters of what we send: the ``access_token`` header, the JSON body of a customer-service message,
the refresh form and its ``secret_key`` header. It records every request, answers sends from a script (success, an
error code, a timeout, a dropped connection, an HTTP 500) and, like Zalo, accepts each refresh token once.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fake_http import Action, FakeHTTP, Seen

SEND = "/v3.0/oa/message/cs"
REFRESH = "/v4/oa/access_token"


@dataclass
class FakeZalo(FakeHTTP):
    app_id: str = "2553928453557884079"
    app_secret: str = "fake-app-secret"
    refresh_script: list[Action] = field(default_factory=list)
    refresh_delay: float = 0.0  # how long each refresh takes, so that concurrent refreshes overlap
    reused: list[str] = field(default_factory=list)  # refresh tokens presented again after use (must stay empty)
    issued: int = 1
    valid_access: set[str] = field(default_factory=lambda: {"AT-1"})
    refresh_token: str = "RT-1"
    spent: set[str] = field(default_factory=set)

    def is_send(self, seen: Seen) -> bool:
        return seen.path == SEND

    def arrived(self, seen: Seen) -> Action:
        return "ok"  # a send takes its scripted action only once its token and body pass (``_send``)

    @property
    def refreshes(self) -> list[Seen]:
        return [r for r in self.requests if r.path == REFRESH]

    def expire(self) -> None:
        """Every access token issued so far stops working (as after 25 h)."""
        with self.lock:
            self.valid_access.clear()

    def reply(self, seen: Seen, action: Action) -> tuple[Action, int, dict[str, Any]]:
        if seen.path == REFRESH:
            time.sleep(self.refresh_delay)
        action, answer = self.answer(seen)
        return action, 500 if action == "http500" else 200, answer

    def answer(self, seen: Seen) -> tuple[Action, dict[str, Any]]:
        with self.lock:
            if seen.path == SEND:
                return self._send(seen)
            if seen.path == REFRESH:
                return self._refresh(seen)
        return "ok", {"error": -404, "message": "unknown endpoint"}

    def _send(self, seen: Seen) -> tuple[Action, dict[str, Any]]:
        if seen.headers.get("access_token") not in self.valid_access:
            return "ok", {"error": -216, "message": "Access token is invalid"}
        if not seen.headers.get("content-type", "").startswith("application/json") or not _valid_message(seen.body):
            return "ok", {"error": -201, "message": "Parameter is invalid"}
        action = self.script.pop(0) if self.script else "ok"
        if isinstance(action, int):
            return "ok", {"error": action, "message": f"fake error {action}"}
        body = seen.json
        return action, {"error": 0, "message": "Success",
                        "data": {"message_id": f"m{len(self.requests)}", "user_id": body["recipient"]["user_id"]}}

    def _refresh(self, seen: Seen) -> tuple[Action, dict[str, Any]]:
        form = seen.form
        if seen.headers.get("secret_key") != self.app_secret or form.get("app_id") != self.app_id \
                or form.get("grant_type") != "refresh_token":
            return "ok", {"error": -14002, "error_description": "Invalid app_id or secret_key"}
        token = form.get("refresh_token", "")
        if token in self.spent:
            self.reused.append(token)
        if token != self.refresh_token:
            return "ok", {"error": -14014, "error_description": "Invalid refresh token"}
        action = self.refresh_script.pop(0) if self.refresh_script else "ok"
        if action == "drop":  # lost before Zalo handled it: the refresh token is still good
            return action, {}
        self.spent.add(token)
        self.issued += 1
        access, self.refresh_token = f"AT-{self.issued}", f"RT-{self.issued}"
        self.valid_access = {access}
        return action, {"access_token": access, "refresh_token": self.refresh_token, "expires_in": "90000"}


def _valid_message(raw: bytes) -> bool:
    """The shape of a customer-service message: recipient.user_id, and a text of <= 2,000 characters or an
    attachment."""
    try:
        body = json.loads(raw)
        user, message = body["recipient"]["user_id"], body["message"]
    except (ValueError, KeyError, TypeError):
        return False
    if not isinstance(user, str) or not user or not isinstance(message, dict):
        return False
    text = message.get("text")
    if text is not None and (not isinstance(text, str) or not text or len(text) > 2000):
        return False
    return text is not None or isinstance(message.get("attachment"), dict)


# Inbound events, as Zalo would post them (the tests compute the signature themselves, from the documented formula).
FIXTURES = Path(__file__).parent / "fixtures" / "zalo"
OA_SECRET_KEY = "fake-oa-secret-key"
# The webhook refuses events older than its replay window, so the captured events are stamped with one time of
# this test session (the same in every call, so that an event built twice is the same event).
SESSION_MS = int(time.time() * 1000)
_STAMP = re.compile(rb'"timestamp": "\d+"')


def event(name: str, text: str | None = None, msg_id: str | None = None, at_ms: int | None = None) -> bytes:
    """A captured event's bytes as captured but for its timestamp (``at_ms``, default ``SESSION_MS``); with
    ``text`` or ``msg_id``, re-serialised with them."""
    stamp = f'"timestamp": "{SESSION_MS if at_ms is None else at_ms}"'.encode()
    raw = _STAMP.sub(stamp, (FIXTURES / f"{name}.json").read_bytes())
    if text is None and msg_id is None:
        return raw
    body = json.loads(raw)
    body["message"].update({k: v for k, v in (("text", text), ("msg_id", msg_id)) if v is not None})
    return json.dumps(body, ensure_ascii=False).encode()


def sign(raw: bytes, key: str = OA_SECRET_KEY) -> str:
    body = json.loads(raw)
    return "mac=" + hashlib.sha256(f"{body['app_id']}{raw.decode()}{body['timestamp']}{key}".encode()).hexdigest()
