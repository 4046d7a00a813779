"""`python app.py` sends notices in its own process, as it runs the SLA watch: a report posted to a
real server reaches the SMS gateway (a local HTTP server) with its ticket and private link, unasked."""
from __future__ import annotations

import time

import pytest
import requests

from tests.notify.servers import http_gateway
from tests.processes import serving

pytestmark = pytest.mark.slow


def test_the_embedded_app_sends_the_receipt_of_a_report(tmp_path):
    with http_gateway(202) as (url, gateway), serving(
            tmp_path, PANTAU_SMS_GATEWAY_URL=url, PANTAU_SMS_GATEWAY_TOKEN="t", PANTAU_NOTICE_SECONDS="0.2",
            PANTAU_PUBLIC_URL="https://pantau.jakarta.go.id") as server:
        answer = requests.post(f"{server.url}/api/v1/reports", timeout=10, headers={"Authorization": f"Bearer {server.key}"},
                               json={"channel": "sms", "external_id": "SMSC-77", "text": "Banjir di Jl. Kramat Raya",
                                     "category": "banjir", "reporter_contact": "6281234567890",
                                     "lon": 106.8457, "lat": -6.1862})
        assert answer.status_code == 201, answer.text
        created = answer.json()
        deadline = time.monotonic() + 15
        while not gateway.requests and time.monotonic() < deadline:
            time.sleep(0.1)
    [request] = gateway.requests
    assert request.body["to"] == "6281234567890"
    assert f"lacak?tiket={created['ticket']}&kode={created['tracking_code']}" in request.body["text"]
    assert request.body["text"].startswith("Pantau: laporan Anda diterima")
