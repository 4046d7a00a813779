"""Moderation seen by a real python-socketio client over WebSocket against `python app.py`: an edit
arrives as `complaint_moderated` with the edited text, masked; a hidden complaint arrives, and
later changes and a catch-up replay it, as nothing but its id; the citizen's words never travel."""
from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
import requests

from tests.live.test_real_client import nothing_more, screen
from tests.processes import Server, next_event

pytestmark = pytest.mark.slow

SAID = "Jalan berlubang di depan rumah Pak Budi Santoso, telepon 0812-3456-7890"
MONAS = {"lon": 106.8272, "lat": -6.1754}


def moderate(server: Server, complaint_id: int, **body: str) -> dict[str, Any]:
    answer = requests.post(f"{server.url}/api/v1/complaints/{complaint_id}/moderation", json=body,
                           headers={"Authorization": f"Bearer {server.governor}"}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_moderation_events_carry_no_original_text(server):
    with screen(server.url) as client:
        client.call("subscribe", {"rooms": ["kota:31.71"]}, timeout=5)
        body = {"channel": "website", "external_id": uuid.uuid4().hex, "text": SAID, "category": "jalan", **MONAS}
        posted = requests.post(f"{server.url}/api/v1/reports", json=body, timeout=10,
                               headers={"Authorization": f"Bearer {server.key}"}).json()
        name, routed = next_event(client)
        assert (name, routed["id"]) == ("complaint_routed", posted["id"])
        moderate(server, posted["id"], action="edit", text="Jalan berlubang di depan rumah warga", reason="Nama warga")
        name, edited = next_event(client)
        assert (name, edited["text"], edited["moderation"]) == (
            "complaint_moderated", "Jalan berlubang di depan rumah warga", "edit")
        moderate(server, posted["id"], action="hide", reason="Menyebut nama warga")
        name, hidden = next_event(client)
        assert name == "complaint_moderated" and hidden == {"id": posted["id"], "hidden": True,
                                                            "event_id": hidden["event_id"]}
        taken = requests.post(f"{server.url}/api/v1/complaints/{posted['id']}/transitions", json={"to": "Proses"},
                              headers={"Authorization": f"Bearer {server.governor}"}, timeout=10)
        assert taken.status_code == 200
        name, changed = next_event(client)
        assert name == "status_changed" and set(changed) == {"id", "hidden", "event_id"}
        assert nothing_more(client)
        for seen in (edited, hidden, changed):
            assert "Budi" not in json.dumps(seen) and "0812" not in json.dumps(seen)
    with screen(server.url) as client:
        ack = client.call("subscribe", {"rooms": ["kota:31.71"], "last_event_id": routed["event_id"] - 1}, timeout=5)
        replayed = [next_event(client) for _ in range(ack["replayed"])]
        ours = [(name, event) for name, event in replayed if event["id"] == posted["id"]]
        assert [name for name, _ in ours] == ["complaint_routed", "complaint_moderated", "complaint_moderated",
                                              "status_changed"]
        assert all(set(event) == {"id", "hidden", "event_id"} for _, event in ours)
