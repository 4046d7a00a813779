"""The citizen's verdict end to end on SQLite and PostGIS (the `engine` fixture): a rating and a
"belum" by the secret of the Selesai notice (POST /api/v1/verdict/<secret>), and by the reporter's
own SMS and email replies through the real channel doors; the ranking's stints carry the rating."""
from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from crm.notices import NoticeRule
from crm.scopes import SCOPES
from crm.verdict import secret_of
from store import api_keys, complaints, notices
from store.models import CitizenReplyRow, ComplaintRow, StintRow
from tests.followup.helpers import MONAS, PHOTO, audited, count, step

PHONE = "6281299990000"
MAIL = "sri.wahyuni@example.co.id"


@pytest.fixture
def gateway(pantau) -> str:
    with pantau.sessions.begin() as session:
        return api_keys.create(session, name="verdict-gateway", scopes=SCOPES)


def closed(pantau, client, gateway: str, tokens: dict[str, str], **report: Any) -> dict[str, Any]:
    """A road complaint at Monas taken to Selesai by BINAMARGA-JP, its notices marked sent."""
    body = {"external_id": f"v-{uuid.uuid4().hex}", "text": "Jalan berlubang dalam", "category": "jalan", **MONAS,
            **report}
    answer = client.post("/api/v1/reports", json=body, headers={"Authorization": f"Bearer {gateway}"})
    assert answer.status_code == 201, answer.get_json()
    complaint = answer.get_json()
    for to, extra in (("Proses", {}), ("Menunggu Validasi", {"evidence": [PHOTO]}), ("Selesai", {})):
        assert step(client, tokens["gubernur"], complaint["id"], to=to, note="ditambal", **extra).status_code == 200
    with pantau.sessions.begin() as session:
        for sent in notices.of_complaint(session, complaint_id=complaint["id"]):
            notices.mark_sent(session, notice_id=sent.id, at=sent.created_at)
    return complaint


def stored(pantau, complaint_id: int):
    with pantau.sessions() as session:
        return complaints.get(session, complaint_id=complaint_id)


def complaint_external(pantau, complaint: dict[str, Any]) -> str:
    return stored(pantau, complaint["id"]).external_id


def rated_stint(pantau, complaint_id: int) -> tuple[int, float]:
    with pantau.sessions() as session:
        rows = session.execute(select(StintRow.ratings, StintRow.rating_points)
                               .where(StintRow.complaint_id == complaint_id)).all()
    return max((tuple(row) for row in rows), key=lambda r: r[0])


def sms(client, gateway: str, text: str, *, message_id: str | None = None, sender: str = PHONE):
    form = {"message_id": message_id or f"SMSC-{uuid.uuid4().hex}", "sender": sender, "message": text,
            "timestamp": "2026-12-08 08:15:02"}
    return client.post("/api/v1/channels/sms", data=form, headers={"Authorization": f"Bearer {gateway}"})


def test_the_selesai_notice_asks_for_the_verdict_by_the_reporters_secret(pantau, client, gateway, tokens):
    complaint = closed(pantau, client, gateway, tokens, channel="sms", reporter_contact=PHONE)
    with pantau.sessions() as session:
        selesai = [n for n in notices.of_complaint(session, complaint_id=complaint["id"]) if n.kind == "selesai"]
    secret = secret_of(stored(pantau, complaint["id"]))
    assert len(selesai) == 1 and len(selesai[0].text) <= 160
    assert "Balas 1-5" in selesai[0].text and "BELUM" in selesai[0].text
    assert secret not in selesai[0].text and "[kode disembunyikan]" in selesai[0].text  # blanked once sent
    assert complaint["ticket"] in secret and secret != complaint["ticket"]
    assert NoticeRule.default().verdict_link(stored(pantau, complaint["id"])).endswith(f"/lacak/{secret}")


