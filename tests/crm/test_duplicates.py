"""The duplicate rule on its own: distance, box, window, category, open status."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crm.complaint import PRECISE, Complaint, Status
from crm.duplicates import (
    DUPLICATE_RADIUS_M,
    Sighting,
    distance_m,
    original_of,
    search_box,
)

AT = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
MONAS = (106.8272, -6.1754)


def new(**fields) -> Complaint:
    values = dict(ticket="JKT-261127-AAAAA", channel="sms", external_id="1", received_at=AT, text="Banjir",
                  category="banjir", lon=MONAS[0], lat=MONAS[1], jurisdiction=None, skpd="DSDA",
                  location_precision=PRECISE)
    return Complaint(**(values | fields))


def seen(id_: int, *, root: int | None = None, **fields) -> Sighting:
    values = dict(id=id_, root=root or id_, category="banjir", status=Status.MENUNGGU, received_at=AT,
                  lon=MONAS[0], lat=MONAS[1], precise=True)
    return Sighting(**(values | fields))


def test_distance_matches_a_known_length() -> None:
    # one degree of latitude is 111.2 km on the mean-radius sphere; 0.001 degree of longitude at 6 S is 110.6 m
    assert distance_m(106.0, -6.0, 106.0, -7.0) == pytest.approx(111_195, rel=1e-4)
    assert distance_m(106.0, -6.0, 106.001, -6.0) == pytest.approx(110.6, rel=1e-3)


def test_the_search_box_holds_the_whole_circle() -> None:
    west, south, east, north = search_box(*MONAS)
    for lon, lat in ((west, MONAS[1]), (east, MONAS[1]), (MONAS[0], south), (MONAS[0], north)):
        assert distance_m(*MONAS, lon, lat) == pytest.approx(DUPLICATE_RADIUS_M, rel=1e-3)


def test_links_to_the_root_of_the_nearest_matching_complaint() -> None:
    stored = [seen(1, lon=MONAS[0] + 0.002), seen(2, root=7, lon=MONAS[0] + 0.001)]
    assert original_of(new(), stored) == 7


@pytest.mark.parametrize("sighting", [
    seen(1, lon=MONAS[0] + 0.0025),  # 276 m
    seen(1, category="sampah"),
    seen(1, status=Status.SELESAI),
    seen(1, received_at=AT - timedelta(hours=48, minutes=1)),
    seen(1, precise=False),
])
def test_no_link_outside_the_rule(sighting: Sighting) -> None:
    assert original_of(new(), [sighting]) is None


def test_a_report_without_a_precise_point_links_to_nothing() -> None:
    assert original_of(new(location_precision="kelurahan"), [seen(1)]) is None
    assert original_of(new(lon=None, lat=None, location_precision=None), [seen(1)]) is None
