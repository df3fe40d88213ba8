"""Our own copies of the photos residents send with a report: Zalo's attachment links are not meant to last, so
each photo is copied under ``<state dir>/reports-media`` with a random name (``app.reports.media`` serves them)."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

import requests

from app.reports.media_types import Media

log = logging.getLogger(__name__)
FOLDER = "reports-media"  # under the state directory
MAX_PHOTO = 8 * 1024 * 1024
TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp"}


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
