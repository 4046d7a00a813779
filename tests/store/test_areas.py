"""Figures by area and the export stream, on hand-built complaints, on SQLite and PostGIS."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from crm.complaint import Status
from crm.complaint_filter import ComplaintFilter
from store import areas, complaints
from store.areas import AreaFigures
from tests.store.conftest import GAMBIR

NOW = datetime(2024, 11, 10, 5, 0, tzinfo=UTC)
SINCE = NOW - timedelta(days=7)
KEBON_KELAPA = replace(GAMBIR, kode_kelurahan="31.71.01.1002", kelurahan="Kebon Kelapa")
SAWAH_BESAR = replace(GAMBIR, kode_kelurahan="31.71.02.1001", kelurahan="Pasar Baru",
                      kode_kecamatan="31.71.02", kecamatan="Sawah Besar")
# A kelurahan with its kecamatan's name, in another kota: only the codes tell them apart.
CENGKARENG = replace(GAMBIR, kode_kelurahan="31.73.01.1001", kelurahan="Gambir", kode_kecamatan="31.73.01",
                     kecamatan="Gambir", kode_kota="31.73", kota="Jakarta Barat")


@pytest.fixture
def stored(sessions, make_complaint):
    """Ten complaints: Gambir's overdue, acted-on and closed ones, its neighbours, one too old, one unlocated."""
    day = NOW - timedelta(days=1)
    built = [
        # Gambir kelurahan: responses after 1, 2 and 6 hours (median 2), one overdue, one Selesai past its due
        make_complaint(received_at=day, first_action_at=day + timedelta(hours=1), status=Status.PROSES,
                       completion_due=NOW - timedelta(hours=1), channel="qlue"),
        make_complaint(received_at=day, first_action_at=day + timedelta(hours=2), status=Status.SELESAI,
                       completion_due=NOW - timedelta(hours=1), channel="qlue"),
        make_complaint(received_at=day, first_action_at=day + timedelta(hours=6), status=Status.PROSES,
                       completion_due=NOW + timedelta(days=3), category="jalan", skpd="BINAMARGA-JP"),
        make_complaint(received_at=day, completion_due=NOW + timedelta(days=6), channel="twitter"),
        # Kebon Kelapa: responses after 3 and 5 hours (median 4)
        make_complaint(jurisdiction=KEBON_KELAPA, received_at=day, first_action_at=day + timedelta(hours=3),
                       status=Status.PROSES, completion_due=NOW - timedelta(days=1)),
        make_complaint(jurisdiction=KEBON_KELAPA, received_at=day, first_action_at=day + timedelta(hours=5),
                       status=Status.MENUNGGU_VALIDASI, completion_due=NOW + timedelta(days=1)),
        make_complaint(jurisdiction=SAWAH_BESAR, received_at=SINCE),  # the window's first instant counts
        make_complaint(jurisdiction=CENGKARENG, received_at=day, status=Status.SELESAI,
                       first_action_at=day + timedelta(minutes=30)),
        make_complaint(received_at=SINCE - timedelta(seconds=1), completion_due=NOW - timedelta(days=9)),
        make_complaint(jurisdiction=None, lon=None, lat=None, received_at=day),
    ]
    with sessions.begin() as session:
        for complaint in built:
            complaints.add(session, complaint=complaint)
    return sessions


def test_kota_of_jakarta(stored):
    with stored() as session:
        figures = areas.by_area(session, parent=None, since=SINCE, now=NOW)
    assert figures == {
        "31.71": AreaFigures(count=7, open=6, overdue=2, median_response_hours=3.0),  # of 1, 2, 3, 5, 6 hours
        "31.73": AreaFigures(count=1, open=0, overdue=0, median_response_hours=0.5),
    }


def test_kecamatan_of_a_kota(stored):
    with stored() as session:
        figures = areas.by_area(session, parent="31.71", since=SINCE, now=NOW)
    assert figures == {
        "31.71.01": AreaFigures(count=6, open=5, overdue=2, median_response_hours=3.0),
        "31.71.02": AreaFigures(count=1, open=1, overdue=0, median_response_hours=None),
    }