def test_rating_by_secret_replaces_and_belum_reopens(pantau, client, gateway, tokens):
    complaint = closed(pantau, client, gateway, tokens, channel="sms", reporter_contact=PHONE)
    secret = secret_of(stored(pantau, complaint["id"]))
    for bad in ({"rating": 0}, {"rating": 6}, {"rating": "lima"}, {"rating": True}, {}, {"rating": 2.5}):
        assert client.post(f"/api/v1/verdict/{secret}", json=bad).status_code == 422
    assert client.post("/api/v1/verdict/" + complaint["ticket"], json={"rating": 5}).status_code == 404
    assert client.post(f"/api/v1/verdict/{complaint['ticket']}.AAAAAAAAAAAAAAAA", json={"rating": 5}).status_code == 404
    garbled = client.post(f"/api/v1/verdict/{secret}", data=b"\x00\xff", content_type="application/json")
    assert garbled.status_code == 422
    assert client.post(f"/api/v1/verdict/{secret}", json={"belum": 5}).status_code == 422
    assert client.post(f"/api/v1/verdict/{secret}", json={"belum": "x\x00"}).status_code == 422
    assert client.post(f"/api/v1/verdict/{secret}", json={"rating": 2}).status_code == 200
    assert rated_stint(pantau, complaint["id"]) == (1, 0.25)
    answer = client.post(f"/api/v1/verdict/{secret.lower()}", json={"rating": 5})
    assert answer.status_code == 200 and answer.get_json()["status"] == "Selesai"
    assert rated_stint(pantau, complaint["id"]) == (1, 1.0)  # the second replaces the first
    rates = audited(pantau, "complaint.rate")
    assert [(a.detail["rating"], a.detail["replaced"]) for a in rates] == [(2, None), (5, 2)]
    reopened = client.post(f"/api/v1/verdict/{secret}", json={"belum": "Masih berlubang"})
    assert reopened.status_code == 200 and reopened.get_json()["status"] == "Proses"
    assert rated_stint(pantau, complaint["id"]) == (0, 0.0)  # the closure it judged did not hold
    assert audited(pantau, "complaint.reopen")[-1].detail["via"] == "tautan"
    assert client.post(f"/api/v1/verdict/{secret}", json={"rating": 4}).status_code == 409


def test_the_evidence_photo_is_the_reporters_alone(pantau, client, gateway, tokens):
    complaint = closed(pantau, client, gateway, tokens, channel="sms", reporter_contact=PHONE)
    secret = secret_of(stored(pantau, complaint["id"]))
    photo = client.get(f"/api/v1/verdict/{secret}/evidence/0")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert photo.headers["Cache-Control"] == "private, no-store" and photo.data.startswith(b"\xff\xd8\xff")
    assert client.get(f"/api/v1/verdict/{secret}/evidence/1").status_code == 404
    assert client.get(f"/api/v1/verdict/{complaint['ticket']}/evidence/0").status_code == 404
    assert client.get(f"/api/v1/complaints/{complaint['id']}/evidence/0").status_code == 401  # still not public


def test_the_page_door_is_throttled_like_reopening(pantau, client, gateway, tokens):
    complaint = closed(pantau, client, gateway, tokens, channel="sms", reporter_contact=PHONE)
    wrong = f"{complaint['ticket']}.AAAAAAAAAAAAAAAA"
    codes = [client.post(f"/api/v1/verdict/{wrong}", json={"rating": 3}).status_code for _ in range(6)]
    assert codes == [404] * 5 + [429]


