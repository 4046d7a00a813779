"""The email adapter: raw RFC 822 messages, read from Inbound objects."""
from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime

import pytest

from ingest.channels import email as email_channel
from ingest.channels.base import InvalidReport, MalformedPayload, WrongContentType
from ingest.schemas import MAX_TEXT
from tests.ingest.channels.deliveries import ARRIVED, DATA, Deliveries

WIB = timezone(timedelta(hours=7))
EMAIL = Deliveries("email", content_type="message/rfc822")
inbound, parse_one = EMAIL.inbound, EMAIL.parse_one


def raw(name: str) -> bytes:
    return (DATA / name).read_bytes()


def without_header(body: bytes, name: str) -> bytes:
    return re.sub(rb"(?im)^" + name.encode() + rb":.*\r?\n(?:[ \t].*\r?\n)*", b"", body, count=1)


def message(body: str = "Trotoar di Jl. Sabang rusak parah, banyak ubin lepas.", **headers: str) -> bytes:
    """A plain message built with the standard library, for the cases the fixtures do not cover."""
    mail = EmailMessage()
    defaults = {"From": "Rudi <rudi@example.com>", "To": "pengaduan@jakarta.go.id", "Subject": "Trotoar rusak",
                "Date": "Wed, 25 Nov 2026 10:00:00 +0700", "Message-ID": "<trotoar-1@example.com>"}
    for name, value in (defaults | headers).items():
        if value:
            mail[name] = value
    mail.set_content(body)
    return bytes(mail)


def test_an_indonesian_message_with_an_encoded_subject_becomes_one_report():
    report = parse_one(raw("email_encoded_subject.eml"))
    assert report.channel == "email"
    assert report.external_id == "<CAH7x1pPp0w3k8Z=K2qL5nX@mail.example.co.id>"
    subject, body = report.text.split("\n\n", 1)
    assert subject == "Pengaduan saluran air tersumbat di Jl. Cempaka Putih Tengah – mohon tindak lanjut"
    assert body.startswith("Yth. Bapak/Ibu Pengelola Pengaduan Pemprov DKI Jakarta,")
    assert "masuk ke rumah warga – sudah lebih dari 2 minggu." in body  # quoted-printable decoded, no soft breaks
    assert "=\n" not in body and "=E2" not in body
    assert report.reporter_name == "Sri Wahyuni"
    assert report.reporter_contact == "sri.wahyuni@example.co.id"
    assert report.reported_at == datetime(2026, 11, 26, 9, 12, 44, tzinfo=WIB)
    assert report.media == ()


def test_a_multipart_message_prefers_plain_text_and_records_the_photo():
    report = parse_one(raw("email_photo_attachment.eml"))
    assert report.text.startswith("Genangan di Jl. Kemang Raya belum surut\n\nSelamat siang,\n\nGenangan setinggi lutut")
    assert "<br>" not in report.text and "<div" not in report.text
    assert report.media == ("lampiran:genangan kemang.jpg",)
    assert (report.reporter_name, report.reporter_contact) == ("Andi Pratama", "andi.pratama@example.com")


def test_an_html_only_message_is_turned_into_its_visible_text():
    report = parse_one(raw("email_html_only.eml"))
    assert report.text == (
        "Lampu jalan mati di Tebet Barat Dalam\n\n"
        "Kepada Yth. Pengelola Pengaduan,\n\n"
        "Lampu penerangan jalan di Jl. Tebet Barat Dalam RT 03/RW 02 mati sejak tanggal 20 November & jalan "
        "menjadi sangat gelap pada malam hari.\n\n"
        "Tiang nomor 14\nTiang nomor 15\n\n"
        "Terima kasih.\nMaria"
    )


def test_an_auto_reply_is_not_a_report():
    assert email_channel.parse(inbound(raw("email_auto_reply.eml"))) == []


@pytest.mark.parametrize("headers", [
    {"Auto-Submitted": "auto-generated"},
    {"From": "Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>"},
    {"From": "postmaster@example.co.id"},
])
def test_automatic_mail_is_not_a_report(headers):
    assert email_channel.parse(inbound(message(**headers))) == []