def test_kelurahan_of_a_kecamatan(stored):
    with stored() as session:
        figures = areas.by_area(session, parent="31.71.01", since=SINCE, now=NOW)
    assert figures == {
        "31.71.01.1001": AreaFigures(count=4, open=3, overdue=1, median_response_hours=2.0),
        "31.71.01.1002": AreaFigures(count=2, open=2, overdue=1, median_response_hours=4.0),
    }


def test_totals_of_one_area_and_of_jakarta(stored):
    with stored() as session:
        jakarta = areas.totals(session, kode=None, since=SINCE, now=NOW)
        gambir = areas.totals(session, kode="31.71.01.1001", since=SINCE, now=NOW)
        empty = areas.totals(session, kode="31.74", since=SINCE, now=NOW)
        older = areas.totals(session, kode="31.71.01.1001", since=SINCE - timedelta(days=1), now=NOW)
    # the unlocated complaint is in no kota, so not in Jakarta's figures
    assert jakarta == AreaFigures(count=8, open=6, overdue=2, median_response_hours=2.5)
    assert gambir == AreaFigures(count=4, open=3, overdue=1, median_response_hours=2.0)
    assert empty == AreaFigures(count=0, open=0, overdue=0, median_response_hours=None)
    assert older.count == 5 and older.overdue == 2


def test_breakdowns_most_frequent_first(stored):
    with stored() as session:
        channels = areas.breakdown(session, kode="31.71.01.1001", since=SINCE, by="channel")
        categories = areas.breakdown(session, kode="31.71.01", since=SINCE, by="category")
        with pytest.raises(ValueError):
            areas.breakdown(session, kode=None, since=SINCE, by="reporter_contact")
    assert channels == [("qlue", 2), ("twitter", 1), ("webhook", 1)]
    assert categories == [("banjir", 5), ("jalan", 1)]


@pytest.mark.parametrize("kode", [None, "31.71", "31.71.01", "31.71.01.1001", "31.71.02.1001", "31.74"])
def test_the_area_page_reads_in_three_queries_what_the_single_reads_say(stored, kode):
    """`area_page`'s sums and shared durations give what `by_area`, `totals` and `breakdown` give."""
    parent = areas.parent_of(kode) if kode and areas.level_of(kode) == "kelurahan" else kode
    with stored() as session:
        page = areas.area_page(session, kode=kode, since=SINCE, now=NOW)
        assert page.children == areas.by_area(session, parent=parent, since=SINCE, now=NOW)
        assert page.current == areas.totals(session, kode=kode, since=SINCE, now=NOW)
        assert page.breakdowns == {by: areas.breakdown(session, kode=kode, since=SINCE, by=by)
                                   for by in areas.BREAKDOWNS}


@pytest.mark.parametrize(("kode", "level", "parent"), [
    ("31.71", areas.KOTA, None), ("31.71.01", areas.KECAMATAN, "31.71"),
    ("31.71.01.1001", areas.KELURAHAN, "31.71.01"),
])
def test_code_levels(kode, level, parent):
    assert areas.level_of(kode) == level and areas.parent_of(kode) == parent


@pytest.mark.parametrize("kode", ["", "31", "31.71.01.1001.5", "Gambir", "31.71.1", "31.71.01.1001 "])
def test_malformed_codes_are_refused(kode):
    with pytest.raises(ValueError, match="kode wilayah"):
        areas.level_of(kode)


def test_a_kelurahan_has_no_smaller_areas(session):
    with pytest.raises(ValueError):
        areas.by_area(session, parent="31.71.01.1001", since=SINCE, now=NOW)


def test_stream_reads_every_match_in_chunks_without_history(stored):
    everything = list(areas.stream(stored, where=ComplaintFilter(), chunk=3))
    assert len(everything) == 10 and [c.id for c in everything] == sorted(c.id for c in everything)
    assert all(c.history == [] for c in everything)
    open_in_gambir = list(areas.stream(stored, chunk=2, where=ComplaintFilter(
        kode_kecamatan="31.71.01", statuses=(Status.PROSES,), since=SINCE, until=NOW)))
    assert len(open_in_gambir) == 3
    narrowed = ComplaintFilter(kode_kota="31.71", kode_kelurahan="31.71.01.1001", categories=("jalan",),
                               skpd="BINAMARGA-JP")
    assert [c.category for c in areas.stream(stored, where=narrowed)] == ["jalan"]
    assert list(areas.stream(stored, where=ComplaintFilter(kode_kota="31.74"))) == []
