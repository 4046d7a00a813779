"""The jakarta.go.id form adapter, read straight from Inbound objects."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ingest.channels import website
from ingest.channels.base import InvalidReport, MalformedPayload, WrongContentType
from ingest.schemas import MAX_TEXT
from tests.ingest.channels.deliveries import ARRIVED, DATA, FORM, Deliveries, recorded_form

WEBSITE = Deliveries("website", FORM)
inbound, parse_one = WEBSITE.inbound, WEBSITE.parse_one


def fixture(**changes: str) -> dict[str, str]:
    return recorded_form("website_saluran_air.txt", **changes)


def test_the_form_becomes_one_report():
    [report] = website.parse(inbound((DATA / "website_saluran_air.txt").read_bytes()))
    assert report.channel == "website"
    assert report.external_id == "6f1c2a9e-3b7d-4c15-9a0e-2d8b5f4e7c31"
    assert report.text.startswith("Got mampet di Jl. Cempaka Putih Tengah XIII\n\nSaluran air depan rumah no. 27")
    assert report.category == "saluran_air"
    assert (report.lat, report.lon) == (-6.1772, 106.8731)
    assert report.place_text == "Jl. Cempaka Putih Tengah XIII No. 27, RT 08/RW 04, Cempaka Putih Timur"
    assert report.reporter_name == "Rina Wulandari"
    assert report.reporter_contact == "rina.w@example.co.id; 0813-1122-3344"
    assert report.reported_at == ARRIVED


def test_a_double_submit_or_retry_is_the_same_complaint():
    first = website.parse(inbound(fixture()))
    again = website.parse(inbound(fixture(), received_at=datetime(2026, 11, 27, 3, 42, 13, tzinfo=timezone.utc)))
    assert first[0].external_id == again[0].external_id == "6f1c2a9e-3b7d-4c15-9a0e-2d8b5f4e7c31"


def test_a_new_form_load_is_a_new_complaint():
    other = parse_one(fixture(id_pengaduan="0b9d7e44-51a2-4f0e-8c3b-7a6e1d2f9c88"))
    assert other.external_id != parse_one(fixture()).external_id


@pytest.mark.parametrize("kategori, code", [
    ("saluran_air", "saluran_air"),                     # our code
    ("Saluran Air", "saluran_air"),                     # our Indonesian name
    ("  SALURAN   air ", "saluran_air"),
    ("Lampu Penerangan Jalan", "lampu_jalan"),
    ("Gangguan Ketenteraman dan Ketertiban", "ketenteraman_ketertiban"),
    ("Lainnya", None),                                  # the citizen does not know: the classifier decides
    ("lainnya", None),
    ("", None),
    ("-- Pilih Kategori --", None),
    ("Got Mampet", None),                               # not ours: the classifier decides
])
def test_kategori_is_our_code_or_name_else_left_to_the_classifier(kategori, code):
    assert parse_one(fixture(kategori=kategori)).category == code


def test_an_empty_map_picker_means_no_coordinates():
    report = parse_one(fixture(lat="", lng=""))
    assert (report.lat, report.lon) == (None, None)
    assert report.place_text is not None


@pytest.mark.parametrize("changes, field", [
    ({"lat": "-96.1772"}, "lat"),
    ({"lng": "206.8731"}, "lon"),
    ({"lng": "106,8731"}, "lon"),                       # a decimal comma is not a number
    ({"lat": "nan"}, "lat"),
])
def test_bad_coordinates_are_an_invalid_report_naming_the_field(changes, field):
    with pytest.raises(InvalidReport) as caught:
        website.parse(inbound(fixture(**changes)))
    assert caught.value.status == 422
    assert [e["field"] for e in caught.value.errors] == [field]


def test_one_coordinate_without_the_other_is_an_invalid_report():
    with pytest.raises(InvalidReport) as caught:
        website.parse(inbound(fixture(lng="")))
    assert "lat dan lon" in caught.value.errors[0]["message"]


def test_without_a_title_the_text_is_the_body():
    report = parse_one(fixture(judul=""))
    assert report.text == fixture()["isi"]


@pytest.mark.parametrize("changes, contact", [
    ({"telepon": ""}, "rina.w@example.co.id"),
    ({"email": ""}, "0813-1122-3344"),
    ({"email": "", "telepon": ""}, None),
])
def test_contact_keeps_whichever_the_citizen_gave(changes, contact):
    assert parse_one(fixture(**changes)).reporter_contact == contact


def test_optional_fields_may_be_left_out():
    form = {"id_pengaduan": "a3c5e7f9-1b2d-4e6f-8a0c-2e4f6a8c0e1f",
            "isi": "Pohon tumbang menutup Jl. Panjang, Kebon Jeruk"}
    report = parse_one(form)
    assert report.text == form["isi"]
    assert (report.category, report.lat, report.place_text, report.reporter_name, report.reporter_contact) == (
        None, None, None, None, None)


@pytest.mark.parametrize("field", ["id_pengaduan", "isi"])
@pytest.mark.parametrize("value", [None, ""])
def test_a_missing_required_field_is_named(field, value):
    form = fixture()
    if value is None:
        del form[field]
    else:
        form[field] = value
    with pytest.raises(MalformedPayload) as caught:
        website.parse(inbound(form))
    assert caught.value.status == 400
    assert field in caught.value.message


def test_a_multipart_post_is_refused_with_415():
    body = b'--x\r\nContent-Disposition: form-data; name="isi"\r\n\r\nJalan rusak\r\n--x--\r\n'
    with pytest.raises(WrongContentType) as caught:
        website.parse(inbound(body, content_type="multipart/form-data; boundary=x"))
    assert caught.value.status == 415
    assert FORM in caught.value.message


@pytest.mark.parametrize("isi", [b"Kali+di+belakang+caf\xe9+bau", b"Kali+di+belakang+caf%E9+bau"])
def test_a_latin1_form_is_malformed(isi):
    with pytest.raises(MalformedPayload) as caught:
        website.parse(inbound(b"id_pengaduan=c1d2e3f4-0000-4aaa-8bbb-123456789abc&isi=" + isi))
    assert "UTF-8" in caught.value.message


def test_oversized_text_is_an_invalid_report():
    with pytest.raises(InvalidReport) as caught:
        website.parse(inbound(fixture(isi="Air meluap ke rumah warga. " * (MAX_TEXT // 20))))
    assert [e["field"] for e in caught.value.errors] == ["text"]


def test_an_overlong_place_is_an_invalid_report():
    with pytest.raises(InvalidReport) as caught:
        website.parse(inbound(fixture(lokasi="Jl. Cempaka Putih Tengah " * 30)))
    assert [e["field"] for e in caught.value.errors] == ["place_text"]
