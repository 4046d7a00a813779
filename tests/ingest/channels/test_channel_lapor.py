"""The LAPOR! 1708 adapter: dispositions forwarded to the province, read from Inbound objects."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from crm.complaint import WIB
from ingest.channels import lapor
from ingest.channels.base import InvalidReport, MalformedPayload, WrongContentType
from ingest.schemas import MAX_TEXT
from tests.ingest.channels.deliveries import ARRIVED, DATA, Deliveries, recorded_json

LAPOR = Deliveries("lapor")
inbound, parse_one = LAPOR.inbound, LAPOR.parse_one


def fixture(name: str = "lapor_public.json", **changes: Any) -> dict[str, Any]:
    return recorded_json(name, **changes)


def test_a_public_disposition_becomes_one_report_with_its_reporter():
    report = parse_one((DATA / "lapor_public.json").read_bytes())
    assert report.channel == "lapor"
    assert report.external_id == "3891234"
    assert report.text.startswith("Jalan berlubang di Jl. Raya Bogor depan Pasar Kramat Jati\n\nSaya ingin melaporkan")
    assert report.category is None  # Infrastruktur covers roads, drains, lights...: the classifier decides
    assert report.place_text == "Jl. Raya Bogor, Kramat Jati, Kota Jakarta Timur, DKI Jakarta"
    assert (report.lat, report.lon) == (None, None)
    assert report.reported_at == datetime(2026, 11, 25, 19, 42, 7, tzinfo=WIB)
    assert report.reporter_name == "Budi Santoso"
    assert report.reporter_contact == "budi.santoso@example.co.id; 081298765432"
    assert report.media == ("https://www.lapor.go.id/storage/lampiran/3891234/foto-1.jpg",)


def test_a_confidential_report_carries_no_reporter():
    report = parse_one(fixture("lapor_confidential.json"))
    assert (report.reporter_name, report.reporter_contact) == (None, None)
    assert report.external_id == "3891877"  # a numeric tracking id, as text
    assert report.category == "administrasi_kependudukan"
    assert report.reported_at == datetime(2026, 11, 24, 3, 5, tzinfo=timezone.utc)


@pytest.mark.parametrize("flags", [
    {"is_anonymous": True},
    {"is_confidential": True},
    {"is_anonymous": None},
    {"is_confidential": "false"},
])
def test_identity_is_kept_only_when_both_flags_are_false(flags):
    report = parse_one(fixture(**flags))
    assert (report.reporter_name, report.reporter_contact) == (None, None)


def test_a_missing_privacy_flag_fails_closed():
    body = fixture()
    del body["is_confidential"]
    assert parse_one(body).reporter_contact is None


def test_a_retried_delivery_has_the_same_external_id():
    raw = (DATA / "lapor_public.json").read_bytes()
    assert parse_one(raw).external_id == parse_one(raw).external_id == "3891234"


def test_without_a_title_the_text_is_the_content():
    report = parse_one(fixture(title=None))
    assert report.text.startswith("Saya ingin melaporkan")


def test_optional_fields_may_be_absent():
    report = parse_one({"tracking_id": "3890001", "content": "Sampah menumpuk di TPS Jl. Bangka"})
    assert (report.text, report.place_text, report.media, report.reporter_name) == (
        "Sampah menumpuk di TPS Jl. Bangka", None, (), None)
    assert report.reported_at == ARRIVED


@pytest.mark.parametrize(("label", "code"), [("Kesehatan", "kesehatan"), ("Kependudukan", "administrasi_kependudukan"),
                                             ("Lingkungan Hidup dan Kehutanan", None), ("Topik Khusus", None)])
def test_only_labels_known_for_certain_get_a_category(label, code):
    assert parse_one(fixture(category=label)).category == code


@pytest.mark.parametrize("missing", ["tracking_id", "content"])
def test_a_missing_required_field_is_malformed_and_named(missing):
    body = fixture()
    del body[missing]
    with pytest.raises(MalformedPayload) as raised:
        lapor.parse(inbound(body))
    assert raised.value.status == 400
    assert raised.value.errors == [{"field": missing, "message": "wajib ada"}]


def test_an_unreadable_date_is_malformed_and_named():
    with pytest.raises(MalformedPayload, match="'date'"):
        lapor.parse(inbound(fixture(date="25/11/2026")))


def test_oversized_text_is_an_invalid_report():
    with pytest.raises(InvalidReport) as raised:
        lapor.parse(inbound(fixture(content="x" * MAX_TEXT)))  # the title makes it longer than allowed
    assert [e["field"] for e in raised.value.errors] == ["text"]


def test_empty_title_and_content_are_an_invalid_report():
    with pytest.raises(InvalidReport):
        lapor.parse(inbound(fixture(title="", content="  ")))


def test_bad_json_and_another_content_type_are_refused():
    with pytest.raises(MalformedPayload):
        lapor.parse(inbound(b"tracking_id=3891234"))
    with pytest.raises(WrongContentType):
        lapor.parse(inbound(fixture(), content_type="application/xml"))
