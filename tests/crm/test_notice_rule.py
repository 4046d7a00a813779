"""The citizen loop's rule on its own: which changes a reporter hears of, where, and in what words."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from crm.complaint import Complaint, ComplaintEvent, Status, received_event
from crm.corrections import MERGED as MERGED_KIND
from crm.corrections import NOT_A_COMPLAINT
from crm.lifecycle import advance, reopen
from crm.notices import (
    DEFAULT_TEMPLATES,
    ESTIMASI,
    MERGED,
    PROSES,
    RECEIPT,
    SELESAI,
    SMS_LENGTH,
    Address,
    BadTemplates,
    NoticeRule,
    Templates,
    address,
    kind_of,
    sms_parts,
)
from crm.sla import SlaClock
from crm.transitions import TransitionRequest

AT = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # 22:00 WIB: a flooded street at night
SLA = SlaClock.default()
RULE = NoticeRule.default("https://pantau.jakarta.go.id/")


def new(**fields) -> Complaint:
    values = dict(ticket="JKT-261127-7K2QF", channel="sms", external_id="SMSC-1", received_at=AT,
                  text="Banjir selutut di Jl. Kramat Raya, tolong", category="banjir", lon=106.84, lat=-6.18,
                  jurisdiction=None, skpd="SDA", reporter_contact="6281234567890", reporter_name="Sri Wahyuni",
                  tracking_code="ABCDEFGHJK", history=[received_event(AT)], id=41)
    return Complaint(**(values | fields))


def step(complaint: Complaint, to: Status, hours: float, **fields) -> Complaint:
    return advance(complaint, TransitionRequest(to, actor="petugas", at=AT + timedelta(hours=hours), **fields), SLA)


def through_selesai() -> list[Complaint]:
    """Received, Proses, Estimasi Waktu Selesai, Menunggu Validasi, TL Ditolak, Proses, Menunggu Validasi, Selesai."""
    chain = [new()]
    for to, hours, fields in [
        (Status.PROSES, 1, {}), (Status.ESTIMASI_WAKTU_SELESAI, 2, {"ews": date(2026, 12, 3)}),
        (Status.MENUNGGU_VALIDASI, 3, {"note": "sudah dipompa", "evidence": ("a" * 64,)}),
        (Status.TL_DITOLAK, 4, {"note": "foto lama"}), (Status.PROSES, 5, {}),
        (Status.MENUNGGU_VALIDASI, 6, {"note": "sudah dipompa", "evidence": ("b" * 64,)}), (Status.SELESAI, 7, {}),
    ]:
        chain.append(step(chain[-1], to, hours, **fields))
    return chain


def test_a_reporter_hears_of_receipt_proses_the_estimate_and_selesai_but_not_internal_steps():
    chain = through_selesai()
    kinds = [kind_of(None, chain[0])] + [kind_of(a, b) for a, b in zip(chain, chain[1:])]
    assert kinds == [RECEIPT, PROSES, ESTIMASI, None, None, None, None, SELESAI]  # TL Ditolak and its redo: internal


def test_hand_overs_reopenings_and_no_change_are_not_news():
    received = new()
    moved = step(received, Status.KOORDINASI, 1, to_skpd="BINAMARGA", note="bukan wewenang")
    assert kind_of(received, moved) is None and kind_of(moved, moved) is None
    assert kind_of(moved, step(moved, Status.PROSES, 2)) == PROSES  # the first Proses, after a hand-over
    done = through_selesai()[-1]
    assert kind_of(done, reopen(done, at=AT + timedelta(days=1), reason="masih banjir", sla=SLA)) is None


def test_set_aside_complaints_hear_only_of_a_merge():
    received = new()
    event = ComplaintEvent(NOT_A_COMPLAINT, AT + timedelta(hours=1), Status.SELESAI, "opa", "Bukan pengaduan (salam)")
    spam = replace(received, status=Status.SELESAI, history=[*received.history, event])
    merged = replace(spam, duplicate_of=7, history=[*received.history, replace(event, kind=MERGED_KIND)])
    assert kind_of(received, spam) is None
    assert kind_of(received, merged) == MERGED
    [notice] = RULE.notices(received, merged, ticket_of={7: "JKT-261127-ROOT1"}.get)
    assert "JKT-261127-ROOT1" in notice.text and "tiket=JKT-261127-ROOT1" in notice.text
    assert len(notice.text) <= SMS_LENGTH


def test_the_receipt_carries_the_ticket_and_the_private_link_and_nothing_personal():
    [notice] = RULE.notices(None, new())
    assert notice.kind == RECEIPT and notice.address == Address("sms", "6281234567890")
    assert "JKT-261127-7K2QF" in notice.text
    assert "https://pantau.jakarta.go.id/lacak?tiket=JKT-261127-7K2QF&kode=ABCDEFGHJK" in notice.text
    assert "Sri" not in notice.text and "6281234567890" not in notice.text and "Kramat" not in notice.text
    assert notice.subject == "Pengaduan JKT-261127-7K2QF"
    assert notice.key == "pantau-41-1-diterima" and notice.secret == "ABCDEFGHJK"


def test_later_notices_carry_the_public_link_only_and_the_estimate_its_wib_date():
    chain = through_selesai()
    [estimate] = RULE.notices(chain[1], chain[2])
    assert "03-12-2026" in estimate.text and "kode=" not in estimate.text and "ABCDEFGHJK" not in estimate.text
    assert estimate.secret is None
    [done] = RULE.notices(chain[-2], chain[-1])
    assert done.kind == SELESAI and done.text.endswith("/lacak?tiket=JKT-261127-7K2QF")
    assert len({n.key for c in (chain[1:3], chain[-2:]) for n in RULE.notices(*c)}) == 2


@pytest.mark.parametrize(("channel", "contact", "external_id", "expected"), [
    ("email", "sri@example.co.id", "<CAH7x1@mail.example.co.id>",
     Address("email", "sri@example.co.id", "<CAH7x1@mail.example.co.id>")),
    ("email", "sri@example.co.id", "sha256:ab12", Address("email", "sri@example.co.id")),  # no Message-ID to answer
    ("sms", "6281234567890", "SMSC-1", Address("sms", "6281234567890")),
    ("twitter", "@sriw", "1862000000000000001", Address("twitter", "@sriw", "1862000000000000001")),
    ("kelurahan", "0812-3456-7890", "desk-1", Address("sms", "6281234567890")),
    ("open311", "sri@example.co.id; 081234567890", "o-1", Address("email", "sri@example.co.id")),
    ("website", "+62 812 3456 7890", "w-1", Address("sms", "6281234567890")),
    ("kecamatan", None, "desk-2", None),  # a visitor who left no contact: a printable slip, later
    ("kecamatan", "rumah no. 12", "desk-3", None),
])
def test_notices_go_back_on_the_channel_used_or_to_the_contact_left(channel, contact, external_id, expected):
    assert address(new(channel=channel, reporter_contact=contact, external_id=external_id)) == expected


def test_no_address_means_no_notice():
    assert RULE.notices(None, new(channel="pendopo", reporter_contact=None)) == []


def test_long_texts_are_split_into_numbered_sms_of_160_characters():
    text = "Pantau: " + " ".join(f"kata{i:03d}" for i in range(60)) + " https://pantau.jakarta.go.id/" + "x" * 200
    parts = sms_parts(text)
    assert len(parts) > 2 and all(len(p) <= SMS_LENGTH for p in parts)
    assert parts[0].startswith(f"(1/{len(parts)}) ") and parts[-1].startswith(f"({len(parts)}/{len(parts)}) ")
    assert "".join(p.split(") ", 1)[1] for p in parts).replace(" ", "") == text.replace(" ", "")
    assert sms_parts("pendek") == ["pendek"]


def test_the_shipped_texts_fit_one_sms_with_a_real_public_address():
    for before, after in [(None, new()), *zip(through_selesai(), through_selesai()[1:])]:
        for notice in RULE.notices(before, after):
            assert len(notice.text) <= SMS_LENGTH, notice.text


def test_officials_edit_the_texts_in_a_file_and_a_wrong_placeholder_is_refused(tmp_path: Path):
    edited = tmp_path / "notices.toml"
    edited.write_text(DEFAULT_TEMPLATES.read_text(encoding="utf-8").replace(
        "Pantau: laporan Anda diterima", "Halo! Laporan Anda kami terima"), encoding="utf-8")
    [notice] = NoticeRule(Templates.load(edited), "https://x").notices(None, new())
    assert notice.text.startswith("Halo! Laporan Anda kami terima, tiket JKT-261127-7K2QF")
    edited.write_text(DEFAULT_TEMPLATES.read_text(encoding="utf-8").replace("{tiket}.", "{nama_pelapor}."),
                      encoding="utf-8")
    with pytest.raises(BadTemplates, match="nama_pelapor"):
        Templates.load(edited)
    edited.write_text('subjek = "x"\n', encoding="utf-8")
    with pytest.raises(BadTemplates, match="diterima"):
        Templates.load(edited)


@pytest.mark.parametrize(("channel", "external_id", "contact", "private"), [
    ("twitter", "1862000000000000001", "@sriw", False),
    ("facebook", "1061823742771935_882310457716122", "facebook:77", False),  # a comment: everyone reads it
    ("facebook", "m_Qk1v7oJc2ZzK3F0aXh0Zl9pZA", "facebook:69", True),  # Messenger: only the reporter
    ("lapor", "3891234", None, False),
    ("qlue", "9812345", "081234567890", False),
    ("sms", "SMSC-1", "6281234567890", True),
])
def test_a_receipt_others_can_read_never_carries_the_tracking_code(channel, external_id, contact, private):
    [receipt] = RULE.notices(None, new(channel=channel, external_id=external_id, reporter_contact=contact))
    assert "JKT-261127-7K2QF" in receipt.text and ("ABCDEFGHJK" in receipt.text) is private
    assert (receipt.secret == "ABCDEFGHJK") is private and len(receipt.text) <= SMS_LENGTH


def test_a_public_receipt_template_with_the_code_is_refused(tmp_path: Path):
    edited = tmp_path / "notices.toml"
    edited.write_text(DEFAULT_TEMPLATES.read_text(encoding="utf-8").replace(
        'diterima_publik = "Pantau: laporan Anda diterima, tiket {tiket}.',
        'diterima_publik = "Pantau: laporan Anda diterima, tiket {tiket}, kode {kode}.'), encoding="utf-8")
    with pytest.raises(BadTemplates, match="diterima_publik.*kode"):
        Templates.load(edited)


def test_a_closing_asks_for_an_answer_only_where_an_sms_or_email_answer_comes_back():
    chain = through_selesai()
    for channel, external_id, contact, private in [("twitter", "1862000000000000001", "@sriw", False),
                                                   ("facebook", "m_Qk1v7oJc2ZzK3F0aXh0Zl9pZA", "facebook:69", False),
                                                   ("sms", "SMSC-1", "6281234567890", True)]:
        before, after = (replace(c, channel=channel, external_id=external_id, reporter_contact=contact)
                         for c in chain[-2:])
        [closing] = RULE.notices(before, after)
        assert closing.kind == "selesai" and "JKT-261127-7K2QF" in closing.text
        assert ("Balas 1-5" in closing.text) is private and "/lacak?tiket=JKT-261127-7K2QF" in closing.text
