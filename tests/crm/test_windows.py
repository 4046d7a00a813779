"""Time windows in whole WIB days, whatever zone `now` comes in."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from crm.windows import LABELS, WIB, WINDOWS, window_start

# 2024-11-05 01:30 WIB is still 2024-11-04 in UTC: the WIB date must decide.
EARLY_MORNING_WIB = datetime(2024, 11, 4, 18, 30, tzinfo=UTC)


@pytest.mark.parametrize(("code", "first_day"), [
    ("today", datetime(2024, 11, 5, tzinfo=WIB)),
    ("7d", datetime(2024, 10, 30, tzinfo=WIB)),
    ("30d", datetime(2024, 10, 7, tzinfo=WIB)),
    ("quarter", datetime(2024, 8, 8, tzinfo=WIB)),
])
def test_window_starts_at_wib_midnight_of_its_first_day(code, first_day):
    start = window_start(code, EARLY_MORNING_WIB)
    assert start == first_day
    assert start.utcoffset() == timedelta(0)  # handed back in UTC, like every stored time
    assert (EARLY_MORNING_WIB.astimezone(WIB).date() - first_day.date()).days + 1 == {
        "today": 1, "7d": 7, "30d": 30, "quarter": 90}[code]


def test_the_zone_of_now_does_not_matter():
    in_new_york = EARLY_MORNING_WIB.astimezone(timezone(timedelta(hours=-5)))
    assert all(window_start(code, in_new_york) == window_start(code, EARLY_MORNING_WIB) for code in WINDOWS)


def test_midnight_wib_opens_a_new_day():
    midnight = datetime(2024, 11, 5, tzinfo=WIB)
    assert window_start("today", midnight) == midnight
    assert window_start("today", midnight - timedelta(microseconds=1)) == datetime(2024, 11, 4, tzinfo=WIB)


def test_unknown_code_names_the_valid_ones():
    with pytest.raises(ValueError) as raised:
        window_start("1y", EARLY_MORNING_WIB)
    assert "'1y'" in str(raised.value) and all(code in str(raised.value) for code in WINDOWS)


def test_naive_now_is_refused():
    with pytest.raises(ValueError, match="aware"):
        window_start("today", datetime(2024, 11, 5))


def test_every_window_has_both_labels():
    assert tuple(LABELS) == WINDOWS
    assert all(label_id and label_en for label_id, label_en in LABELS.values())
