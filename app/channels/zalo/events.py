"""Zalo's webhook events: the signature over the raw bytes (``verify``, read before anything parses them), the JSON
decoded, and the event as a channel-neutral ``InboundMessage`` (``parse_inbound``), for the webhook and again for
the worker that answers the stored event.

The two values Zalo signs besides the body, app_id and timestamp, come from the settings and from a bounded scan of
the bytes; the parsed event must carry the ones that verified (``check_signed``).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any

from app.channels.base import BadRequest, BadSignature, has_surrogates, same_secret
from app.channels.base import without_surrogates as clean
from app.channels.zalo.messages import GUARD
from app.message import InboundMessage, Kind

HEADER = "X-ZEvent-Signature"
# What the signature needs from the bytes, found without parsing them: a scan that cannot recurse or backtrack.
# Inside a JSON string a quote is escaped, so only keys match; a few candidates (a nested "timestamp" before
# the event's own) are each tried, and the parsed event must carry the ones that verified.
_FIELD = {name: re.compile(rb'"' + name.encode() + rb'"\s{0,8}:\s{0,8}"?(\d{1,32})"?')
          for name in ("app_id", "timestamp")}
CANDIDATES = 4


def signature(app_id: str, raw: bytes, timestamp: str, secret_key: str) -> str:
    """Zalo's ``mac``: plain SHA-256 (not an HMAC) of app_id + raw body + timestamp + OA secret key."""
    return hashlib.sha256(app_id.encode() + raw + timestamp.encode() + secret_key.encode()).hexdigest()


def decode(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise BadRequest("the body is not UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise BadRequest(f"the body is not JSON: {exc.msg} at character {exc.pos}") from exc
    except RecursionError:
        raise BadRequest("the body is nested too deeply to be a Zalo event") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


def _scalar(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        raise BadRequest(f'"{name}" is missing or not a string')
    return str(value)


def _found(raw: bytes, name: str) -> list[str]:
    return list(dict.fromkeys(m.decode() for m in _FIELD[name].findall(raw)))[:CANDIDATES]


def verify(raw: bytes, header: str, secret_key: str, app_id: str = "") -> tuple[str, str]:
    """Raise ``BadSignature`` unless ``header`` is ``mac=<signature of raw>`` for ``app_id`` (when configured);
    return the app_id and timestamp it was made with. Only the raw bytes are read."""
    given = header.strip()
    if not given.lower().startswith("mac="):
        raise BadSignature(f"missing or malformed {HEADER} header")
    mac = given[4:].strip().lower()
    for signed_app in [app_id] if app_id else _found(raw, "app_id"):
        for stamp in _found(raw, "timestamp"):
            if same_secret(mac, signature(signed_app, raw, stamp, secret_key)):
                return signed_app, stamp
    raise BadSignature(f"wrong {HEADER} signature")


def check_signed(body: dict[str, Any], app_id: str, stamp: str) -> None:
    """The parsed event must be the one the signature was made for."""
    if _scalar(body, "app_id") != app_id:
        raise BadSignature("the event is for another Zalo app")
    if _scalar(body, "timestamp") != stamp:
        raise BadSignature("the signed timestamp is not the event's")


def _user(body: dict[str, Any], role: str) -> str:
    who = body.get(role)
    user = who.get("id") if isinstance(who, dict) else None
    if not isinstance(user, str | int) or isinstance(user, bool) or user == "":
        raise BadRequest(f'"{role}.id" is missing')
    if has_surrogates(str(user)):
        raise BadRequest(f'"{role}.id" is not valid Unicode')
    return str(user)


def _coordinates(message: dict[str, Any]) -> tuple[float, float] | None:
    attachments = message.get("attachments")
    for attachment in attachments if isinstance(attachments, list) else ():
        payload = attachment.get("payload") if isinstance(attachment, dict) else None
        coords = payload.get("coordinates") if isinstance(payload, dict) else None
        if not isinstance(coords, dict):
            continue
        try:  # Zalo sends the numbers as strings
            lat, lon = float(coords["latitude"]), float(coords["longitude"])
        except (TypeError, KeyError, ValueError):
            continue
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            return lat, lon
    return None


def _image_urls(message: dict[str, Any]) -> list[str]:
    found = []
    for item in message.get("attachments") or []:
        url = (item.get("payload") or {}).get("url") if isinstance(item, dict) else None
        if isinstance(url, str) and url.startswith(("https://", "http://")) and " " not in url:
            found.append(url)
    return found


def parse_inbound(body: dict[str, Any]) -> InboundMessage:
    """The event as a channel-neutral message; ``kind`` "ignored" for what gets no reply."""
    event = body.get("event_name")
    if not isinstance(event, str) or not event:
        raise BadRequest('"event_name" is missing')
    stamp = body.get("timestamp")
    try:
        received = datetime.fromtimestamp(int(str(stamp)) / 1000, UTC)
    except (ValueError, OverflowError, OSError):  # no time we can read: as old as can be, so refused as stale
        received = datetime.fromtimestamp(0, UTC)
    extra = {"event": event}
    if body.get(GUARD) == "limited":  # stored so by the webhook: the sender was over the rate limit
        extra["guard"] = "limited"
    if event in ("follow", "unfollow"):
        user = _user(body, "follower")
        kind: Kind = "follow" if event == "follow" else "unfollow"
        return InboundMessage("zalo", user, "", f"{event}:{user}:{stamp}", received, kind, extra=extra)
    if not event.startswith("user_send_"):  # receipts, oa_send_* echoes, anonymous_send_*, ...
        return InboundMessage("zalo", "", "", "", received, "ignored", extra=extra)
    user = _user(body, "sender")
    message = body.get("message")
    if not isinstance(message, dict):
        raise BadRequest('"message" is missing')
    msg_id = message.get("msg_id")
    msg_id = msg_id if isinstance(msg_id, str) and msg_id else f"{event}:{user}:{stamp}"
    if has_surrogates(msg_id):
        raise BadRequest('"message.msg_id" is not valid Unicode')
    text, kind, where = "", "unsupported", None
    if event == "user_send_text":
        given, kind = message.get("text"), "text"
        if not isinstance(given, str):
            raise BadRequest('"message.text" is missing')
        text = clean(given)
    elif event == "user_send_location" and (where := _coordinates(message)):
        kind = "location"
    elif event == "user_send_image" and (images := _image_urls(message)):
        extra["images"] = " ".join(images)  # a photo may belong to a citizen report (app.reports.media)
    lat, lon = where or (None, None)
    return InboundMessage("zalo", user, text, msg_id, received, kind, lat, lon, extra=extra)
