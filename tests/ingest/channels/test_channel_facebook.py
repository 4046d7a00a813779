"""The Facebook adapter: signed page webhooks (feed and Messenger) and the GET handshake.

Every delivery is signed here as Facebook signs it: a real HMAC-SHA256 of the raw body.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timezone
from typing import Any

import pytest

from ingest.channels import facebook
from ingest.channels.base import BadSignature, Inbound, InvalidReport, MalformedPayload, WrongContentType
from tests.ingest.channels.deliveries import ARRIVED, DATA, JSON, Deliveries, recorded_json

APP_SECRET = "9f2d7c1e5b8a4f3e6d0c2b1a7e9f8d6c"
SECRETS = {"facebook_app_secret": APP_SECRET, "facebook_verify_token": "pantau-verify-5f1c"}
FACEBOOK = Deliveries("facebook")


def signature(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def fixture(name: str) -> dict[str, Any]:
    return recorded_json(name)


def inbound(body: bytes | dict[str, Any], *, sign_with: str | None = APP_SECRET, headers: dict[str, str] | None = None,
            secrets: dict[str, str] = SECRETS, content_type: str = JSON) -> Inbound:
    """A delivery signed as Facebook signs it, unless `sign_with` is None."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    signed = {"x-hub-signature-256": signature(raw, sign_with)} if sign_with else {}
    return FACEBOOK.inbound(raw, content_type=content_type, headers=signed | (headers or {}), secrets=secrets)


def feed(**value: Any) -> dict[str, Any]:
    """A delivery with one feed change: a new visitor post unless `value` says otherwise."""
    post = {"from": {"id": "7712409385512001", "name": "Dewi Lestari"}, "item": "status", "verb": "add",
            "post_id": "114938226519304_1061823742771935", "created_time": 1795733049,
            "message": "Got mampet di Jl. Cempaka Putih Tengah XIII"}
    return {"object": "page", "entry": [{"id": "114938226519304", "time": 1795733051,
                                         "changes": [{"field": "feed", "value": post | value}]}]}


def test_the_channel_checks_its_own_signatures():
    assert facebook.SIGNED is True


def test_new_posts_and_comments_become_reports_and_the_rest_is_ignored():
    post, comment = facebook.parse(inbound((DATA / "facebook_feed.json").read_bytes()))
    assert post.channel == comment.channel == "facebook"
    assert post.external_id == "114938226519304_1061823742771935"
    assert post.text.startswith("Got mampet di Jl. Cempaka Putih Tengah XIII, tiap hujan")
    assert (post.reporter_name, post.reporter_contact) == ("Dewi Lestari", "facebook:7712409385512001")
    assert post.reported_at == datetime.fromtimestamp(1795733049, timezone.utc)
    assert comment.external_id == "1061823742771935_882310457716122"
    assert comment.media == ("https://scontent.xx.fbcdn.net/v/t39.30808-6/467112345_882310_n.jpg",)


def test_a_messenger_message_becomes_a_report_with_its_location_and_photo():
    [report] = facebook.parse(inbound((DATA / "facebook_messenger.json").read_bytes()))
    assert report.external_id == "m_Qk1v7oJc2ZzK3F0aXh0Zl9pZAo3fQ"
    assert report.text.startswith("Pohon besar mau tumbang di depan SDN Menteng 01")
    assert (report.lat, report.lon) == (-6.1951, 106.8331)
    assert report.media == ("https://scontent.xx.fbcdn.net/v/t1.15752-9/331245678_n.jpg",)
    assert report.reporter_contact == "facebook:6983712456690123"
    assert report.reporter_name is None
    assert report.reported_at == datetime(2026, 11, 26, 22, 44, 10, 871000, tzinfo=timezone.utc)


def test_a_retried_delivery_gives_the_same_external_ids():
    raw = (DATA / "facebook_feed.json").read_bytes()
    first = [r.external_id for r in facebook.parse(inbound(raw))]
    assert first == [r.external_id for r in facebook.parse(inbound(raw))]


@pytest.mark.parametrize("value", [
    {"verb": "edited"}, {"verb": "remove"}, {"item": "reaction", "reaction_type": "like"}, {"item": "like"},
    {"message": None}, {"message": "   "}, {"from": {"id": "114938226519304", "name": "Pemprov DKI Jakarta"}},
])
def test_what_is_not_a_new_post_with_text_gives_nothing(value):
    assert facebook.parse(inbound(feed(**value))) == []


def test_another_feed_field_gives_nothing():
    body = feed()
    body["entry"][0]["changes"][0]["field"] = "ratings"
    assert facebook.parse(inbound(body)) == []


def test_a_photo_post_carries_its_photo():
    [report] = facebook.parse(inbound(feed(item="photo", link="https://scontent.xx.fbcdn.net/v/t39.30808-6/1_n.jpg")))
    assert report.media == ("https://scontent.xx.fbcdn.net/v/t39.30808-6/1_n.jpg",)


