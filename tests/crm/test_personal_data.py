"""Personal data in complaint texts is masked for public views, ordinary complaint numbers stay.

The labelled set (tests/data/personal_data/*.jsonl) says which substrings must disappear; the unit
tests below pin each kind and the placeholders. Cases marked `known_miss` are out of scope and
expected to fail (strict, so one that starts passing is noticed).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from crm.personal_data import (
    EMAIL,
    EMAIL_PLACEHOLDER,
    NIK,
    NIK_PLACEHOLDER,
    PHONE,
    PHONE_PLACEHOLDER,
    SIGNATURE,
    SIGNATURE_PLACEHOLDER,
    Span,
    find,
    mask,
    masked_contact,
)

SET = Path(__file__).resolve().parents[1] / "data" / "personal_data"
CASES = [json.loads(line) for path in sorted(SET.glob("*.jsonl"))
         for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _params(cases: list[dict]) -> list:
    return [pytest.param(case, id=case["id"], marks=[pytest.mark.xfail(reason=case["known_miss"], strict=True)]
                         if case.get("known_miss") else []) for case in cases]


def test_the_labelled_set_is_big_enough_and_balanced():
    with_data = [case for case in CASES if case["personal"]]
    assert len(CASES) >= 300
    assert 0.4 <= len(with_data) / len(CASES) <= 0.6
    assert sum(case["id"].startswith("hand-") for case in CASES) >= 40
    assert {item["kind"] for case in with_data for item in case["personal"]} == {PHONE, EMAIL, NIK, SIGNATURE}
    assert all(item["value"] in case["text"] for case in with_data for item in case["personal"])


@pytest.mark.parametrize("case", _params([case for case in CASES if case["personal"]]))
def test_every_labelled_item_disappears(case):
    masked = mask(case["text"])
    for item in case["personal"]:
        assert item["value"] not in masked
        if item["kind"] == PHONE:  # no group of the number's digits survives beside a placeholder
            assert not set(re.findall(r"\d{4,}", item["value"])) & set(re.findall(r"\d+", masked)), masked


@pytest.mark.parametrize("case", _params([case for case in CASES if not case["personal"]]))
def test_clean_texts_are_unchanged(case):
    assert find(case["text"]) == []
    assert mask(case["text"]) == case["text"]


@pytest.mark.parametrize("number", [
    "0812-3456-7890", "+62 812 3456 7890", "6281234567890", "+6281234567890", "(021) 5551234", "021-555-1234",
    "0812 3456 7890", "0812.3456.7890", "081234567890", "+62 21 2912 3456", "(0251) 8312345", "0896-1234-5678",
])
def test_phone_numbers_in_their_written_forms(number):
    text = f"hubungi {number} ya"
    assert find(text) == [Span(8, 8 + len(number), PHONE)]
    assert mask(text) == f"hubungi {PHONE_PLACEHOLDER} ya"


def test_a_number_glued_to_its_label_and_a_second_line_after_a_slash():
    assert mask("hp081234567890, kantor (021) 5551234/5551235.") == (
        f"hp{PHONE_PLACEHOLDER}, kantor {PHONE_PLACEHOLDER}.")


@pytest.mark.parametrize("address", [
    "budi.santoso@gmail.com", "andi+pantau@gmail.com", "r.hidayat@kemenkeu.go.id", "Dewi.Lestari@Gmail.COM",
    "budi_s-2024@mail.ui.ac.id", "budi081234567890@yahoo.co.id",
])
def test_email_addresses(address):
    text = f"email: {address}."
    assert find(text) == [Span(7, 7 + len(address), EMAIL)]  # digits inside are the address's, not a phone
    assert mask(text) == f"email: {EMAIL_PLACEHOLDER}."


@pytest.mark.parametrize("number", [
    "3171012345670001", "3171 0123 4567 0001", "3171-0123-4567-0001", "3171.0123.4567.0001",
    "317101 120590 0001", "31.71.01.120590.0001",
])
def test_nik_and_kk_numbers(number):
    assert mask(f"NIK {number}, KK juga") == f"NIK {NIK_PLACEHOLDER}, KK juga"


@pytest.mark.parametrize("text", [
    "NIP 198503152010011002 petugasnya",  # 18 digits: not a NIK
    "ID pelanggan 317101234567000",  # 15
    "3171 0123 4567 00012",  # a fifth group is longer than a NIK
])
def test_numbers_of_other_lengths_are_no_nik(text):
    assert [span.kind for span in find(text)] != [NIK]


LETTER = ("Yth. Dinas Bina Marga,\nJalan di depan SDN 05 berlubang.\nMohon segera diperbaiki.\n\n"
          "Hormat saya,\n\nAgus Setiawan\nJl. Cipete Raya No. 17\n0812-9988-7766\n")


def test_the_signature_after_a_closing_is_masked_whole():
    assert mask(LETTER) == ("Yth. Dinas Bina Marga,\nJalan di depan SDN 05 berlubang.\nMohon segera diperbaiki.\n\n"
                            f"Hormat saya,\n\n{SIGNATURE_PLACEHOLDER}\n")
    assert [span.kind for span in find(LETTER)] == [SIGNATURE]  # the number inside is the signature's


@pytest.mark.parametrize("closing", ["Terima kasih,", "Terimakasih.", "Terima kasih atas perhatiannya.", "Salam,",
                                     "Salam hormat,", "Wassalam,", "Wassalamualaikum Wr. Wb.", "Hormat kami,",
                                     "Terima kasih 🙏", "Best regards,"])
def test_each_closing_opens_a_signature(closing):
    assert mask(f"Lampu PJU mati.\n{closing}\nSri Wahyuni") == f"Lampu PJU mati.\n{closing}\n{SIGNATURE_PLACEHOLDER}"


@pytest.mark.parametrize("text", [
    "Salam min,\ngot mampet di Jl. Bangka Raya",  # a greeting opens the text
    "Yth. Admin,\nSalam hormat,\nJalan di depan SDN 05 berlubang, sudah 4 motor jatuh.",  # greets, after a line
    "Pagi min,\nTerima kasih sudah memperbaiki lampu kemarin\nTapi gang sebelah masih gelap.",  # thanks go on
    "Mohon trotoar diperbaiki.\n\nTerima kasih.",  # nothing after the closing
    "Lapor.\nSalam\n" + "\n".join(f"RT {rt:02d}: {rt + 2} karung" for rt in range(1, 9)),  # too long for a signature
])
def test_no_signature_without_a_short_block_after_a_closing(text):
    assert mask(text) == text


@pytest.mark.parametrize("text", [
    "RT 05/RW 03 no. 12A", "jam 07.30 sampai 09.00", "Rp 150.000 per motor", "Rp 1.500.000,-", "JKT-241105-7K3QZ",
    "KM 12+400", "B 1234 XYZ", "3 hari", "tgl 03-11-2024", "pukul 06.10-07.50", "04-02-2024 01:31", "kode pos 12950",
    "call center 1500-888", "tiang PJU 0123456", "-6.2088, 106.8456",
])
def test_ordinary_complaint_numbers_stay(text):
    assert mask(text) == text


def test_spans_are_ordered_apart_and_name_what_they_cover():
    text = "NIK 3171012345670001, email a.b@c.id, hp 0812-3456-7890"
    spans = find(text)
    assert [(text[span.start:span.end], span.kind) for span in spans] == [
        ("3171012345670001", NIK), ("a.b@c.id", EMAIL), ("0812-3456-7890", PHONE)]
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))


def test_masking_twice_changes_nothing_more():
    assert all(mask(mask(case["text"])) == mask(case["text"]) for case in CASES)


@pytest.mark.parametrize(("recipient", "shown"), [
    ("6281234567890", "•••890"), ("+62 812-0000-1111", "•••111"), ("sri.wahyuni@example.co.id", "…@example.co.id"),
    ("1866112233445566", "•••566"), ("62", "•••"),
])
def test_a_masked_contact_keeps_only_the_domain_or_the_last_three(recipient, shown):
    assert masked_contact(recipient) == shown
