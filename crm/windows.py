"""The time windows officials compare figures over, one list for every page, ranking and export.

Windows are counted in whole WIB days ending today, because that is how a camat reads "the last
7 days": a report from 06:00 WIB six days ago counts, one from 23:00 WIB seven days ago does not,
whatever the server's zone. `window_start` is the only place that turns a code into a time.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from types import MappingProxyType
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")  # crm.complaint.WIB; this module stays stdlib-only so any package may import it

WINDOWS = ("today", "7d", "30d", "quarter")

# (Bahasa Indonesia, English) per code, in WINDOWS order.
LABELS = MappingProxyType({
    "today": ("Hari ini", "Today"),
    "7d": ("7 hari", "7 days"),
    "30d": ("30 hari", "30 days"),
    "quarter": ("Kuartal (90 hari)", "Quarter (90 days)"),
})

_DAYS = MappingProxyType({"today": 1, "7d": 7, "30d": 30, "quarter": 90})


def window_start(code: str, now: datetime) -> datetime:
    """The start of window `code` as of `now`, in UTC: WIB midnight of the window's first day.

    An unknown code raises ValueError naming the valid ones, in both languages.
    """
    if code not in _DAYS:
        valid = ", ".join(WINDOWS)
        raise ValueError(f"jangka waktu tidak dikenal: {code!r}; gunakan {valid} "
                         f"/ unknown window {code!r}; use {valid}")
    if now.utcoffset() is None:
        raise ValueError(f"naive datetime {now!r}: pass an aware datetime")
    first_day = now.astimezone(WIB).date() - timedelta(days=_DAYS[code] - 1)
    return datetime.combine(first_day, time(0), tzinfo=WIB).astimezone(timezone.utc)
