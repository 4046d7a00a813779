"""When the walk-in complaint desks take reports, in WIB: the one home for "was this desk open?".

Five of the twelve channels are desks where a citizen talks to an official. They open only in
set windows, so a walk-in report stamped outside them is suspect. The demo simulator produces
walk-in reports only inside these windows; intake checks (issue 4) flag entries outside them.
Channels with no desk (apps, social media, SMS, email, web) take reports at any hour.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from types import MappingProxyType

from crm.complaint import WIB

MONDAY_TO_THURSDAY = frozenset({0, 1, 2, 3})  # datetime.weekday(): Monday is 0
FRIDAY = frozenset({4})
SATURDAY = frozenset({5})
SUNDAY = frozenset({6})
EVERY_DAY = frozenset(range(7))


@dataclass(frozen=True, slots=True)
class DeskWindow:
    """Open on `days` from `opens` (inclusive) to `closes` (exclusive), wall-clock WIB."""

    days: frozenset[int]
    opens: time
    closes: time

    def contains(self, wib: datetime) -> bool:
        return wib.weekday() in self.days and self.opens <= wib.time() < self.closes


# Office hours of the DKI administration: Monday-Thursday 07:30-16:00, Friday until 16:30.
_OFFICE_HOURS = (
    DeskWindow(MONDAY_TO_THURSDAY, time(7, 30), time(16)),
    DeskWindow(FRIDAY, time(7, 30), time(16, 30)),
)

DESK_WINDOWS: Mapping[str, tuple[DeskWindow, ...]] = MappingProxyType({
    "kecamatan": (DeskWindow(SATURDAY, time(8), time(12)),),
    "kelurahan": (DeskWindow(SUNDAY, time(8), time(12)),),
    "inspektorat": (DeskWindow(EVERY_DAY, time(7), time(9)),),
    "pendopo": _OFFICE_HOURS,
    "balai-warga": _OFFICE_HOURS,
})


def is_open(channel: str, at: datetime) -> bool:
    """Whether `channel` takes reports at the aware time `at`; a channel with no desk always does."""
    if at.tzinfo is None:
        raise ValueError("is_open needs an aware datetime: a naive one could be UTC or WIB")
    windows = DESK_WINDOWS.get(channel)
    if windows is None:
        return True
    wib = at.astimezone(WIB)
    return any(window.contains(wib) for window in windows)
