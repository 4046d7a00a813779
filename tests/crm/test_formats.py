"""One format for dates and numbers in each language (crm/formats.py)."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crm.formats import MONTHS, client_formats, date_time, day, number

AT = datetime(2026, 12, 2, 19, 21, tzinfo=UTC)  # 3 December 2026, 02:21 WIB


def test_a_moment_in_indonesian_and_in_english():
    assert date_time(AT, "id") == "3 Des 2026 02.21 WIB"
    assert date_time(AT, "en") == "3 Dec 2026 02:21 WIB"
    assert date_time(AT) == "3 Des 2026 02.21 WIB"  # Bahasa Indonesia first


def test_the_date_is_the_wib_date():
    assert day(datetime(2026, 12, 31, 17, 0, tzinfo=UTC), "id") == "1 Jan 2027"  # midnight WIB
    assert day(datetime(2026, 8, 17, 1, 0, tzinfo=UTC), "id") == "17 Agu 2026"
    assert day(datetime(2026, 8, 17, 1, 0, tzinfo=UTC), "en") == "17 Aug 2026"


@pytest.mark.parametrize(("value", "decimals", "indonesian", "english"), [
    (1815, 0, "1.815", "1,815"), (7, 0, "7", "7"), (1234567, 0, "1.234.567", "1,234,567"),
    (2.5, 1, "2,5", "2.5"), (1553.25, 1, "1.553,2", "1,553.2"), (-1815, 0, "-1.815", "-1,815"), (0, 1, "0,0", "0.0"),
])
def test_numbers_group_thousands_as_each_language_does(value, decimals, indonesian, english):
    assert number(value, "id", decimals) == indonesian
    assert number(value, "en", decimals) == english


def test_the_browser_is_given_the_same_tables():
    tables = client_formats()
    assert tables["months"] == MONTHS and tables["thousands"] == {"id": ".", "en": ","}
    assert tables["clock"] == {"id": ".", "en": ":"} and all(len(names) == 12 for names in MONTHS.values())
