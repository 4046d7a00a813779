"""POST /api/v1/channels/<channel> and the dead-letter store, through Flask's test client.

Bad input of every kind gets a clear 4xx, is kept as a dead letter operators can read and
replay, and the server goes on serving; a retried delivery creates nothing new.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select

from app import Pantau, create_app
from ingest.channels.base import MAX_BODY_BYTES
from settings import Settings
from store.models import AuditRow, ComplaintRow, DeadLetterRow

CHANNEL_DATA = Path(__file__).resolve().parents[1] / "data" / "channels"
FORM = "application/x-www-form-urlencoded"
SMS = (b"message_id=SMSC-1&sender=6281234567890&timestamp=2026-11-27+08%3A15%3A02"
       b"&message=Sampah+numpuk+di+Kel.+Gambir+sdh+3+hari+bau+bgt")
SECRET = "fb-app-secret-for-tests"


def make(engine: Engine, locator, **settings: Any) -> Pantau:
    return create_app(Settings(database_url=engine.url.render_as_string(hide_password=False), **settings),
                      locator=locator)


@pytest.fixture
def pantau(engine: Engine, locator) -> Pantau:
    return make(engine, locator)


def deliver(client, key: str | None, channel: str, body: bytes, content_type: str, **headers: str):
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return client.post(f"/api/v1/channels/{channel}", data=body, content_type=content_type, headers=headers)


def count(pantau: Pantau, model) -> int:
    with pantau.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def stored_external_id(pantau: Pantau, complaint_id: int) -> str:
    with pantau.sessions() as session:
        return session.scalar(select(ComplaintRow.external_id).where(ComplaintRow.id == complaint_id))


def test_an_sms_becomes_a_classified_located_complaint(client, key, pantau):
    response = deliver(client, key, "sms", SMS, FORM)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["created"] == 1
    complaint = body["complaints"][0]
    assert complaint["channel"] == "sms" and "external_id" not in complaint  # the channel's id is not public
    assert stored_external_id(pantau, complaint["id"]) == "SMSC-1"
    assert complaint["category"] == "sampah" and complaint["category_confidence"] >= 0.5
    assert complaint["kelurahan"] == "Gambir" and complaint["location_precision"] == "kelurahan"
    assert "6281234567890" not in response.get_data(as_text=True)


def test_a_retried_delivery_creates_nothing_new(client, key, pantau):
    first = deliver(client, key, "sms", SMS, FORM).get_json()["complaints"][0]
    again = deliver(client, key, "sms", SMS, FORM)
    assert again.status_code == 200
    assert again.get_json()["complaints"][0]["id"] == first["id"] and again.get_json()["created"] == 0
    assert count(pantau, ComplaintRow) == 1


def test_without_a_key_nothing_is_read_or_kept(client, pantau):
    response = deliver(client, None, "sms", SMS, FORM)
    assert response.status_code == 401 and "pantau keys create" in response.get_json()["error"]
    assert count(pantau, ComplaintRow) == 0 and count(pantau, DeadLetterRow) == 0


@pytest.mark.parametrize(("channel", "body", "content_type", "status", "says"), [
    ("qlue", b'{"report_id": "Q-1", "description": ', "application/json", 400, "JSON"),
    ("sms", SMS, "application/json", 415, "Content-Type"),
    ("telegram", b'{"text": "halo"}', "application/json", 404, "Kanal tidak dikenal"),
    ("sms", b"message_id=SMSC-2&sender=1&timestamp=2026-11-27+08%3A15%3A02&message=" + b"a" * 5001, FORM, 422,
     "Laporan tidak sah"),
    ("kecamatan", json.dumps({"entry_id": "K-1", "desk": "Kec. Tebet", "officer": "Siti", "text": "Jalan rusak",
                              "lat": -96.2, "lon": 106.8, "visited_at": "2026-11-21T09:40:00+07:00"}).encode(),
     "application/json", 422, "Laporan tidak sah"),
])
def test_bad_input_is_refused_clearly_and_kept(client, key, pantau, channel, body, content_type, status, says):
    response = deliver(client, key, channel, body, content_type)
    assert response.status_code == status
    answer = response.get_json()
    assert says in answer["error"]
    letter = client.get(f"/api/v1/dead-letters/{answer['dead_letter_id']}", headers={"Authorization": f"Bearer {key}"})
    assert letter.status_code == 200
    kept = letter.get_json()
    assert (kept["channel"], kept["status"], kept["attempts"]) == (channel, status, 1)
    assert kept["body"].encode() == body
    assert "Authorization" not in kept["headers"] and "authorization" not in kept["headers"]
    assert count(pantau, ComplaintRow) == 0
    assert deliver(client, key, "sms", SMS, FORM).status_code == 201  # and the server goes on serving


def test_a_bad_delivery_retried_is_one_dead_letter_with_more_attempts(client, key, pantau):
    ids = {deliver(client, key, "qlue", b"{nope", "application/json").get_json()["dead_letter_id"] for _ in range(3)}
    assert len(ids) == 1
    listed = client.get("/api/v1/dead-letters", headers={"Authorization": f"Bearer {key}"}).get_json()
    assert [(d["id"], d["attempts"]) for d in listed["dead_letters"]] == [(ids.pop(), 3)]
    assert "body" not in listed["dead_letters"][0]  # the list is an index; a letter is read one by one


def test_an_oversized_delivery_is_refused_and_kept_truncated(client, key, pantau):
    response = deliver(client, key, "qlue", b"x" * (MAX_BODY_BYTES + 10), "application/json")
    assert response.status_code == 413
    letter_id = response.get_json()["dead_letter_id"]
    kept = client.get(f"/api/v1/dead-letters/{letter_id}", headers={"Authorization": f"Bearer {key}"}).get_json()
    assert kept["body_truncated"] and kept["body_bytes"] <= MAX_BODY_BYTES + 1
    replay = client.post(f"/api/v1/dead-letters/{letter_id}/replay", headers={"Authorization": f"Bearer {key}"})
    assert replay.status_code == 409


def test_dead_letters_need_a_key(client, key):
    letter_id = deliver(client, key, "qlue", b"{nope", "application/json").get_json()["dead_letter_id"]
    assert client.get("/api/v1/dead-letters").status_code == 401
    assert client.get(f"/api/v1/dead-letters/{letter_id}").status_code == 401
    assert client.post(f"/api/v1/dead-letters/{letter_id}/replay").status_code == 401


def signed(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_unsigned_facebook_deliveries_are_counted_on_one_letter_without_their_bodies(engine, locator, key):
    """The Facebook door needs no key: anyone can post to it. What is not proven to come from Facebook
    (no secret configured yet, no signature, a wrong one, too large to check) is counted on the
    channel's one letter of unproven deliveries, never stored, so nobody can fill the disk through it.
    Facebook retries a refused webhook, so once the secret is set its delivery is taken in."""
    body = (CHANNEL_DATA / "facebook_feed.json").read_bytes()
    auth = {"Authorization": f"Bearer {key}"}
    unconfigured = make(engine, locator)
    with unconfigured.dash.server.test_client() as client:
        refused = deliver(client, None, "facebook", body, "application/json",
                          **{"X-Hub-Signature-256": signed(body, SECRET)})
        assert refused.status_code == 403 and "PANTAU_FACEBOOK_APP_SECRET" in refused.get_json()["error"]
    configured = make(engine, locator, facebook_app_secret=SECRET)
    with configured.dash.server.test_client() as client:
        answers = [deliver(client, None, "facebook", b'{"object": "page", "n": %d}' % n, "application/json")
                   for n in range(3)]
        answers.append(deliver(client, None, "facebook", body, "application/json",
                               **{"X-Hub-Signature-256": signed(body, "another secret")}))
        answers.append(deliver(client, None, "facebook", b"x" * (MAX_BODY_BYTES + 10), "application/json",
                               **{"X-Hub-Signature-256": signed(body, SECRET)}))
        assert [a.status_code for a in answers] == [403, 403, 403, 403, 413]
        assert {a.get_json()["dead_letter_id"] for a in answers} == {refused.get_json()["dead_letter_id"]}
        kept = client.get(f"/api/v1/dead-letters/{refused.get_json()['dead_letter_id']}", headers=auth).get_json()
        assert (kept["attempts"], kept["body_bytes"], kept["body_truncated"]) == (6, 0, True)
        replay = client.post(f"/api/v1/dead-letters/{kept['id']}/replay", headers=auth)
        assert replay.status_code == 409 and "tidak disimpan utuh" in replay.get_json()["error"]
        with configured.sessions() as session:
            assert session.scalar(select(func.max(func.length(DeadLetterRow.body)))) == 0
        retried = deliver(client, None, "facebook", body, "application/json",
                          **{"X-Hub-Signature-256": signed(body, SECRET)})
        assert retried.status_code == 201 and retried.get_json()["complaints"][0]["channel"] == "facebook"
        bad = deliver(client, None, "facebook", b"{nope", "application/json",
                      **{"X-Hub-Signature-256": signed(b"{nope", SECRET)})
        shown = client.get(f"/api/v1/dead-letters/{bad.get_json()['dead_letter_id']}", headers=auth).get_json()
        assert bad.status_code == 400 and shown["body"] == "{nope"  # signed by Facebook, yet unreadable: kept


def visitor_posts(count: int) -> bytes:
    """A page webhook batching `count` visitor posts, one entry each, as Facebook batches them."""
    page = "114938226519304"
    return json.dumps({"object": "page", "entry": [
        {"id": page, "time": 1795733051, "changes": [{"field": "feed", "value": {
            "from": {"id": f"77124093855{n:05d}", "name": "Dewi Lestari"}, "item": "status", "verb": "add",
            "post_id": f"{page}_1061823742{n:06d}", "created_time": 1795733049,
            "message": f"Got mampet di Jl. Cempaka Putih Tengah XIII no. {n}"}}]}
        for n in range(count)]}).encode()


def test_a_delivery_of_many_entries_is_one_transaction_and_its_retry_creates_nothing(engine, locator):
    pantau = make(engine, locator, facebook_app_secret=SECRET)
    commits: list[object] = []
    app_engine = pantau.sessions.kw["bind"]
    event.listen(app_engine, "commit", commits.append)
    body = visitor_posts(5)
    signature = {"X-Hub-Signature-256": signed(body, SECRET)}
    with pantau.dash.server.test_client() as client:
        first = deliver(client, None, "facebook", body, "application/json", **signature)
        assert first.status_code == 201 and first.get_json()["created"] == 5, first.get_json()
        assert len(commits) == 1  # not one per entry
        again = deliver(client, None, "facebook", body, "application/json", **signature)
    assert again.status_code == 200 and again.get_json()["created"] == 0
    assert [c["id"] for c in again.get_json()["complaints"]] == [c["id"] for c in first.get_json()["complaints"]]
    assert len(commits) == 2 and count(pantau, ComplaintRow) == 5


def test_facebook_webhook_handshake(engine, locator):
    with make(engine, locator, facebook_verify_token="tok").dash.server.test_client() as client:
        ok = client.get("/api/v1/channels/facebook?hub.mode=subscribe&hub.verify_token=tok&hub.challenge=123")
        assert (ok.status_code, ok.get_data(as_text=True)) == (200, "123")
        assert client.get("/api/v1/channels/facebook?hub.mode=subscribe&hub.verify_token=no&hub.challenge=1"
                          ).status_code == 403
        assert client.get("/api/v1/channels/sms").status_code == 405


def test_a_walk_in_entry_outside_its_desk_window_is_accepted_and_flagged(client, key):
    entry = json.loads((CHANNEL_DATA / "walk_in_kecamatan.json").read_text())
    tuesday = entry | {"entry_id": "KEC-TEBET-TUE", "visited_at": "2026-11-24T10:00:00+07:00"}
    saturday = entry | {"entry_id": "KEC-TEBET-SAT", "visited_at": "2026-11-21T09:40:00+07:00"}
    flagged = [deliver(client, key, "kecamatan", json.dumps(e).encode(), "application/json").get_json()
               for e in (tuesday, saturday)]
    assert [f["complaints"][0]["outside_desk_hours"] for f in flagged] == [True, False]
    assert flagged[0]["complaints"][0]["desk"] == entry["desk"]
    assert entry["visitor"]["contact"] not in json.dumps(flagged)
