"""Quiet hours: the local hours (Asia/Ho_Chi_Minh) in which no proactive SMS goes out (``TONGDAI_QUIET_HOURS``,
default ``21-7``). A notice that falls due in them waits for the morning; replies to a resident's own message are
not notices and are never held. Vietnam's rules for advertising SMS allow 07:00-22:00 (Decree 91/2020); notices are
not advertising, and the default is one hour stricter still. The setting is parsed once per ``Settings``
(``quiet_hours``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.config.fields import Window
from lookups.clock import VIETNAM


def quiet_until(window: Window, at: float) -> float | None:
    """When the quiet hours that ``at`` (epoch seconds) falls in end; None outside them (or with none)."""
    if window is None:
        return None
    start, end = window
    local = datetime.fromtimestamp(at, VIETNAM)
    now = local.time()
    inside = start <= now < end if start < end else (now >= start or now < end)
    if not inside:
        return None
    ends = datetime.combine(local.date(), end, VIETNAM)
    if ends <= local:
        ends += timedelta(days=1)
    return ends.timestamp()
