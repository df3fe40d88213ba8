"""Quiet hours: the local hours (Asia/Ho_Chi_Minh) in which no proactive SMS goes out (``TONGDAI_QUIET_HOURS``,
default ``21-7``). A notice that falls due in them waits for the morning; replies to a resident's own message are
not notices and are never held. Vietnam's rules for advertising SMS allow 07:00-22:00 (Decree 91/2020); notices are
not advertising, and the default is one hour stricter still.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
SPEC = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*-\s*(\d{1,2})(?::(\d{2}))?\s*$")
Window = tuple[time, time] | None


class QuietHoursError(ValueError):
    pass


def parse_quiet_hours(spec: str) -> Window:
    """``"21-7"`` or ``"21:30-6:45"`` as (start, end) local times; ``""`` as None (no quiet hours)."""
    from app.config.constants import ConfigError

    if not spec.strip():
        return None
    found = SPEC.match(spec)
    try:
        if found is None:
            raise ValueError(spec)
        start = time(int(found[1]), int(found[2] or 0))
        end = time(int(found[3]), int(found[4] or 0))
    except ValueError:
        raise ConfigError(f"TONGDAI_QUIET_HOURS must be like 21-7 or 21:30-6:45 (empty: none), got {spec!r}") \
            from None
    if start == end:
        raise ConfigError("TONGDAI_QUIET_HOURS starts and ends at the same time; leave it empty for none")
    return start, end


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
