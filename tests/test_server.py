"""`python app.py` as a user runs it: it serves the page and the API, pushes events, and fails clearly."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import socketio

from tests.processes import next_event

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_serves_the_command_centre_page(server):
    url = server.url
    page = requests.get(url, timeout=5)
    assert page.status_code == 200 and "Pantau" in page.text
    layout = requests.get(f"{url}/_dash-layout", timeout=30).json()
    assert "Pusat Komando" in str(layout)


@pytest.mark.slow
def test_a_real_socketio_client_receives_the_routed_complaint(server):
    url, key = server.url, server.key
    client = socketio.SimpleClient()
    client.connect(url, transports=["websocket"])
    try:
        body = {"channel": "twitter", "external_id": "tw-1", "text": "Lampu PJU mati di depan Blok M Plaza",
                "category": "lampu_jalan", "lon": 106.7996, "lat": -6.2443, "reporter_contact": "@warga"}
        sent = time.monotonic()
        response = requests.post(f"{url}/api/v1/reports", json=body, headers={"Authorization": f"Bearer {key}"}, timeout=10)
        assert response.status_code == 201
        name, payload = next_event(client)
        assert name == "complaint_routed"
        assert payload["id"] == response.json()["id"] and payload["kelurahan"] == "Melawai"
        assert "@warga" not in str(payload)
        assert time.monotonic() - sent < 5
    finally:
        client.disconnect()


def test_missing_boundary_file_stops_start_up_with_one_clear_sentence(tmp_path: Path):
    env = os.environ | {"PANTAU_BOUNDARIES": str(tmp_path / "nowhere.geojson"),
                        "PANTAU_DATABASE_URL": f"sqlite:///{tmp_path}/pantau.db"}
    result = subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "PANTAU_BOUNDARIES" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "pantau.db").exists()


def test_unreadable_boundary_file_stops_start_up(tmp_path: Path):
    broken = tmp_path / "broken.geojson"
    broken.write_text("{ this is not geojson")
    env = os.environ | {"PANTAU_BOUNDARIES": str(broken), "PANTAU_DATABASE_URL": f"sqlite:///{tmp_path}/p.db"}
    result = subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "PANTAU_BOUNDARIES" in result.stderr and "Traceback" not in result.stderr