def test_sms_answers_from_the_reporters_number_rate_reopen_and_comment(pantau, client, gateway, tokens):
    complaint = closed(pantau, client, gateway, tokens, channel="sms", reporter_contact=PHONE)
    before = count(pantau, ComplaintRow)
    answer = sms(client, gateway, " 4 ", message_id="SMSC-ANSWER-1")
    assert answer.status_code == 200 and answer.get_json()["created"] == 0
    assert answer.get_json()["complaints"][0]["ticket"] == complaint["ticket"]
    assert sms(client, gateway, " 4 ", message_id="SMSC-ANSWER-1").status_code == 200  # the gateway's retry
    assert [e.kind for e in stored(pantau, complaint["id"]).history].count("dinilai:4") == 1
    assert rated_stint(pantau, complaint["id"]) == (1, 0.75)
    assert sms(client, gateway, "BELUM").status_code == 200
    assert stored(pantau, complaint["id"]).status == "Proses"
    assert sms(client, gateway, "Terima kasih, saya tunggu").status_code == 200
    history = stored(pantau, complaint["id"]).history
    assert history[-1].kind == "tanggapan_warga" and "saya tunggu" in history[-1].note
    tracked = client.get(f"/api/v1/track/{complaint['ticket']}").get_json()
    assert "Tanggapan pelapor: Terima kasih, saya tunggu" in [e["note"] for e in tracked["history"]]
    assert count(pantau, ComplaintRow) == before
    with pantau.sessions() as session:
        kinds = session.scalars(select(CitizenReplyRow.kind).order_by(CitizenReplyRow.id)).all()
    assert kinds == ["nilai", "belum", "tanggapan"]
    again = {"channel": "sms", "external_id": complaint_external(pantau, complaint), "text": "Jalan berlubang dalam",
             "reporter_contact": PHONE}
    retried = client.post("/api/v1/reports", json=again, headers={"Authorization": f"Bearer {gateway}"})
    assert retried.status_code == 200 and retried.get_json()["id"] == complaint["id"]  # the report's own retry
    assert [e.kind for e in stored(pantau, complaint["id"]).history].count("tanggapan_warga") == 1
    other = sms(client, gateway, "Lampu PJU mati di Jl. Kramat Raya", sender="6281200001111")
    assert other.status_code == 201 and count(pantau, ComplaintRow) == before + 1  # a stranger: a new complaint


def reply_mail(*, sender: str, in_reply_to: str, body: str) -> bytes:
    return (f"From: Sri <{sender}>\r\nTo: pengaduan@jakarta.go.id\r\nSubject: Re: Pengaduan\r\n"
            f"Message-ID: <{uuid.uuid4().hex}@mail.example.co.id>\r\nIn-Reply-To: {in_reply_to}\r\n"
            f"References: <asli@mail.example.co.id> {in_reply_to}\r\n"
            "Date: Tue, 08 Dec 2026 09:12:44 +0700\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            f"{body}\r\n").encode()


def test_email_replies_under_a_notice_rate_or_comment_on_the_same_complaint(pantau, client, gateway, tokens):
    complaint = closed(pantau, client, gateway, tokens, channel="email", external_id="<asli@mail.example.co.id>",
                       reporter_contact=MAIL)
    with pantau.sessions() as session:
        selesai = next(n for n in notices.of_complaint(session, complaint_id=complaint["id"]) if n.kind == "selesai")
    thread = f"<{selesai.key}@jakarta.go.id>"
    secret = secret_of(stored(pantau, complaint["id"]))
    post = lambda raw: client.post("/api/v1/channels/email", data=raw, content_type="message/rfc822",  # noqa: E731
                                   headers={"Authorization": f"Bearer {gateway}"})
    before = count(pantau, ComplaintRow)
    rated = post(reply_mail(sender=MAIL.upper(), in_reply_to=thread, body="5\r\n\r\n> Pantau: ... " + secret))
    assert rated.status_code == 200 and rated.get_json()["created"] == 0
    assert rated_stint(pantau, complaint["id"]) == (1, 1.0)
    said = post(reply_mail(sender=MAIL, in_reply_to=thread,
                           body=f"Sudah rapi, terima kasih.\r\nPada Selasa Pantau menulis:\r\n> buka {secret}"))
    assert said.status_code == 200
    last = stored(pantau, complaint["id"]).history[-1]
    assert last.kind == "tanggapan_warga" and last.note == "Tanggapan pelapor: Sudah rapi, terima kasih."
    assert count(pantau, ComplaintRow) == before
    stranger = post(reply_mail(sender="orang.lain@example.com", in_reply_to=thread,
                               body="Saluran mampet di Jl. Salemba"))
    assert stranger.status_code == 201 and count(pantau, ComplaintRow) == before + 1
