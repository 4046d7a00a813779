"""The complaint exports through Flask's test client, on SQLite and PostGIS: filters, the two
formats, no personal data, who may ask, and bad filters.

The app here is the blueprint on a bare Flask server with the sign-in machinery, so the export is
tested on its own, whether or not the composition root has registered it yet.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from crm.complaint import Complaint, Status, new_ticket, utc_now
from followup.auth import install_auth, person_from_request
from geo.jurisdiction import Jurisdiction
from ingest.auth import KeyChecker
from opendata.exports import EXPORT_FIELDS, make_export_api
from store import api_keys, complaints, users
from store.db import make_sessionmaker, upgrade
from web.throttle import make_limiter

CONTACT, NAME, OFFICER = "+62 812-9999-0000", "Pak Rahasia Sekali", "Petugas Meja Tersembunyi"
GAMBIR = Jurisdiction("31.71.01.1001", "Gambir", "31.71.01", "Gambir", "31.71", "Jakarta Pusat")
KEBON_KELAPA = Jurisdiction("31.71.01.1002", "Kebon Kelapa", "31.71.01", "Gambir", "31.71", "Jakarta Pusat")
KALIDERES = Jurisdiction("31.73.08.1001", "Kalideres", "31.73.08", "Kalideres", "31.73", "Jakarta Barat")


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    upgrade(engine)
    return make_sessionmaker(engine)


@pytest.fixture
def client(sessions: sessionmaker[Session]) -> Iterator[Any]:
    server = Flask(__name__)
    server.secret_key = "test"
    install_auth(server, sessions, make_limiter(server, redis_url=None, prefix="test"), secure_cookies=False)
    server.register_blueprint(make_export_api(sessions, KeyChecker(sessions, people=person_from_request)))
    with server.test_client() as client:
        yield client


@pytest.fixture
def key(sessions: sessionmaker[Session]) -> str:
    with sessions.begin() as session:
        return api_keys.create(session, name="portal-data", scopes=["exports"])


@pytest.fixture
def stored(sessions: sessionmaker[Session]) -> list[Complaint]:
    """Five complaints: two in Gambir (one Selesai), one in Kebon Kelapa a month ago, one in
    Kalideres, one without a place; each with a reporter's name and contact and a desk officer."""
    now = utc_now()
    def build(n: int, where: Jurisdiction | None, **fields: Any) -> Complaint:
        at = fields.pop("received_at", now - timedelta(hours=1))
        lon, lat = (106.82 + n / 1000, -6.17) if where else (None, None)
        values = {"ticket": new_ticket(at), "channel": "qlue", "external_id": f"Q-{n}", "received_at": at,
                  "text": f"Keluhan nomor {n}", "category": "banjir", "lon": lon, "lat": lat,
                  "jurisdiction": where, "skpd": "DSDA", "reporter_contact": CONTACT, "reporter_name": NAME,
                  "officer": OFFICER, "media": [f"https://media.example/{n}.jpg"]}
        return Complaint(**(values | fields))
    built = [
        build(1, GAMBIR, received_at=datetime(2024, 11, 4, 18, 30, tzinfo=UTC)),  # 01:30 WIB the next day
        build(2, GAMBIR, status=Status.SELESAI, category="jalan", skpd="BINAMARGA-JP",
              text="=HYPERLINK(\"http://jahat.example\")"),
        build(3, KEBON_KELAPA, received_at=now - timedelta(days=40)),
        build(4, KALIDERES),
        build(5, None),
    ]
    with sessions.begin() as session:
        return [complaints.add(session, complaint=c) for c in built]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def read_csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_csv_holds_public_fields_with_wib_beside_utc(client, key, stored):
    response = client.get("/api/v1/export/complaints.csv", headers=auth(key))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed
    body = response.get_data(as_text=True)
    assert body.splitlines()[0] == ",".join(EXPORT_FIELDS)
    for secret in (CONTACT, NAME, OFFICER):
        assert secret not in body
    assert not {"reporter_contact", "reporter_name", "officer", "history"} & set(EXPORT_FIELDS)
    rows = read_csv(response)
    assert [row["ticket"] for row in rows] == [c.ticket for c in stored]
    first = rows[0]
    assert first["received_at"] == "2024-11-04T18:30:00+00:00"
    assert first["received_at_wib"] == "2024-11-05 01:30 WIB"
    assert EXPORT_FIELDS.index("received_at_wib") == EXPORT_FIELDS.index("received_at") + 1
    assert first["media"] == "https://media.example/1.jpg"
    assert rows[1]["text"] == "'=HYPERLINK(\"http://jahat.example\")"  # a spreadsheet shows it, never runs it
    assert rows[4]["lon"] == "" and rows[4]["kode_kota"] == ""


