"""Walk-in desk windows, read in WIB whatever zone the time comes in."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from crm.channels import CHANNELS
from crm.complaint import WIB
from crm.desks import DESK_WINDOWS, is_open


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in the week of Monday 24 November 2025 (day 24) to Sunday 30 November."""
    return datetime(2025, 11, day, hour, minute, tzinfo=WIB)


@pytest.mark.parametrize("channel, at, expected", [
    ("kecamatan", wib(29, 8), True),           # Saturday: opens at 08:00 sharp
    ("kecamatan", wib(29, 11, 59), True),
    ("kecamatan", wib(29, 12), False),         # closes at noon
    ("kecamatan", wib(29, 7, 59), False),
    ("kecamatan", wib(30, 9), False),          # Sunday is the kelurahan's day
    ("kelurahan", wib(30, 9), True),
    ("kelurahan", wib(29, 9), False),
    ("inspektorat", wib(30, 7), True),         # every day, 07:00-09:00
    ("inspektorat", wib(26, 9), False),
    ("pendopo", wib(24, 7, 30), True),         # office hours from 07:30
    ("pendopo", wib(27, 16, 15), False),       # Thursday closes at 16:00
    ("pendopo", wib(28, 16, 15), True),        # Friday at 16:30
    ("balai-warga", wib(29, 10), False),       # not at weekends
    ("twitter", wib(30, 3), True),             # no desk: always open
    ("qlue", wib(29, 23, 59), True),
])
def test_desk_windows(channel, at, expected):
    assert is_open(channel, at) is expected


def test_a_utc_time_is_read_in_wib():
    assert is_open("kecamatan", datetime(2025, 11, 29, 1, 0, tzinfo=timezone.utc))  # Saturday 08:00 WIB
    assert not is_open("kecamatan", datetime(2025, 11, 28, 23, 30, tzinfo=timezone.utc))  # 06:30 WIB


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="aware"):
        is_open("pendopo", datetime(2025, 11, 24, 9, 0))


def test_every_desk_is_a_known_channel_and_has_a_window():
    assert set(DESK_WINDOWS) == {"kecamatan", "kelurahan", "inspektorat", "pendopo", "balai-warga"}
    assert set(DESK_WINDOWS) <= set(CHANNELS)
    for windows in DESK_WINDOWS.values():
        assert windows and all(w.opens < w.closes and w.days for w in windows)
