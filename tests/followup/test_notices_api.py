"""`GET /api/v1/complaints/<id>/notices` through Flask's test client, on SQLite and PostGIS: what a
reporter was sent, for staff who cover the complaint, with the address only for those who may read
the reporter's contact."""
from __future__ import annotations

import pytest

from tests.followup.helpers import CONTACT, PEOPLE, sign_in, step

FIELDS = {"kind", "channel", "state", "attempts", "created_at", "sent_at", "last_error"}


def notices_of(client, complaint_id: int, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(f"/api/v1/complaints/{complaint_id}/notices", headers=headers)


def test_staff_who_cover_it_read_what_was_sent_oldest_first(client, tokens, report):
    complaint = report()
    assert step(client, tokens["staf"], complaint["id"], to="Proses", note="Tim menuju lokasi").status_code == 200
    answer = notices_of(client, complaint["id"], tokens["operator"])
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "private, no-store"
    body = answer.get_json()
    assert [(n["kind"], n["channel"], n["state"], n["attempts"]) for n in body] == [
        ("diterima", "qlue", "pending", 0), ("proses", "qlue", "pending", 0)]
    assert all(set(n) == FIELDS | {"recipient"} for n in body)  # an operator replies to reporters
    assert {n["recipient"] for n in body} == {CONTACT}
    assert body[0]["sent_at"] is None and body[0]["created_at"] <= body[1]["created_at"]


def test_a_reader_without_private_access_gets_no_recipient(client, tokens, report):
    complaint = report()
    answer = notices_of(client, complaint["id"], tokens["walkot"])  # Jakarta Pusat's wali kota covers Monas
    assert answer.status_code == 200
    [receipt] = answer.get_json()
    assert set(receipt) == FIELDS and CONTACT not in answer.get_data(as_text=True)


def test_a_signed_in_session_reads_them_too(client, tokens, report):
    complaint = report()
    assert sign_in(client, "staf").status_code == 302
    answer = notices_of(client, complaint["id"])
    assert answer.status_code == 200 and answer.get_json()[0]["recipient"] == CONTACT


def test_the_public_others_and_unknown_complaints_are_refused(client, tokens, report):
    complaint = report()
    anonymous = notices_of(client, complaint["id"])
    assert anonymous.status_code == 401 and "error" in anonymous.get_json()
    other = notices_of(client, complaint["id"], tokens["staf_lain"])  # BINAMARGA-JU does not hold it
    assert other.status_code == 403 and CONTACT not in other.get_data(as_text=True)
    assert notices_of(client, complaint["id"], "bukan-token").status_code == 401
    missing = notices_of(client, complaint["id"] + 1000, tokens["operator"])
    assert missing.status_code == 404 and "tidak ditemukan" in missing.get_json()["error"]


READS = {"gubernur", "operator", "validator", "kadis", "staf", "walkot", "camat", "lurah"}  # who covers Monas
READS_CONTACT = {"gubernur", "operator", "validator", "kadis", "staf"}  # the lurah's office does not hold it


@pytest.mark.parametrize("name", sorted(PEOPLE))
def test_every_role_reads_as_crm_roles_says(client, tokens, report, name):
    complaint = report()
    answer = notices_of(client, complaint["id"], tokens[name])
    assert answer.status_code == (200 if name in READS else 403)
    if name in READS:
        assert ("recipient" in answer.get_json()[0]) == (name in READS_CONTACT)
