"""web/complaint_query.py: one reader of the complaint-list query string for every door, each
naming the fields in its own words; every problem reported at once, named as the door named it."""
from __future__ import annotations

from datetime import UTC, datetime

from crm.complaint import TRIAGE_LOCATION, Status
from crm.complaint_filter import ANY_TRIAGE, ComplaintFilter
from crm.windows import window_start
from web.complaint_query import read_filter

NOW = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)


def test_every_field_is_read() -> None:
    where, problems = read_filter({
        "kota": "31.71", "kecamatan": "31.71.01", "kelurahan": "31.71.01.1001", "skpd": "BINAMARGA-JP",
        "category": "banjir, pohon,banjir", "status": "Menunggu,Proses", "channel": "sms", "triage": "semua",
        "since": "2026-12-01T08:00:00 07:00", "until": "2026-12-02T00:00:00Z", "q": "  jalan   rusak  "}, NOW)
    assert problems == []
    assert where == ComplaintFilter(
        kode_kota="31.71", kode_kecamatan="31.71.01", kode_kelurahan="31.71.01.1001", skpd="BINAMARGA-JP",
        categories=("banjir", "pohon"), statuses=(Status.MENUNGGU, Status.PROSES), channels=("sms",),
        triage=ANY_TRIAGE, since=datetime(2026, 12, 1, 1, 0, tzinfo=UTC), until=datetime(2026, 12, 2, tzinfo=UTC),
        words=("jalan", "rusak"))


def test_a_door_names_fields_in_its_own_words() -> None:
    names = {"kategori": "category", "sejak": "window", "kanal": "channel", "triase": "triage"}
    where, problems = read_filter({"kategori": "banjir", "sejak": "7d", "kanal": "qlue",
                                   "triase": TRIAGE_LOCATION}, NOW, names)
    assert problems == []
    assert where == ComplaintFilter(categories=("banjir",), channels=("qlue",), since=window_start("7d", NOW),
                                    triage=TRIAGE_LOCATION)
    _, problems = read_filter({"category": "banjir"}, NOW, names)  # the API's name is not this door's
    assert [p["field"] for p in problems] == ["category"]


def test_every_problem_at_once_named_as_the_door_named_it() -> None:
    where, problems = read_filter({
        "kota": "31.71.01", "skpd": "DINAS-ANTAH", "category": "banjir,ufo", "status": "Hilang",
        "channel": "telegram", "triage": "nanti", "window": "7d", "since": "kemarin", "limit": "5",
        "kategori": "banjir"}, NOW, also=("limit",))
    assert where == ComplaintFilter()
    messages = {p["field"]: p["message"] for p in problems}
    assert set(messages) == {"kota", "skpd", "category", "status", "channel", "triage", "window", "since",
                             "kategori"}
    assert "ufo" in messages["category"] and "banjir" not in messages["category"].split(";")[0]
    assert "31.71" in messages["kota"] and "tidak dikenal" in messages["kategori"]


def test_times_out_of_order_and_empty_values() -> None:
    _, problems = read_filter({"since": "2026-12-02T00:00:00Z", "until": "2026-12-01T00:00:00Z"}, NOW)
    assert [p["field"] for p in problems] == ["until"]
    assert read_filter({"kota": "", "q": "   ", "status": ","}, NOW) == (ComplaintFilter(), [])


def test_a_long_search_is_cut_to_a_few_words() -> None:
    where, _ = read_filter({"q": "kata " * 500}, NOW)
    assert where.words == ("kata",) * 8
