"""Zalo locations and photos that belong to a report: sent within 10 minutes after a PA, they attach to it; sent
before, they wait (``pending_media``) for the sender's next PA within 10 minutes.

Zalo's attachment links are not meant to last, so each photo is copied into ``<state dir>/reports-media`` under a
random name when it joins a report (as it arrives, or when the PA it waited for comes: ``SqlTicketStore.create``),
and served from ``/reports/media/<name>`` (to operators, and as Open311 ``media_url``).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Blueprint, Response, send_from_directory

from app.message import InboundMessage, sender_hash
from app.reports.desk import store_of
from app.reports.media_types import Media
from app.reports.photos import FOLDER, copy_photo
from app.services import Services, services

log = logging.getLogger(__name__)
WINDOW = timedelta(minutes=10)
MAX_PHOTOS = 5  # of one message
blueprint = Blueprint("reports_media", __name__)


def folder(svc: Services) -> Path:
    return svc.settings.state_dir / FOLDER


def receive(svc: Services, sender_hash: str, media: list[Media], now: datetime) -> str | None:
    """Attach ``media`` to the sender's ticket of the last 10 minutes (its code), or keep it for their next PA."""

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
