"""Every stored complaint is announced as `complaint_routed`, without the reporter's contact, atomically."""
from __future__ import annotations

from pathlib import Path

from app import create_app
from settings import Settings
from store import api_keys


def test_new_complaint_is_announced_once_without_contact(tmp_path: Path, locator):
    pantau = create_app(Settings(database_url=f"sqlite:///{tmp_path}/pantau.db"), locator=locator)
    with pantau.sessions.begin() as session:
        key = api_keys.create(session, name="test", scopes=["channel:sms"])
    screen = pantau.socketio.test_client(pantau.dash.server)
    body = {"channel": "sms", "external_id": "SMS-77", "text": "Sampah numpuk di pinggir kali",
            "category": "sampah", "lon": 106.8466, "lat": -6.1247, "reporter_contact": "0812999888"}
    with pantau.dash.server.test_client() as http:
        for _ in range(2):  # the retry must not be announced again
            http.post("/api/v1/reports", json=body, headers={"Authorization": f"Bearer {key}"})
    events = [e for e in screen.get_received() if e["name"] == "complaint_routed"]
    assert len(events) == 1
    event = events[0]["args"][0]
    assert (event["kelurahan"], event["kode_kota"], event["category"]) == ("Ancol", "31.72", "sampah")
    assert event["skpd"] == "KEL-3172051003" and event["status"] == "Menunggu"
    assert "0812999888" not in repr(event) and "reporter_contact" not in event