def test_a_graph_api_time_string_is_read():
    [report] = facebook.parse(inbound(feed(created_time="2026-11-26T22:44:09+0000")))
    assert report.reported_at == datetime(2026, 11, 26, 22, 44, 9, tzinfo=timezone.utc)


def test_a_missing_secret_refuses_every_delivery():
    with pytest.raises(BadSignature, match="PANTAU_FACEBOOK_APP_SECRET") as raised:
        facebook.parse(inbound(feed(), secrets={}))
    assert raised.value.status == 403


def test_a_missing_signature_is_refused():
    with pytest.raises(BadSignature, match="X-Hub-Signature-256 tidak ada"):
        facebook.parse(inbound(feed(), sign_with=None))


def test_a_signature_with_another_secret_is_refused():
    with pytest.raises(BadSignature, match="tidak cocok"):
        facebook.parse(inbound(feed(), sign_with="not-our-app-secret"))


def test_a_body_changed_after_signing_is_refused():
    raw = json.dumps(feed()).encode()
    tampered = raw.replace(b"Got mampet", b"Got bersih")
    with pytest.raises(BadSignature):
        facebook.parse(inbound(tampered, sign_with=None, headers={"x-hub-signature-256": signature(raw)}))


def test_the_old_sha1_signature_is_not_enough():
    raw = json.dumps(feed()).encode()
    sha1 = "sha1=" + hmac.new(APP_SECRET.encode(), raw, hashlib.sha1).hexdigest()
    with pytest.raises(BadSignature):
        facebook.parse(inbound(raw, sign_with=None, headers={"x-hub-signature-256": sha1}))


def test_the_signature_is_checked_before_the_body_is_read():
    with pytest.raises(BadSignature):
        facebook.parse(inbound(b"{not json", sign_with="wrong"))
    with pytest.raises(MalformedPayload, match="bukan JSON yang sah"):
        facebook.parse(inbound(b"{not json"))


def test_another_content_type_is_refused():
    with pytest.raises(WrongContentType):
        facebook.parse(inbound(feed(), content_type="application/x-www-form-urlencoded"))


def test_a_webhook_for_another_object_is_malformed():
    with pytest.raises(MalformedPayload, match="'object' harus 'page'"):
        facebook.parse(inbound(feed() | {"object": "instagram"}))


def test_a_missing_post_id_is_malformed_and_named():
    body = feed()
    del body["entry"][0]["changes"][0]["value"]["post_id"]
    with pytest.raises(MalformedPayload) as raised:
        facebook.parse(inbound(body))
    assert raised.value.errors == [{"field": "entry[0].changes[0].value.post_id", "message": "wajib ada"}]


def test_a_message_without_mid_is_malformed_and_named():
    body = fixture("facebook_messenger.json")
    del body["entry"][0]["messaging"][0]["message"]["mid"]
    with pytest.raises(MalformedPayload, match=r"'entry\[0\]\.messaging\[0\]\.message\.mid' wajib ada"):
        facebook.parse(inbound(body))


def test_a_location_out_of_range_is_an_invalid_report_naming_the_field():
    body = fixture("facebook_messenger.json")
    body["entry"][0]["messaging"][0]["message"]["attachments"][0]["payload"]["coordinates"] = {"lat": 106.8, "long": -6.2}
    with pytest.raises(InvalidReport) as raised:
        facebook.parse(inbound(body))
    assert raised.value.status == 422
    assert [e["field"] for e in raised.value.errors] == ["lat"]


def test_oversized_text_is_an_invalid_report():
    with pytest.raises(InvalidReport) as raised:
        facebook.parse(inbound(feed(message="banjir " * 800)))
    assert [e["field"] for e in raised.value.errors] == ["text"]


def handshake_query(**changes: str) -> dict[str, str]:
    return {"hub.mode": "subscribe", "hub.verify_token": "pantau-verify-5f1c", "hub.challenge": "1158201444"} | changes


def handshake(query: dict[str, str], secrets: dict[str, str] = SECRETS) -> str:
    return facebook.handshake(Inbound(channel="facebook", body=b"", content_type="", received_at=ARRIVED,
                                      query=query, secrets=secrets))


def test_the_handshake_echoes_the_challenge():
    assert handshake(handshake_query()) == "1158201444"


@pytest.mark.parametrize("query", [
    handshake_query(**{"hub.verify_token": "guessed"}),
    handshake_query(**{"hub.mode": "unsubscribe"}),
    {"hub.challenge": "1158201444"},
])
def test_a_wrong_handshake_is_refused(query):
    with pytest.raises(BadSignature):
        handshake(query)


def test_without_a_verify_token_every_handshake_is_refused():
    with pytest.raises(BadSignature, match="PANTAU_FACEBOOK_VERIFY_TOKEN"):
        handshake(handshake_query(), secrets={"facebook_app_secret": APP_SECRET})
