"""A location or photo a resident sent with a report (``app.reports.media``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Media:
    kind: str  # location | photo
    lat: float | None = None
    lon: float | None = None
    source_url: str = ""  # where the photo came from (Zalo's link does not last)
    path: str = ""  # our copy, a file name in the media folder
    content_type: str = ""
