"""The surge rule (crm/surge.py): a minimum count, a Poisson-style bound over the baseline, and a
lower bar for banjir."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crm.categories import CATEGORIES
from crm.surge import (
    BASELINE,
    BY_CATEGORY,
    MIN_COUNT,
    RECENT,
    AreaCount,
    Window,
    find_surges,
    surge_payload,
    threshold,
)
from geo.jurisdiction import Jurisdiction

KAMPUNG_MELAYU = Jurisdiction("31.75.03.1001", "Kampung Melayu", "31.75.03", "Jatinegara", "31.75", "Jakarta Timur")
GAMBIR = Jurisdiction("31.71.01.1001", "Gambir", "31.71.01", "Gambir", "31.71", "Jakarta Pusat")
NOW = datetime(2025, 1, 29, 7, 0, tzinfo=UTC)  # 14:00 WIB
WINDOW = Window.ending(NOW)
PER_EXPECTED = 224  # baseline reports that predict one in the recent period: 28 days / 3 hours


def surges(*counts: tuple[str, int, int], place: Jurisdiction = KAMPUNG_MELAYU) -> list[tuple[str, int]]:
    """(category, recent) of the surges among (category, recent, baseline) counts in one kelurahan."""
    found = find_surges([AreaCount(place, category, recent, baseline) for category, recent, baseline in counts],
                        WINDOW)
    return [(s.category, s.recent) for s in found]


def test_the_window_compares_the_last_3_hours_with_the_28_days_before_them():
    assert (RECENT, BASELINE) == (timedelta(hours=3), timedelta(days=28))
    assert WINDOW.end == NOW and WINDOW.recent_from == NOW - RECENT
    assert WINDOW.baseline_from == NOW - RECENT - BASELINE  # the surge never raises its own expectation
    assert WINDOW.expected(PER_EXPECTED) == pytest.approx(1)
    assert WINDOW.expected(0) == 0


def test_a_quiet_kelurahan_needs_5_flood_reports_but_10_of_another_category():
    assert surges(("banjir", 4, 0), ("jalan", 9, 0), ("sampah", 9, 10)) == []
    assert surges(("banjir", 5, 0), ("jalan", 10, 0)) == [("banjir", 5), ("jalan", 10)]


@pytest.mark.parametrize("category", sorted(set(CATEGORIES) - {"banjir"}))
def test_banjir_has_the_lower_bar_at_every_baseline(category):
    for expected in (0, 0.2, 1, 4, 10, 40):
        assert threshold("banjir").at(expected) < threshold(category).at(expected)


def test_a_busy_baseline_raises_the_bar_by_k_poisson_deviations():
    # expected 4: banjir 4 + 3*2 = 10, others 4 + 4*2 = 12; the floors (5, 10) no longer decide
    busy = 4 * PER_EXPECTED
    assert surges(("banjir", 9, busy), ("jalan", 11, busy)) == []
    assert surges(("banjir", 10, busy), ("jalan", 12, busy)) == [("banjir", 10), ("jalan", 12)]
    assert threshold("banjir").at(0.2) == 5 and threshold("jalan").at(0.2) == 10  # quiet: the floors decide


def test_a_surge_reports_what_was_expected_and_how_many_times_it_came():
    [flood] = find_surges([AreaCount(KAMPUNG_MELAYU, "banjir", 14, 45)], WINDOW)
    assert flood.pair == ("31.75.03.1001", "banjir")
    assert flood.expected == pytest.approx(45 / PER_EXPECTED)
    assert flood.ratio == pytest.approx(14 / flood.expected)
    [first] = find_surges([AreaCount(GAMBIR, "banjir", 6, 0)], WINDOW)
    assert first.expected == 0 and first.ratio is None  # never before: no ratio, not infinity


def test_the_largest_surge_for_its_bar_comes_first():
    counts = [AreaCount(GAMBIR, "banjir", 6, 0), AreaCount(KAMPUNG_MELAYU, "banjir", 30, 0),
              AreaCount(KAMPUNG_MELAYU, "pohon", 11, 0)]
    assert [(s.place.kelurahan, s.category) for s in find_surges(counts, WINDOW)] == [
        ("Kampung Melayu", "banjir"), ("Gambir", "banjir"), ("Kampung Melayu", "pohon")]


def test_special_bars_name_real_categories_and_the_store_filter_is_the_lowest_floor():
    assert set(BY_CATEGORY) <= set(CATEGORIES)
    assert MIN_COUNT == min(threshold(code).min_count for code in CATEGORIES) == 5


def test_the_payload_names_the_place_with_codes_the_counts_and_the_time_in_wib():
    [flood] = find_surges([AreaCount(KAMPUNG_MELAYU, "banjir", 14, 45)], WINDOW)
    payload = surge_payload(flood, NOW)
    assert payload == {
        "key": "31.75.03.1001:banjir:2025-01-29T07:00:00+00:00",
        "kode_kelurahan": "31.75.03.1001", "kelurahan": "Kampung Melayu",
        "kode_kecamatan": "31.75.03", "kecamatan": "Jatinegara", "kode_kota": "31.75", "kota": "Jakarta Timur",
        "category": "banjir", "recent": 14, "expected": 0.2, "ratio": 69.7, "threshold": 5,
        "recent_hours": 3.0, "baseline_days": 28.0,
        "detected_at": "2025-01-29T07:00:00+00:00", "detected_at_wib": "2025-01-29 14:00 WIB",
    }
