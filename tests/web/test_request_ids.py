"""Request ids on a real app (create_app on SQLite): accepted or made, answered on every response,
written on audit rows and dead letters, shown by the dead-letter API, and on every JSON log line."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app import Pantau
from store import users
from store.models import AuditRow
from tests.web.conftest import json_logs, report

NEW_ID = re.compile(r"[0-9a-f]{32}")


@pytest.mark.parametrize("path", ["/api/v1/skpd", "/api/v1/nope", "/", "/healthz", "/open311/v2/services.json"])
def test_a_valid_incoming_id_is_answered_back(client, path):
    assert client.get(path, headers={"X-Request-ID": "gw-42:retry.1_A-b"}).headers["X-Request-ID"] == "gw-42:retry.1_A-b"


@pytest.mark.parametrize("incoming", [None, "", "x" * 129, "spasi di dalam", "a\"b", "<script>", "é"])
def test_a_missing_or_unacceptable_id_is_replaced_by_a_new_one(client, incoming):
    headers = {} if incoming is None else {"X-Request-ID": incoming}
    first, second = (client.get("/api/v1/skpd", headers=headers).headers["X-Request-ID"] for _ in range(2))
    assert NEW_ID.fullmatch(first) and NEW_ID.fullmatch(second) and first != second


def test_an_id_of_128_characters_is_kept(client):
    longest = "a" * 128
    assert client.get("/healthz", headers={"X-Request-ID": longest}).headers["X-Request-ID"] == longest


def test_audit_rows_carry_the_request_id(pantau: Pantau, client, key):
    with pantau.sessions.begin() as session:
        users.create(session, name="staf_jp", role="skpd_staff", skpd="BINAMARGA-JP", area=None,
                     password="kata-sandi-panjang")
        token = users.issue_token(session, name="staf_jp")
    complaint = client.post("/api/v1/reports", json=report("RID-1"), headers={"Authorization": f"Bearer {key}"})
    assert complaint.status_code == 201
    step = client.post(f"/api/v1/complaints/{complaint.get_json()['id']}/transitions",
                       json={"to": "Proses", "note": "Tim menuju lokasi"},
                       headers={"Authorization": f"Bearer {token}", "X-Request-ID": "step-7"})
    assert step.status_code == 200 and step.headers["X-Request-ID"] == "step-7"
    with pantau.sessions() as session:
        row = session.scalars(select(AuditRow).where(AuditRow.action == "complaint.transition")).one()
    assert (row.actor, row.request_id) == ("staf_jp", "step-7")


def test_dead_letters_carry_the_latest_delivery_id_and_the_api_shows_it(client, key):
    auth = {"Authorization": f"Bearer {key}"}
    first = client.post("/api/v1/channels/sms", data=b"bukan-formulir-sms", content_type="text/plain",
                        headers=auth | {"X-Request-ID": "sms-try-1"})
    assert 400 <= first.status_code < 500
    letter_id = first.get_json()["dead_letter_id"]
    shown = client.get(f"/api/v1/dead-letters/{letter_id}", headers=auth).get_json()
    assert (shown["request_id"], shown["attempts"]) == ("sms-try-1", 1)
    again = client.post("/api/v1/channels/sms", data=b"bukan-formulir-sms", content_type="text/plain",
                        headers=auth | {"X-Request-ID": "sms-try-2"})
    assert again.get_json()["dead_letter_id"] == letter_id
    listed = client.get("/api/v1/dead-letters?channel=sms", headers=auth).get_json()["dead_letters"]
    assert [(d["id"], d["request_id"], d["attempts"]) for d in listed] == [(letter_id, "sms-try-2", 2)]


def test_log_lines_are_json_with_the_request_id_and_one_access_line_per_request(client, key):
    with json_logs() as lines:
        client.post("/api/v1/reports", json=report("RID-LOG"), headers={
            "Authorization": f"Bearer {key}", "X-Request-ID": "log-1", "X-Forwarded-For": "203.0.113.9, 10.0.0.2"})
        client.get("/api/v1/nope")
        logged = lines()
    access = [line for line in logged if line["logger"] == "pantau.access"]
    assert len(access) == 2
    posted, missing = access
    assert (posted["request_id"], posted["method"], posted["path"], posted["status"], posted["remote"]) == (
        "log-1", "POST", "/api/v1/reports", 201, "127.0.0.1")  # no trusted proxy: X-Forwarded-For is ignored
    assert posted["level"] == "INFO" and posted["duration_ms"] > 0 and posted["time"].endswith("+00:00")
    assert (missing["status"], missing["remote"]) == (404, "127.0.0.1") and NEW_ID.fullmatch(missing["request_id"])
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in logged)
    assert not [line for line in logged if line["logger"] == "werkzeug"]
