"""Request bodies are small unless the route needs more: anyone's post stops at 2 MB; a gateway's
batch at 16 MB; evidence photos up to 80 MB only from a signed-in person (token or session).

Bodies are real and their Content-Length true: the server must refuse before parsing, not after."""
from __future__ import annotations

import json

from store import api_keys
from tests.followup.helpers import sign_in
from web.body_limits import ANY_BYTES, BATCH_BYTES, EVIDENCE_BYTES

JSON = "application/json"


def padded(size: int) -> bytes:
    """A JSON object of exactly `size` bytes."""
    head = b'{"pad": "'
    return head + b"a" * (size - len(head) - 2) + b'"}'


def test_an_anonymous_body_over_two_megabytes_is_refused_on_every_open_door(client, report):
    ticket = report()["ticket"]
    big = padded(ANY_BYTES + 1)
    for path in (f"/api/v1/track/{ticket}/reopen", "/_dash-update-component", "/masuk", "/api/v1/channels/facebook"):
        answer = client.post(path, data=big, content_type=JSON)
        assert answer.status_code == 413, (path, answer.status_code)
    assert client.post("/api/v1/complaints/1/transitions", data=big, content_type=JSON).status_code == 401
    # just under the limit the same doors read the body and answer for what it says
    reopen = client.post(f"/api/v1/track/{ticket}/reopen", data=padded(ANY_BYTES), content_type=JSON)
    assert reopen.status_code in (403, 409, 422) and "error" in reopen.get_json()


def test_a_signed_in_person_may_send_evidence_up_to_eighty_megabytes(client, pantau, report, tokens):
    complaint_id = report()["id"]
    big = padded(ANY_BYTES * 3)
    by_token = client.post(f"/api/v1/complaints/{complaint_id}/transitions", data=big, content_type=JSON,
                           headers={"Authorization": f"Bearer {tokens['staf']}"})
    assert by_token.status_code == 422 and "to" in by_token.get_json()["error"]  # read, then judged
    over = {"data": b"{}", "environ_overrides": {"CONTENT_LENGTH": str(EVIDENCE_BYTES + 1)}}
    assert client.post(f"/api/v1/complaints/{complaint_id}/transitions", content_type=JSON,
                       headers={"Authorization": f"Bearer {tokens['staf']}"}, **over).status_code == 413
    assert sign_in(client).status_code == 302
    callback = client.post("/_dash-update-component", data=big, content_type=JSON)
    assert callback.status_code != 413


def test_a_gateway_batch_may_be_larger_than_one_delivery(client, pantau):
    with pantau.sessions.begin() as session:
        key = api_keys.create(session, name="batch-gateway", scopes=["channel:qlue"])
    auth = {"Authorization": f"Bearer {key}"}
    text = "Jalan berlubang di depan Monas " + "x" * 4000
    reports = [{"channel": "qlue", "external_id": f"b-{n}", "text": text, "lon": 106.8272, "lat": -6.1754}
               for n in range(600)]
    body = json.dumps({"reports": reports}).encode()
    assert ANY_BYTES < len(body) < BATCH_BYTES
    answer = client.post("/api/v1/reports/batch", data=body, content_type=JSON, headers=auth)
    assert answer.status_code == 201, answer.get_json()
    over = {"data": b"{}", "environ_overrides": {"CONTENT_LENGTH": str(BATCH_BYTES + 1)}}
    assert client.post("/api/v1/reports/batch", content_type=JSON, headers=auth, **over).status_code == 413
