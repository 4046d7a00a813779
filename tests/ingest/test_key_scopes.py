"""API keys with scopes (crm/scopes.py), checked in ingest/auth.py, through Flask's test client on
SQLite and PostGIS: a key posts only for its channels by every door, reads dead letters and exports
only when granted, and operators and the governor read and replay dead letters with their own
sign-in or token while other staff are refused. A refused scope is a 403 naming it, never a wrong key.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select, update

from app import Pantau
from ingest.auth import FAILED_KEYS, KEY_CACHE_SECONDS, KeyChecker
from store import api_keys, dead_letters, users
from store.models import ApiKeyRow, AuditRow, ComplaintRow, DeadLetterRow
from tests.followup.helpers import PASSWORD, sign_in
from tests.ingest.test_channel_api import CHANNEL_DATA, SMS, stored_external_id

QLUE = (CHANNEL_DATA / "qlue_report.json").read_bytes()
TWEET = (CHANNEL_DATA / "twitter_tweet_geo.json").read_bytes()
MONAS = {"lon": 106.8272, "lat": -6.1754}
AT = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def make_key(pantau: Pantau, name: str, *scopes: str) -> str:
    with pantau.sessions.begin() as session:
        return api_keys.create(session, name=name, scopes=scopes)


def make_people(pantau: Pantau, *people: tuple[str, str, str | None]) -> dict[str, str]:
    """People (name, role, skpd) who sign in with PASSWORD; their personal tokens by name."""
    with pantau.sessions.begin() as session:
        for name, role, skpd in people:
            users.create(session, name=name, role=role, skpd=skpd, area=None, password=PASSWORD)
        return {name: users.issue_token(session, name=name) for name, _, _ in people}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def report(channel: str, external_id: str) -> dict[str, Any]:
    return {"channel": channel, "external_id": external_id, "text": "Jalan berlubang besar dekat Monas",
            "category": "jalan", **MONAS}


def count(pantau: Pantau, model) -> int:
    with pantau.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def kept(pantau: Pantau, channel: str, body: bytes) -> int:
    """A dead letter of `channel` that its adapter now reads (as after a fix): replaying it stores a complaint."""
    with pantau.sessions.begin() as session:
        return dead_letters.keep(session, channel=channel, content_type="application/json" if channel == "qlue"
                                 else "application/x-www-form-urlencoded", headers={}, query={}, body=body,
                                 status=400, error="Kiriman tidak dapat dibaca.", errors=[], received_at=AT)


def letters(client, headers: dict[str, str] | None = None, query: str = "all=1"):
    return client.get(f"/api/v1/dead-letters?{query}", headers=headers or {})


def test_a_channel_key_posts_only_for_its_own_channel_by_every_door(client, pantau):
    qlue = make_key(pantau, "qlue-gateway", "channel:qlue")
    assert client.post("/api/v1/channels/qlue", data=QLUE, content_type="application/json",
                       headers=bearer(qlue)).status_code == 201
    as_twitter = client.post("/api/v1/channels/twitter", data=TWEET, content_type="application/json",
                             headers=bearer(qlue))
    assert as_twitter.status_code == 403
    assert as_twitter.get_json()["error"] == ("Kunci API 'qlue-gateway' tidak punya cakupan channel:twitter; buat "
                                              "kunci yang memilikinya: pantau keys create NAMA --scope CAKUPAN.")
    assert client.post("/api/v1/reports", json=report("qlue", "R-1"), headers=bearer(qlue)).status_code == 201
    generic = client.post("/api/v1/reports", json=report("twitter", "R-2"), headers=bearer(qlue))
    assert generic.status_code == 403 and "channel:twitter" in generic.get_json()["error"]
    with pantau.sessions() as session:
        assert session.scalars(select(ComplaintRow.channel)).all() == ["qlue", "qlue"]
    assert count(pantau, DeadLetterRow) == 0  # a refused sender leaves nothing behind


def test_a_batch_with_channels_the_key_lacks_is_refused_whole_naming_each(client, pantau):
    qlue = make_key(pantau, "qlue-gateway", "channel:qlue")
    reports = [report("qlue", "B-1"), report("sms", "B-2"), report("twitter", "B-3"), report("sms", "B-4")]
    refused = client.post("/api/v1/reports/batch", json={"reports": reports}, headers=bearer(qlue))
    assert refused.status_code == 403
    assert "channel:sms, channel:twitter;" in refused.get_json()["error"]
    assert count(pantau, ComplaintRow) == 0
    both = make_key(pantau, "feed", "channel:qlue", "channel:sms", "channel:twitter")
    assert client.post("/api/v1/reports/batch", json={"reports": reports}, headers=bearer(both)).status_code == 201


def test_open311_posts_need_the_open311_scope_and_its_client_header_is_never_taken_from_a_delivery(client, pantau):
    form = {"service_code": "jalan", "lat": "-6.1754", "long": "106.8272", "description": "Jalan berlubang"}
    qlue = make_key(pantau, "qlue-gateway", "channel:qlue")
    refused = client.post("/open311/v2/requests.json", data=urlencode(form | {"api_key": qlue}),
                          content_type="application/x-www-form-urlencoded")
    assert refused.status_code == 403
    assert [e["code"] for e in refused.get_json()] == [403]
    assert "channel:open311" in refused.get_json()[0]["description"]
    partner = make_key(pantau, "mitra-app", "channel:open311")
    made = client.post("/open311/v2/requests.json", data=urlencode(form | {"api_key": partner}),
                       content_type="application/x-www-form-urlencoded")
    assert made.status_code == 201
    assert stored_external_id(pantau, int(made.get_json()[0]["service_request_id"])).startswith("mitra-app:")
    forged = client.post("/api/v1/channels/open311", data=urlencode(form | {"device_id": "lain"}),
                         content_type="application/x-www-form-urlencoded",
                         headers=bearer(partner) | {"X-Pantau-Client": "pemprov"})
    assert forged.status_code == 400 and "/open311/v2/requests.json" in forged.get_json()["error"]
    assert count(pantau, ComplaintRow) == 1


def test_a_channel_key_cannot_read_or_replay_dead_letters(client, pantau):
    qlue = make_key(pantau, "qlue-gateway", "channel:qlue")
    letter_id = client.post("/api/v1/channels/qlue", data=b"{rusak", content_type="application/json",
                            headers=bearer(qlue)).get_json()["dead_letter_id"]
    for answer in (letters(client, bearer(qlue)), client.get(f"/api/v1/dead-letters/{letter_id}", headers=bearer(qlue)),
                   client.post(f"/api/v1/dead-letters/{letter_id}/replay", headers=bearer(qlue))):
        assert answer.status_code == 403
        assert "tidak punya cakupan dead_letters (atau dead_letters:<kanal>)" in answer.get_json()["error"]
        assert "rusak" not in answer.get_data(as_text=True)


def test_a_dead_letters_key_reads_and_replays_every_channel_audited_as_the_key(client, pantau):
    reader = make_key(pantau, "pemeliharaan", "dead_letters")
    sms, qlue = kept(pantau, "sms", SMS), kept(pantau, "qlue", QLUE)
    assert [d["id"] for d in letters(client, bearer(reader)).get_json()["dead_letters"]] == [qlue, sms]
    shown = client.get(f"/api/v1/dead-letters/{sms}", headers=bearer(reader))
    assert shown.status_code == 200 and shown.get_json()["body"].encode() == SMS
    replayed = client.post(f"/api/v1/dead-letters/{qlue}/replay", headers=bearer(reader))
    assert replayed.status_code == 201
    with pantau.sessions() as session:
        audit = session.scalars(select(AuditRow).where(AuditRow.action == "dead_letter.replay")).one()
    assert (audit.actor, audit.target) == ("kunci:pemeliharaan", str(qlue))


def test_a_key_for_one_channels_dead_letters_sees_only_those(client, pantau):
    reader = make_key(pantau, "qlue-vendor", "channel:qlue", "dead_letters:qlue")
    sms, qlue = kept(pantau, "sms", SMS), kept(pantau, "qlue", QLUE)
    listed = letters(client, bearer(reader)).get_json()
    assert [(d["id"], d["channel"]) for d in listed["dead_letters"]] == [(qlue, "qlue")] and listed["count"] == 1
    assert [d["id"] for d in letters(client, bearer(reader), "all=1&channel=qlue").get_json()["dead_letters"]] == [qlue]
    other = letters(client, bearer(reader), "channel=sms")
    assert other.status_code == 403 and "dead_letters:sms" in other.get_json()["error"]
    assert client.get(f"/api/v1/dead-letters/{qlue}", headers=bearer(reader)).status_code == 200
    for answer in (client.get(f"/api/v1/dead-letters/{sms}", headers=bearer(reader)),
                   client.post(f"/api/v1/dead-letters/{sms}/replay", headers=bearer(reader))):
        assert answer.status_code == 403 and "dead_letters:sms" in answer.get_json()["error"]
        assert "6281234567890" not in answer.get_data(as_text=True)
    assert client.get("/api/v1/dead-letters/999999", headers=bearer(reader)).status_code == 404
    assert count(pantau, ComplaintRow) == 0


def test_an_operator_signed_in_lists_shows_and_replays_audited_by_name(client, pantau):
    make_people(pantau, ("operator1", "operator", None))
    letter_id = kept(pantau, "qlue", QLUE)
    assert sign_in(client, "operator1").status_code == 302
    assert [d["id"] for d in letters(client).get_json()["dead_letters"]] == [letter_id]
    assert client.get(f"/api/v1/dead-letters/{letter_id}").get_json()["body"].encode() == QLUE
    form_post = client.post(f"/api/v1/dead-letters/{letter_id}/replay")  # what a forged cross-site form could send
    assert form_post.status_code == 415 and "application/json" in form_post.get_json()["error"]
    assert count(pantau, ComplaintRow) == 0
    assert client.post(f"/api/v1/dead-letters/{letter_id}/replay", json={}).status_code == 201
    with pantau.sessions() as session:
        audit = session.scalars(select(AuditRow).where(AuditRow.action == "dead_letter.replay")).one()
    assert audit.actor == "operator1"
    qlue = make_key(pantau, "qlue-gateway", "channel:qlue")
    assert letters(client, bearer(qlue)).status_code == 403  # a key is judged by its own scopes, cookie or not


def test_the_governor_and_operators_use_their_tokens_other_staff_are_refused(client, pantau):
    tokens = make_people(pantau, ("gubernur", "governor", None), ("operator1", "operator", None),
                         ("validator1", "validator", None), ("staf", "skpd_staff", "BINAMARGA-JP"))
    letter_id = kept(pantau, "sms", SMS)
    anonymous = letters(client)
    assert anonymous.status_code == 401 and "pantau users token" in anonymous.get_json()["error"]
    for name in ("gubernur", "operator1"):
        assert letters(client, bearer(tokens[name])).get_json()["count"] == 1
        assert client.get(f"/api/v1/dead-letters/{letter_id}", headers=bearer(tokens[name])).status_code == 200
    refused = client.get(f"/api/v1/dead-letters/{letter_id}", headers=bearer(tokens["validator1"]))
    assert refused.status_code == 403
    assert refused.get_json()["error"] == ("validator1 (validator) tidak berwenang: perlu cakupan dead_letters "
                                           "(atau dead_letters:<kanal>), yang dimiliki peran governor, operator.")
    assert sign_in(client, "staf").status_code == 302
    for answer in (letters(client), client.get(f"/api/v1/dead-letters/{letter_id}"),
                   client.post(f"/api/v1/dead-letters/{letter_id}/replay", json={})):
        assert answer.status_code == 403 and "staf (skpd_staff) tidak berwenang" in answer.get_json()["error"]
        assert "6281234567890" not in answer.get_data(as_text=True)
    assert count(pantau, ComplaintRow) == 0


def test_exports_need_the_exports_scope_people_keep_exporting(client, pantau):
    tokens = make_people(pantau, ("staf", "skpd_staff", "BINAMARGA-JP"))
    qlue, portal = make_key(pantau, "qlue-gateway", "channel:qlue"), make_key(pantau, "portal-data", "exports")
    refused = client.get("/api/v1/export/complaints.csv", headers=bearer(qlue))
    assert refused.status_code == 403 and "tidak punya cakupan exports" in refused.get_json()["error"]
    assert client.get("/api/v1/export/complaints.csv", headers=bearer(portal)).status_code == 200
    assert client.get("/api/v1/export/complaints.geojson", headers=bearer(tokens["staf"])).status_code == 200


def test_refused_scopes_and_peoples_tokens_never_count_as_wrong_keys(client, pantau):
    qlue = make_key(pantau, "qlue-gateway", "channel:qlue")
    operator = make_people(pantau, ("operator1", "operator", None))["operator1"]
    limit = int(FAILED_KEYS.split()[0])
    for n in range(limit - 1):
        assert letters(client, bearer(f"pantau_salah-{n}")).status_code == 401
    for _ in range(limit + 1):
        assert letters(client, bearer(qlue)).status_code == 403
        assert letters(client, bearer(operator)).status_code == 200
        assert client.get("/api/v1/export/complaints.csv", headers=bearer(operator)).status_code == 200
    assert letters(client, bearer("pantau_salah-terakhir")).status_code == 401  # the limit-th wrong key
    assert letters(client, bearer("pantau_salah-lagi")).status_code == 429


def test_the_key_cache_remembers_scopes_with_the_name(pantau):
    key = make_key(pantau, "qlue-gateway", "channel:qlue")
    now = [0.0]
    checker = KeyChecker(pantau.sessions, clock=lambda: now[0])
    assert checker.client_of(key).scopes == {"channel:qlue"}
    with pantau.sessions.begin() as session:
        session.execute(update(ApiKeyRow).values(scopes=["channel:qlue", "channel:sms"]))
    now[0] = KEY_CACHE_SECONDS - 1
    remembered = checker.client_of(key)
    assert (remembered.name, remembered.scopes, remembered.actor) == ("qlue-gateway", {"channel:qlue"},
                                                                      "kunci:qlue-gateway")
    now[0] = KEY_CACHE_SECONDS + 1
    assert checker.client_of(key).scopes == {"channel:qlue", "channel:sms"}
