"""POST /api/v1/dead-letters/<id>/dismiss, through Flask's test client on SQLite and PostGIS: a dismissed
letter is kept (body, attempts, the refusal's status), leaves the pending list, and says who dismissed
it and when from its audit row; the doors are replay's (a key with the channel's dead-letter scope, or
an operator's or the governor's sign-in as JSON, or token); a letter replayed or dismissed already is a
409, an unknown one a 404; the same body delivered again is pending again, and a replay ends a dismissal."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from store import dead_letters
from store.models import AuditRow, ComplaintRow, DeadLetterRow
from tests.followup.helpers import sign_in
from tests.ingest.test_channel_api import FORM, SMS
from tests.ingest.test_key_scopes import QLUE, bearer, count, kept, letters, make_key, make_people


def dismiss(client, letter_id: int, headers: dict[str, str] | None = None, **kwargs):
    return client.post(f"/api/v1/dead-letters/{letter_id}/dismiss", headers=headers or {}, **kwargs)


def audits(pantau, action: str) -> list[AuditRow]:
    with pantau.sessions() as session:
        return list(session.scalars(select(AuditRow).where(AuditRow.action == action)))


def test_a_dismissed_letter_is_kept_audited_and_leaves_the_pending_list(client, pantau):
    reader = bearer(make_key(pantau, "pemeliharaan", "dead_letters"))
    sms, qlue = kept(pantau, "sms", SMS), kept(pantau, "qlue", QLUE)
    answer = dismiss(client, sms, reader)
    assert answer.status_code == 200
    shown = answer.get_json()
    assert (shown["id"], shown["dismissed_by"], shown["status"], shown["attempts"]) == (sms, "kunci:pemeliharaan",
                                                                                         400, 1)
    [audit] = audits(pantau, "dead_letter.dismiss")
    assert (audit.actor, audit.target, audit.detail["channel"]) == ("kunci:pemeliharaan", str(sms), "sms")
    assert datetime.fromisoformat(shown["dismissed_at"]) == audit.at

    assert [d["id"] for d in letters(client, reader, "").get_json()["dead_letters"]] == [qlue]
    every = {d["id"]: d for d in letters(client, reader).get_json()["dead_letters"]}
    assert every[sms]["dismissed_by"] == "kunci:pemeliharaan" and every[qlue]["dismissed_at"] is None
    whole = client.get(f"/api/v1/dead-letters/{sms}", headers=reader).get_json()
    assert whole["body"].encode() == SMS and whole["status"] == 400 and whole["dismissed_at"] == shown["dismissed_at"]
    with pantau.sessions() as session:
        assert dead_letters.pending_by_channel(session) == {"qlue": 1}

    again = dismiss(client, sms, reader)
    assert again.status_code == 409 and again.get_json()["error"] == f"Surat mati {sms} sudah diputar ulang atau diabaikan."
    assert client.post(f"/api/v1/dead-letters/{qlue}/replay", headers=reader).status_code == 201
    replayed = dismiss(client, qlue, reader)
    assert replayed.status_code == 409 and "sudah diputar ulang" in replayed.get_json()["error"]
    missing = dismiss(client, 999999, reader)
    assert missing.status_code == 404 and missing.get_json()["error"] == "Surat mati 999999 tidak ditemukan."
    assert len(audits(pantau, "dead_letter.dismiss")) == 1 and count(pantau, DeadLetterRow) == 2


def test_dismissing_takes_the_same_doors_as_replaying(client, pantau):
    sms = kept(pantau, "sms", SMS)
    assert dismiss(client, sms).status_code == 401
    channel_key = bearer(make_key(pantau, "qlue-gateway", "channel:qlue"))
    assert dismiss(client, sms, channel_key).status_code == 403
    qlue_letters = dismiss(client, sms, bearer(make_key(pantau, "qlue-vendor", "dead_letters:qlue")))
    assert qlue_letters.status_code == 403 and "dead_letters:sms" in qlue_letters.get_json()["error"]
    tokens = make_people(pantau, ("gubernur", "governor", None), ("operator1", "operator", None),
                         ("staf", "skpd_staff", "BINAMARGA-JP"))
    refused = dismiss(client, sms, bearer(tokens["staf"]))
    assert refused.status_code == 403 and "staf (skpd_staff) tidak berwenang" in refused.get_json()["error"]
    assert audits(pantau, "dead_letter.dismiss") == []

    assert sign_in(client, "operator1").status_code == 302
    form_post = dismiss(client, sms)  # what a forged cross-site form could send
    assert form_post.status_code == 415 and "application/json" in form_post.get_json()["error"]
    assert dismiss(client, sms, json={}).get_json()["dismissed_by"] == "operator1"
    qlue = kept(pantau, "qlue", QLUE)
    assert dismiss(client, qlue, bearer(tokens["gubernur"])).get_json()["dismissed_by"] == "gubernur"
    assert [a.actor for a in audits(pantau, "dead_letter.dismiss")] == ["operator1", "gubernur"]


def test_the_same_body_again_after_a_dismissal_is_pending_again(client, pantau, key):
    reader = bearer(key)
    first = client.post("/api/v1/channels/sms", data=b"message=tanpa+pengirim", content_type=FORM, headers=reader)
    letter_id = first.get_json()["dead_letter_id"]
    assert dismiss(client, letter_id, reader).status_code == 200
    again = client.post("/api/v1/channels/sms", data=b"message=tanpa+pengirim", content_type=FORM, headers=reader)
    assert again.get_json()["dead_letter_id"] == letter_id
    shown = client.get(f"/api/v1/dead-letters/{letter_id}", headers=reader).get_json()
    assert (shown["attempts"], shown["status"], shown["dismissed_at"]) == (2, first.status_code, None)
    assert [d["id"] for d in letters(client, reader, "").get_json()["dead_letters"]] == [letter_id]
    assert len(audits(pantau, "dead_letter.dismiss")) == 1  # the dismissal stays on record


def test_a_replay_ends_a_dismissal(client, pantau):
    reader = bearer(make_key(pantau, "pemeliharaan", "dead_letters"))
    qlue = kept(pantau, "qlue", QLUE)
    assert dismiss(client, qlue, reader).status_code == 200
    assert client.post(f"/api/v1/dead-letters/{qlue}/replay", headers=reader).status_code == 201
    shown = client.get(f"/api/v1/dead-letters/{qlue}", headers=reader).get_json()
    assert shown["replayed_at"] and shown["dismissed_at"] is None and shown["status"] == 400
    assert count(pantau, ComplaintRow) == 1