@pytest.mark.parametrize(("query", "numbers"), [
    ("kota=31.71", [1, 2, 3]),
    ("kecamatan=31.71.01&status=Menunggu", [1, 3]),
    ("kelurahan=31.71.01.1002", [3]),
    ("skpd=BINAMARGA-JP", [2]),
    ("category=banjir&kota=31.73", [4]),
    ("window=30d", [2, 4, 5]),
    ("kota=31.71&since=2024-11-05T00:00:00%2B07:00&until=2024-11-05T23:59:59%2B07:00", [1]),
    ("kota=31.74", []),
])
def test_csv_filters(client, key, stored, query, numbers):
    response = client.get(f"/api/v1/export/complaints.csv?{query}", headers=auth(key))
    assert response.status_code == 200
    assert [row["ticket"] for row in read_csv(response)] == [stored[n - 1].ticket for n in numbers]


def test_geojson_points_and_the_count_left_out(client, key, stored):
    response = client.get("/api/v1/export/complaints.geojson", headers=auth(key))
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    body = response.get_data(as_text=True)
    for secret in (CONTACT, NAME, OFFICER):
        assert secret not in body
    collection = json.loads(body)
    assert collection["type"] == "FeatureCollection"
    assert collection["without_location"] == 1
    features = collection["features"]
    assert [f["properties"]["ticket"] for f in features] == [c.ticket for c in stored[:4]]
    assert "external_id" not in features[0]["properties"]  # a channel's own id can name its author
    first = features[0]
    assert first["geometry"] == {"type": "Point", "coordinates": [stored[0].lon, stored[0].lat]}
    assert first["id"] == stored[0].id and first["properties"]["kode_kelurahan"] == "31.71.01.1001"
    assert first["properties"]["media"] == ["https://media.example/1.jpg"]
    assert "history" not in first["properties"] and "lon" not in first["properties"]


def test_geojson_filtered_to_nothing_is_still_a_collection(client, key, stored):
    response = client.get("/api/v1/export/complaints.geojson?kecamatan=31.73.08&status=Selesai",
                          headers=auth(key))
    assert json.loads(response.get_data(as_text=True)) == {
        "type": "FeatureCollection", "features": [], "without_location": 0}


def test_a_persons_token_may_export(client, sessions, stored):
    with sessions.begin() as session:
        users.create(session, name="camat", role="camat", skpd=None, area="31.71.01", password="kata-sandi-panjang")
        token = users.issue_token(session, name="camat")
    assert client.get("/api/v1/export/complaints.geojson", headers=auth(token)).status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/export/complaints.csv", "/api/v1/export/complaints.geojson"])
@pytest.mark.parametrize("headers", [{}, auth("pk_not-a-key"), {"Authorization": "Basic abc"}])
def test_nobody_anonymous(client, stored, path, headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 401
    assert "Bearer" in response.get_json()["error"] and CONTACT not in response.get_data(as_text=True)


@pytest.mark.parametrize(("query", "fields"), [
    ("kota=Jakarta%20Pusat", ["kota"]),
    ("kecamatan=31.71", ["kecamatan"]),
    ("kelurahan=31.71.01", ["kelurahan"]),
    ("status=Beres&category=banjir_besar", ["category", "status"]),
    ("skpd=DINAS-ENTAH", ["skpd"]),
    ("window=1y", ["window"]),
    ("window=7d&since=2024-11-01T00:00:00%2B07:00", ["window"]),
    ("since=kemarin&until=2024-11-05T08:00:00", ["since", "until"]),
    ("since=2024-11-06T00:00:00%2B07:00&until=2024-11-05T00:00:00%2B07:00", ["until"]),
    ("kelurhan=31.71.01.1001", ["kelurhan"]),
])
@pytest.mark.parametrize("path", ["/api/v1/export/complaints.csv", "/api/v1/export/complaints.geojson"])
def test_bad_filters_answer_400_naming_each(client, key, path, query, fields):
    response = client.get(f"{path}?{query}", headers=auth(key))
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "Parameter tidak sah."
    assert sorted(problem["field"] for problem in body["errors"]) == fields
