"""Da Nang's wall clock, the one time zone of the service: timetables, aggregators' MO stamps, quiet hours, the day
statistics are counted in, and every time shown to a resident or an operator. Defined once, here in the lowest
layer, so that app/, handlers/ and lookups/ all read the same zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")  # UTC+7 all year (no daylight saving); tzdata ships it where the OS does not
