"""The Qlue adapter (and the JSON reading the other JSON channels share), read from Inbound objects."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pytest

from crm.complaint import WIB
from ingest.channels import qlue
from ingest.channels.base import InvalidReport, MalformedPayload, WrongContentType
from ingest.schemas import MAX_TEXT
from tests.ingest.channels.deliveries import ARRIVED, DATA, Deliveries, recorded_json

QLUE = Deliveries("qlue")
inbound, parse_one = QLUE.inbound, QLUE.parse_one


def payload(**changes: Any) -> dict[str, Any]:
    return recorded_json("qlue_report.json", **changes)


def test_a_qlue_report_becomes_one_report():
    report = parse_one((DATA / "qlue_report.json").read_bytes())
    assert report.channel == "qlue"
    assert report.external_id == "9812345"
    assert report.text.startswith("Sampah numpuk di pinggir Kali Cideng")
    assert report.category == "sampah"
    assert (report.lat, report.lon) == (-6.18623, 106.83451)
    assert report.place_text == "Jl. Kebon Sirih Raya No. 12, Kebon Sirih, Menteng, Jakarta Pusat"
    assert report.media == ("https://files.qlue.co.id/report/2026/11/9812345.jpg",)
    assert report.reporter_name == "warga_menteng"
    assert report.reporter_contact == "081234567890"
    assert report.reported_at == datetime(2026, 11, 26, 8, 15, 30, tzinfo=WIB)


def test_a_retried_delivery_has_the_same_external_id():
    body = (DATA / "qlue_report.json").read_bytes()
    assert parse_one(body).external_id == parse_one(body).external_id == "9812345"
    assert parse_one(payload(report_id="9812345")).external_id == "9812345"


@pytest.mark.parametrize(("label", "code"), [
    ("Jalan Rusak", "jalan"), ("banjir", "banjir"), ("Parkir  Liar", "parkir_liar"), ("Pohon Tumbang", "pohon"),
    ("PKL", "pkl"), ("Lampu Jalan Mati", "lampu_jalan"), ("Kriminalitas", None), (None, None),
])
def test_only_labels_known_for_certain_get_a_category(label, code):
    assert parse_one(payload(category=label)).category == code


def test_coordinates_may_be_numbers_and_an_empty_string_is_no_fix():
    assert (parse_one(payload(lat=-6.2, lng=106.8)).lat, parse_one(payload(lat=-6.2, lng=106.8)).lon) == (-6.2, 106.8)
    report = parse_one(payload(lat="", lng=""))
    assert (report.lat, report.lon) == (None, None)


def test_an_iso_time_with_an_offset_and_a_missing_time():
    assert parse_one(payload(created_at="2026-11-26T01:15:30Z")).reported_at == datetime(
        2026, 11, 26, 1, 15, 30, tzinfo=timezone.utc)
    assert parse_one(payload(created_at=None)).reported_at == ARRIVED


def test_optional_fields_may_be_absent():
    body = {"report_id": "QL-77", "description": "Pohon tumbang menutup jalan"}
    report = parse_one(body)
    assert (report.category, report.lat, report.place_text, report.media, report.reporter_name) == (
        None, None, None, (), None)


def test_coordinates_out_of_range_are_an_invalid_report_naming_the_field():
    with pytest.raises(InvalidReport) as raised:
        qlue.parse(inbound(payload(lat="-96.2")))
    assert raised.value.status == 422
    assert [e["field"] for e in raised.value.errors] == ["lat"]


def test_one_coordinate_alone_is_an_invalid_report():
    with pytest.raises(InvalidReport):
        qlue.parse(inbound(payload(lng=None)))


def test_oversized_text_is_an_invalid_report():
    with pytest.raises(InvalidReport) as raised:
        qlue.parse(inbound(payload(description="sampah " * (MAX_TEXT // 7 + 1))))
    assert [e["field"] for e in raised.value.errors] == ["text"]


def test_a_future_time_is_an_invalid_report():
    with pytest.raises(InvalidReport) as raised:
        qlue.parse(inbound(payload(created_at="2999-01-01 00:00:00")))
    assert [e["field"] for e in raised.value.errors] == ["reported_at"]


@pytest.mark.parametrize("missing", ["report_id", "description"])
def test_a_missing_required_field_is_malformed_and_named(missing):
    body = payload()
    del body[missing]
    with pytest.raises(MalformedPayload) as raised:
        qlue.parse(inbound(body))
    assert raised.value.status == 400
    assert repr(missing) in raised.value.message
    assert raised.value.errors == [{"field": missing, "message": "wajib ada"}]


def test_a_field_of_the_wrong_type_is_malformed_and_named():
    with pytest.raises(MalformedPayload, match="'user.phone' harus berupa teks"):
        qlue.parse(inbound(payload(user={"username": "x", "phone": 81234567890})))
    with pytest.raises(MalformedPayload, match="'report_id' harus berupa teks atau bilangan bulat"):
        qlue.parse(inbound(payload(report_id=True)))


def test_an_unreadable_time_is_malformed_and_named():
    with pytest.raises(MalformedPayload, match="'created_at' bukan waktu"):
        qlue.parse(inbound(payload(created_at="kemarin sore")))


@pytest.mark.parametrize(("body", "says"), [
    (b'{"report_id": 1, "description": "sampah"', "bukan JSON yang sah"),
    (b"", "bukan JSON yang sah"),
    (b'\xff\xfe{"report_id": 1}', "UTF-8"),
    (b'[{"report_id": 1, "description": "sampah"}]', "bukan daftar"),
])
def test_an_unreadable_body_is_malformed(body, says):
    with pytest.raises(MalformedPayload) as raised:
        qlue.parse(inbound(body))
    assert says in raised.value.message


def test_a_byte_order_mark_is_tolerated():
    assert parse_one(b"\xef\xbb\xbf" + json.dumps(payload()).encode()).external_id == "9812345"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_another_content_type_is_refused(content_type):
    with pytest.raises(WrongContentType) as raised:
        qlue.parse(inbound(payload(), content_type=content_type))
    assert raised.value.status == 415


def test_json_with_a_charset_parameter_is_json():
    assert qlue.parse(inbound(payload(), content_type="application/json; charset=utf-8"))
