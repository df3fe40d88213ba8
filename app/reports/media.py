"""Zalo locations and photos that belong to a report: sent within 10 minutes after a PA, they attach to it; sent
before, they wait (``pending_media``) for the sender's next PA within 10 minutes.

Zalo's attachment links are not meant to last, so each photo is copied into ``<state dir>/reports-media`` under a
random name when it joins a report (as it arrives, or when the PA it waited for comes: ``SqlTicketStore.create``),
and served from ``/reports/media/<name>`` (to operators, and as Open311 ``media_url``).
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from flask import Blueprint, Response, send_from_directory

from app.channels.base import InboundMessage
from app.reports.media_types import Media
from app.services import Services, services

log = logging.getLogger(__name__)
WINDOW = timedelta(minutes=10)
MAX_PHOTO = 8 * 1024 * 1024
MAX_PHOTOS = 5  # of one message
TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp"}
FOLDER = "reports-media"
blueprint = Blueprint("reports_media", __name__)


def folder(svc: Services) -> Path:
    return svc.settings.state_dir / FOLDER


def copy_photo(url: str, into: Path, timeout: tuple[float, float] = (3.05, 10.0)) -> Media:
    """Our own copy of a photo at ``url``; without one (too big, not an image, unreachable) the link alone."""
    try:
        with requests.get(url, timeout=timeout, stream=True) as response:
            kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if response.status_code != 200 or kind not in TYPES:
                log.warning("photo %s not copied: HTTP %s, %s", url[:80], response.status_code, kind or "no type")
                return Media("photo", source_url=url)
            body = bytearray()
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > MAX_PHOTO:
                    log.warning("photo %s not copied: larger than %d bytes", url[:80], MAX_PHOTO)
                    return Media("photo", source_url=url)
    except requests.RequestException as exc:
        log.warning("photo %s not copied: %s", url[:80], type(exc).__name__)
        return Media("photo", source_url=url)
    name = uuid.uuid4().hex + TYPES[kind]
    into.mkdir(parents=True, exist_ok=True)
    (into / name).write_bytes(bytes(body))
    return Media("photo", source_url=url, path=name, content_type=kind)


def receive(svc: Services, sender_hash: str, media: list[Media], now: datetime) -> str | None:
    """Attach ``media`` to the sender's ticket of the last 10 minutes (its code), or keep it for their next PA."""
    from app.reports import store_of

    return store_of(svc.reports).attach(sender_hash, media, now, WINDOW)


@blueprint.get("/reports/media/<name>")
def photo(name: str) -> Response:
    """A photo's copy; names are random (128 bits), so a link is only known to whoever was given it."""
    return send_from_directory(folder(services()), name, max_age=86400)


def on_zalo(svc: Services, msg: InboundMessage) -> str | None:
    """What to answer a Zalo location or photo that belongs to a report; None when it is not one (a location then
    gets the places near it, as without reports). A database failure is logged and answered as no report."""
    try:
        return _on_zalo(svc, msg)
    except Exception:
        log.exception("zalo %s %s could not be matched with a report", msg.kind, msg.message_id)
        return None


def _on_zalo(svc: Services, msg: InboundMessage) -> str | None:
    from app.guard import sender_hash
    from app.reports import store_of

    who, now = sender_hash(svc.settings.sender_salt, msg.channel, msg.sender), datetime.now(UTC)
    if msg.kind == "location" and msg.latitude is not None and msg.longitude is not None:
        code = receive(svc, who, [Media("location", msg.latitude, msg.longitude)], now)
        return f"Đã ghi vị trí cho phản ánh PA-{code}." if code else None
    urls = msg.extra.get("images", "").split()[:MAX_PHOTOS]
    if not urls:
        return None
    if store_of(svc.reports).latest_code(who, now - WINDOW) is None:
        # No report yet: the links wait for a PA and are copied when it comes (most photos sent to the OA are not
        # reports, and downloading each would cost a fetch per picture for nothing).
        receive(svc, who, [Media("photo", source_url=url) for url in urls], now)
        return None
    media = [copy_photo(url, folder(svc)) for url in urls]
    code = receive(svc, who, media, now)
    return f"Đã nhận {len(media)} ảnh cho phản ánh PA-{code}." if code else None