def test_a_delivery_report_is_not_a_report():
    bounce = EmailMessage()
    bounce["From"] = "Mail Delivery System <mailer@mx.example.com>"
    bounce["Subject"] = "Undelivered Mail Returned to Sender"
    bounce.set_content("This is the mail system at host mx.example.com.")
    bounce.add_attachment("Reporting-MTA: dns; mx.example.com\n", subtype="delivery-status")
    bounce.replace_header("Content-Type", bounce["Content-Type"].replace("multipart/mixed", "multipart/report"))
    assert bounce.get_content_type() == "multipart/report"
    assert email_channel.parse(inbound(bytes(bounce))) == []


def test_auto_submitted_no_is_a_person_writing():
    assert len(email_channel.parse(inbound(message(**{"Auto-Submitted": "no"})))) == 1


def test_a_retried_message_has_the_same_external_id():
    body = raw("email_photo_attachment.eml")
    assert parse_one(body).external_id == parse_one(body).external_id == "<CABx9fQm1v2Ww0K7pYt3@mail.example.com>"


def test_without_message_id_the_id_is_a_digest_of_the_raw_bytes():
    body = without_header(raw("email_encoded_subject.eml"), "Message-ID")
    report = parse_one(body)
    assert report.external_id == "sha256:" + hashlib.sha256(body).hexdigest()
    assert parse_one(body).external_id == report.external_id


def test_an_unreadable_date_means_the_time_it_arrived():
    assert parse_one(message(Date="kemarin sore")).reported_at == ARRIVED
    assert parse_one(message(Date="")).reported_at == ARRIVED


def test_a_date_with_unknown_zone_is_utc():
    assert parse_one(message(Date="Wed, 25 Nov 2026 10:00:00 -0000")).reported_at == datetime(
        2026, 11, 25, 10, tzinfo=timezone.utc)


def test_a_future_date_is_an_invalid_report():
    future = format_datetime(datetime.now(timezone.utc) + timedelta(days=2))
    with pytest.raises(InvalidReport) as raised:
        email_channel.parse(inbound(message(Date=future)))
    assert [e["field"] for e in raised.value.errors] == ["reported_at"]


def test_an_oversized_body_is_an_invalid_report():
    with pytest.raises(InvalidReport) as raised:
        email_channel.parse(inbound(message(body="Sampah menumpuk. " * (MAX_TEXT // 17 + 1))))
    assert raised.value.status == 422
    assert [e["field"] for e in raised.value.errors] == ["text"]


def test_an_encoded_attachment_name_is_decoded():
    mail = EmailMessage()
    mail["From"] = "Rudi <rudi@example.com>"
    mail["Subject"] = "Foto pohon tumbang"
    mail["Message-ID"] = "<pohon-1@example.com>"
    mail.set_content("Pohon tumbang di Jl. Diponegoro, foto terlampir.")
    mail.add_attachment(b"\xff\xd8\xff\xd9", maintype="image", subtype="jpeg", filename="pohon tumbang–Menteng.jpg")
    assert parse_one(bytes(mail)).media == ("lampiran:pohon tumbang–Menteng.jpg",)


def test_a_charset_python_does_not_know_is_read_as_far_as_utf8_goes():
    body = message(body="Jalan rusak di Jl. Salemba").replace(b'charset="utf-8"', b'charset="x-unknown-8"')
    assert b"x-unknown-8" in body
    assert parse_one(body).text.endswith("Jalan rusak di Jl. Salemba")


@pytest.mark.parametrize("body", [message(From=""), message(From="budi"), b"Jalan rusak di depan rumah saya"])
def test_a_message_without_a_sender_address_is_malformed(body):
    with pytest.raises(MalformedPayload, match="From") as raised:
        email_channel.parse(inbound(body))
    assert raised.value.status == 400


def test_an_empty_body_is_malformed():
    with pytest.raises(MalformedPayload, match="kosong"):
        email_channel.parse(inbound(b"\r\n"))


@pytest.mark.parametrize("content_type", ["text/plain", "application/octet-stream", "application/json"])
def test_another_content_type_is_refused(content_type):
    with pytest.raises(WrongContentType) as raised:
        email_channel.parse(inbound(raw("email_encoded_subject.eml"), content_type=content_type))
    assert raised.value.status == 415
