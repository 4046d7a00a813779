"""The walk-in desks' shared JSON payload, through each desk's own adapter module."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from crm.complaint import WIB
from crm.desks import DESK_WINDOWS, is_open
from ingest.channels import adapter, kecamatan
from ingest.channels.base import InvalidReport, MalformedPayload, WrongContentType
from ingest.schemas import MAX_TEXT
from tests.ingest.channels.deliveries import DATA, Deliveries, recorded_json

inbound = Deliveries("kecamatan", received_at=datetime(2026, 11, 27, 4, 0, tzinfo=timezone.utc)).inbound


def entry(**changes: Any) -> dict[str, Any]:
    return recorded_json("walk_in_kecamatan.json", **changes)


def refused(body: bytes | dict[str, Any], error: type[Exception] = MalformedPayload, **kwargs: Any):
    with pytest.raises(error) as caught:
        kecamatan.parse(inbound(body, **kwargs))
    return caught.value


def test_a_desk_entry_becomes_one_report():
    [report] = kecamatan.parse(inbound((DATA / "walk_in_kecamatan.json").read_bytes()))
    assert report.channel == "kecamatan"
    assert report.external_id == "KEC-TEBET-2026-00187"
    assert report.desk == "Kantor Kecamatan Tebet"
    assert report.officer == "Siti Rahmawati"
    assert (report.reporter_name, report.reporter_contact) == ("Bambang Sutrisno", "0812-8765-4321")
    assert report.text.startswith("Warga melaporkan saluran air di RT 05/RW 03")
    assert report.category == "saluran_air"
    assert report.place_text == "Jl. Tebet Barat Dalam II, RT 05/RW 03, Kelurahan Tebet Barat"
    assert (report.lat, report.lon) == (-6.2363, 106.8489)
    assert report.reported_at == datetime(2026, 11, 21, 9, 40, tzinfo=WIB)


@pytest.mark.parametrize("channel", sorted(DESK_WINDOWS))
def test_each_desk_module_binds_its_own_channel(channel):
    [report] = adapter(channel).parse(inbound(entry(), channel=channel))
    assert report.channel == channel


def test_a_kecamatan_entry_on_a_tuesday_is_accepted():
    """The desk opens on Saturdays; flagging an entry outside that is the intake's job."""
    [report] = kecamatan.parse(inbound(entry(visited_at="2026-11-24T10:15:00+07:00")))
    assert report.reported_at == datetime(2026, 11, 24, 10, 15, tzinfo=WIB)
    assert not is_open("kecamatan", report.reported_at)


def test_a_retried_entry_keeps_the_desk_systems_id():
    body = (DATA / "walk_in_kecamatan.json").read_bytes()
    assert kecamatan.parse(inbound(body)) == kecamatan.parse(inbound(body))


def test_an_integer_entry_id_is_its_decimal_text():
    [report] = kecamatan.parse(inbound(entry(entry_id=187)))
    assert report.external_id == "187"


def test_only_the_required_fields_make_a_report():
    minimal = {key: entry()[key] for key in ("entry_id", "desk", "officer", "text", "visited_at")}
    [report] = kecamatan.parse(inbound(minimal))
    assert (report.category, report.lat, report.lon, report.place_text) == (None, None, None, None)
    assert (report.reporter_name, report.reporter_contact) == (None, None)


def test_null_and_blank_optional_fields_are_absent():
    [report] = kecamatan.parse(inbound(entry(category=None, location="  ", lat=None, lon=None,
                                             visitor={"name": "Bambang Sutrisno", "contact": ""})))
    assert (report.category, report.place_text, report.lat, report.reporter_contact) == (None, None, None, None)


@pytest.mark.parametrize("field", ["entry_id", "desk", "officer", "text", "visited_at"])
@pytest.mark.parametrize("value", ["absent", None, " "])
def test_a_missing_required_field_is_named(field, value):
    body = entry()
    if value == "absent":
        del body[field]
    else:
        body[field] = value
    error = refused(body)
    assert error.status == 400
    assert field in error.message
    assert error.errors == [{"field": field, "message": "wajib diisi"}]


@pytest.mark.parametrize("visited_at", ["2026-11-21 09:40:00", "2026-11-21T09:40", "Sabtu 21 November 2026 09.40"])
def test_visited_at_without_a_zone_or_unreadable_is_malformed(visited_at):
    error = refused(entry(visited_at=visited_at))
    assert "visited_at" in error.message and "+07:00" in error.message


def test_a_visit_in_the_future_is_an_invalid_report():
    error = refused(entry(visited_at="2099-11-21T09:40:00+07:00"), InvalidReport)
    assert error.status == 422
    assert [e["field"] for e in error.errors] == ["reported_at"]


def test_a_misspelt_field_is_refused_not_dropped():
    body = entry()
    body["lng"] = body.pop("lon")
    error = refused(body)
    assert "lng" in error.message
    assert refused(entry(visitor={"nama": "Bambang"})).errors[0]["field"] == "visitor.nama"


@pytest.mark.parametrize("changes, field", [
    ({"text": 42}, "text"),
    ({"desk": ["Kantor Kecamatan Tebet"]}, "desk"),
    ({"visitor": "Bambang Sutrisno"}, "visitor"),
    ({"visitor": {"name": "Bambang", "contact": 6281287654321}}, "visitor.contact"),
])
def test_a_field_of_the_wrong_type_is_malformed(changes, field):
    assert refused(entry(**changes)).errors[0]["field"] == field


@pytest.mark.parametrize("changes, field", [
    ({"lat": -96.2363}, "lat"),
    ({"lon": 1068.489}, "lon"),
    ({"lat": "enam"}, "lat"),
])
def test_bad_coordinates_are_an_invalid_report_naming_the_field(changes, field):
    error = refused(entry(**changes), InvalidReport)
    assert error.status == 422
    assert [e["field"] for e in error.errors] == [field]


def test_a_latitude_without_longitude_is_an_invalid_report():
    error = refused(entry(lon=None), InvalidReport)
    assert "lat dan lon" in error.errors[0]["message"]


def test_a_category_that_is_not_our_code_is_an_invalid_report():
    error = refused(entry(category="Saluran Air"), InvalidReport)
    assert [e["field"] for e in error.errors] == ["category"]


def test_oversized_text_is_an_invalid_report():
    error = refused(entry(text="Warga mengeluhkan genangan. " * (MAX_TEXT // 20)), InvalidReport)
    assert [e["field"] for e in error.errors] == ["text"]


@pytest.mark.parametrize("body, says", [
    (b'{"entry_id": "KEC-TEBET-2026-00188", "text": "Jalan rusak"', "JSON"),
    (b"entry_id=KEC-TEBET-2026-00188&text=Jalan+rusak", "JSON"),
    (b'[{"entry_id": "KEC-TEBET-2026-00188"}]', "satu objek"),
    ('{"entry_id": "KEC-1", "text": "Got mampet depan caf\u00e9"}'.encode("latin-1"), "UTF-8"),
])
def test_an_unreadable_body_is_malformed(body, says):
    error = refused(body)
    assert error.status == 400
    assert says in error.message


def test_a_form_post_is_refused_with_415():
    error = refused(b"entry_id=KEC-1", WrongContentType, content_type="application/x-www-form-urlencoded")
    assert error.status == 415
    assert "application/json" in error.message
