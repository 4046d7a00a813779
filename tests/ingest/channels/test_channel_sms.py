"""The SMS Center adapter: the gateway's form post, read straight from Inbound objects."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from crm.complaint import WIB
from ingest.channels import sms
from ingest.channels.base import InvalidReport, MalformedPayload, WrongContentType
from ingest.schemas import MAX_TEXT
from tests.ingest.channels.deliveries import DATA, FORM, Deliveries, recorded_form

inbound = Deliveries("sms", FORM, received_at=datetime(2026, 11, 27, 1, 15, 4, tzinfo=timezone.utc)).inbound


def fixture() -> dict[str, str]:
    return recorded_form("sms_lampu_pju.txt")


def test_the_gateway_post_becomes_one_report():
    [report] = sms.parse(inbound((DATA / "sms_lampu_pju.txt").read_bytes()))
    assert report.channel == "sms"
    assert report.external_id == "SMSC-20261127-000417"
    assert report.text == "Lampu PJU mati di Jl. Kramat Raya depan RS St. Carolus, udh 3 malam gelap bgt, rawan jambret"
    assert report.reporter_contact == "6281234567890"
    assert report.reported_at == datetime(2026, 11, 27, 8, 15, 2, tzinfo=WIB)
    assert (report.category, report.lat, report.lon, report.place_text) == (None, None, None, None)


@pytest.mark.parametrize("timestamp", [
    "2026-11-27 08:15:02",          # the gateway's wall clock, WIB
    "2026-11-27T08:15:02+07:00",
    "2026-11-27T01:15:02Z",
    "1795742102",                   # Unix epoch seconds
])
def test_every_documented_timestamp_format_is_the_same_instant(timestamp):
    [report] = sms.parse(inbound(fixture() | {"timestamp": timestamp}))
    assert report.reported_at == datetime(2026, 11, 27, 1, 15, 2, tzinfo=timezone.utc)


def test_a_retried_delivery_keeps_the_gateways_id():
    body = (DATA / "sms_lampu_pju.txt").read_bytes()
    first = sms.parse(inbound(body))
    retried = sms.parse(inbound(body, received_at=datetime(2026, 11, 27, 1, 20, tzinfo=timezone.utc)))
    assert first == retried and first[0].external_id == "SMSC-20261127-000417"


def test_a_plus_sign_the_gateway_did_not_encode_is_stripped():
    body = b"message_id=SMSC-1&sender=+6281234567890&timestamp=1795742102&message=Sampah+numpuk+di+Pasar+Minggu"
    [report] = sms.parse(inbound(body))
    assert report.reporter_contact == "6281234567890"


def test_a_charset_parameter_is_accepted():
    [report] = sms.parse(inbound(fixture(), content_type="application/x-www-form-urlencoded; charset=UTF-8"))
    assert report.external_id == "SMSC-20261127-000417"


def test_json_is_refused_with_415():
    with pytest.raises(WrongContentType) as caught:
        sms.parse(inbound(b'{"sender": "6281234567890"}', content_type="application/json"))
    assert caught.value.status == 415
    assert FORM in caught.value.message


@pytest.mark.parametrize("body", [
    "message_id=SMSC-2&sender=6281234567890&timestamp=1795742102&message=Jalan+rusak+di+Cilincing+".encode() + b"\xe9",
    b"message_id=SMSC-2&sender=6281234567890&timestamp=1795742102&message=Jalan+rusak+%E9",  # Latin-1, percent-encoded
])
def test_a_body_that_is_not_utf8_is_malformed(body):
    with pytest.raises(MalformedPayload) as caught:
        sms.parse(inbound(body))
    assert caught.value.status == 400
    assert "UTF-8" in caught.value.message


@pytest.mark.parametrize("field", ["message_id", "sender", "message", "timestamp"])
@pytest.mark.parametrize("how", ["absent", "blank"])
def test_a_missing_required_field_is_named(field, how):
    form = fixture()
    if how == "absent":
        del form[field]
    else:
        form[field] = "  "
    with pytest.raises(MalformedPayload) as caught:
        sms.parse(inbound(form))
    assert caught.value.status == 400
    assert field in caught.value.message
    assert caught.value.errors == [{"field": field, "message": "wajib diisi"}]


@pytest.mark.parametrize("timestamp", ["27/11/2026 08:15", "kemarin", "99999999999999999999"])
def test_an_unreadable_timestamp_is_malformed(timestamp):
    with pytest.raises(MalformedPayload) as caught:
        sms.parse(inbound(fixture() | {"timestamp": timestamp}))
    assert "timestamp" in caught.value.message and "2026-11-27 08:15:02" in caught.value.message


def test_a_field_sent_twice_is_malformed():
    body = (DATA / "sms_lampu_pju.txt").read_bytes() + b"&message_id=SMSC-20261127-000418"
    with pytest.raises(MalformedPayload) as caught:
        sms.parse(inbound(body))
    assert "message_id" in caught.value.message


def test_an_oversized_message_is_an_invalid_report():
    with pytest.raises(InvalidReport) as caught:
        sms.parse(inbound(fixture() | {"message": "banjir sepinggang " * (MAX_TEXT // 10)}))
    assert caught.value.status == 422
    assert [e["field"] for e in caught.value.errors] == ["text"]


def test_a_timestamp_in_the_future_is_an_invalid_report():
    with pytest.raises(InvalidReport) as caught:
        sms.parse(inbound(fixture() | {"timestamp": "2099-01-01 08:00:00"}))
    assert [e["field"] for e in caught.value.errors] == ["reported_at"]
