"""The intake's notes through the real app (ingest/pipeline.py's gazetteer search, the classifier)
and the store, on SQLite and PostGIS: what an operator reads in a complaint's history, what a
citizen reads by ticket, and what Open311 says, with no reporter's name or contact in any of it."""
from __future__ import annotations

import json
import re
from typing import Any

import pytest

from crm.classifier import Classifier
from crm.complaint import TRIAGE_LOCATION
from crm.intake import SHOWN_WORDS
from geo import kodepos, landmarks

NAME, CONTACT = "Siti Rahmawati", "+62 812-9988-7766"


@pytest.fixture
def shared(boundaries) -> None:
    if not (landmarks.default_path(boundaries.source).is_file() and kodepos.default_path(boundaries.source).is_file()):
        pytest.skip("../shared/data/gazetteer is not present")


def sent(client, key: str, external_id: str, text: str) -> dict[str, Any]:
    """A text-only SMS with the sender's name and number; the stored complaint as the API shows it."""
    body = {"channel": "sms", "external_id": external_id, "text": text, "reporter_name": NAME,
            "reporter_contact": CONTACT}
    response = client.post("/api/v1/reports", json=body, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 201, response.get_json()
    return client.get(f"/api/v1/complaints/{response.get_json()['id']}").get_json()


def assert_nothing_personal(*shown: Any) -> None:
    for shape in shown:
        text = shape if isinstance(shape, str) else json.dumps(shape, ensure_ascii=False)
        assert NAME not in text and "9988" not in text and "reporter" not in text


def test_a_placed_report_shows_the_words_that_placed_and_categorised_it(client, key, shared):
    text = "Jalan berlubang besar dkt Halte Cawang, sudah 2 minggu"
    complaint = sent(client, key, "SMS-N1", text)
    assert (complaint["location_precision"], complaint["kelurahan"], complaint["triage"]) == ("halte", "Cawang", None)
    guess = Classifier.default().classify(text)
    said = ", ".join(f"«{w}»" for w in guess.words[:SHOWN_WORDS])
    (received,) = complaint["history"]
    assert received["note"] == (f"Diterima melalui kanal sms. Kategori jalan (keyakinan {guess.confidence:.2f}; "
                                f"kata: {said}). Lokasi dari teks (ketelitian: halte; kata: «Halte Cawang» → Cawang)")
    tracked = client.get(f"/api/v1/track/{complaint['ticket']}").get_json()
    assert [e["note"] for e in tracked["history"]] == [received["note"]]
    open311 = client.get(f"/open311/v2/requests/{complaint['id']}.json").get_json()
    assert open311[0]["status_notes"] == received["note"]
    assert_nothing_personal(complaint, tracked, open311)


def test_an_ambiguous_place_is_in_the_location_triage_queue_with_its_candidates(client, key, shared):
    complaint = sent(client, key, "SMS-N2", "pkl pasar embrio jualan di jalan, mohon ditertibkan")
    assert (complaint["kelurahan"], complaint["lon"], complaint["location_precision"]) == (None, None, None)
    assert complaint["triage"] == TRIAGE_LOCATION and complaint["location_flag"] == "tanpa_lokasi"
    note = complaint["history"][0]["note"]
    found = re.search(r"\. Lokasi ambigu: «pasar embrio» bisa (.+); perlu triase operator$", note)
    assert found, note
    assert sorted(found.group(1).split(", ")) == ["Pasar Embrio (Makasar)", "Pasar Embrio (Semper Barat)"]
    queue = client.get(f"/api/v1/complaints?triage={TRIAGE_LOCATION}").get_json()
    assert [c["id"] for c in queue["complaints"]] == [complaint["id"]]
    tracked = client.get(f"/api/v1/track/{complaint['ticket']}").get_json()
    assert tracked["history"][0]["note"] == note
    assert_nothing_personal(complaint, tracked)
