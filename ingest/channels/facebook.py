"""Facebook: the Graph API webhook of the Pemprov DKI page, posted as JSON (`application/json`).

Facebook signs every delivery: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body,
keyed with the app secret>` (PANTAU_FACEBOOK_APP_SECRET). A delivery whose signature is absent or
wrong is refused (403) before its body is read, and with no secret set every delivery is refused,
so the channel needs no API key (`SIGNED`). Subscribing the webhook is a GET handshake, see
`handshake`.

One delivery batches entries of two kinds. Page feed changes (visitor posts and comments):

    {"object": "page", "entry": [{"id": "114938226519304", "time": 1795733051, "changes": [
      {"field": "feed", "value": {
        "item": "status", "verb": "add", "post_id": "114938226519304_1061823742771935",
        "message": "Got mampet di Jl. Cempaka Putih Tengah XIII, tiap hujan air masuk rumah warga.",
        "from": {"id": "7712409385512001", "name": "Dewi Lestari"}, "created_time": 1795733049}},
      {"field": "feed", "value": {
        "item": "comment", "verb": "add", "post_id": "114938226519304_1061823742771935",
        "comment_id": "1061823742771935_882310457716122", "message": "Sama, di RT 05 juga!",
        "photo": "https://scontent.xx.fbcdn.net/v/t39.30808-6/4671_n.jpg",
        "from": {"id": "7712409385599902", "name": "Agus Salim"}, "created_time": 1795733050}}]}]}

and Messenger messages to the page:

    {"object": "page", "entry": [{"id": "114938226519304", "time": 1795733051000, "messaging": [
      {"sender": {"id": "6983712456690123"}, "recipient": {"id": "114938226519304"},
       "timestamp": 1795733050871, "message": {"mid": "m_Qk1v7oJc2ZzK3F0aXh0Zl9pZA",
        "text": "Pohon mau tumbang di depan SDN Menteng 01",
        "attachments": [
          {"type": "location", "payload": {"coordinates": {"lat": -6.1951, "long": 106.8331}}},
          {"type": "image", "payload": {"url": "https://scontent.xx.fbcdn.net/v/t1.15752-9/3312_n.jpg"}}]}}]}]}

One report per new post, comment or message that has text; the rest is not a complaint and
gives nothing: edits, removals, reactions, likes, feed fields other than `feed`, the page's own
posts and replies (`from.id` is the page), Messenger echoes (`is_echo`, the page's own replies),
delivery and read receipts, postbacks, and posts or messages without text (a location or photo
sent on its own is not joined to the message before it). Fields read:

- `object` must be `page`; `entry[].id` is the page.
- feed: `value.item` one of post, status, photo, comment with `value.verb` add;
  `value.comment_id` (comments) or `value.post_id` -> external_id; `message` -> text;
  `from.name` -> reporter_name, `from.id` -> reporter_contact `facebook:<id>`; `created_time`
  (Unix seconds, or ISO 8601 as the Graph API writes it) -> reported_at; `photo`, `photos` and,
  for a photo post, `link` -> media.
- messaging: `message.mid` -> external_id; `message.text` -> text; `sender.id` (the page-scoped
  id the page answers to) -> reporter_contact `facebook:<id>`; `timestamp` (Unix milliseconds)
  -> reported_at; a `location` attachment's `payload.coordinates.lat`/`long` -> lat, lon; the
  `payload.url` of image, video, audio and file attachments -> media.

Ids are Facebook's own, so a delivery Facebook retries maps to the same complaints.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any

from crm.intake import Report
from ingest.channels.base import BadSignature, Inbound, MalformedPayload, make_report
from ingest.channels.json_fields import (
    objects,
    optional,
    read_json,
    required,
    timestamp,
)

CHANNEL = "facebook"
SIGNED = True
SIGNATURE_HEADER = "x-hub-signature-256"

FEED_ITEMS = frozenset({"post", "status", "photo", "comment"})
MEDIA_ATTACHMENTS = frozenset({"image", "video", "audio", "file"})


def handshake(inbound: Inbound) -> str:
    """Answer Facebook's subscription check (GET): echo `hub.challenge` if `hub.verify_token` is ours."""
    token = inbound.secrets.get("facebook_verify_token")
    if not token:
        raise BadSignature("PANTAU_FACEBOOK_VERIFY_TOKEN belum diatur: verifikasi webhook Facebook ditolak.")
    if inbound.query.get("hub.mode") != "subscribe":
        raise BadSignature("hub.mode harus 'subscribe'.")
    if not hmac.compare_digest(inbound.query.get("hub.verify_token", "").encode(), token.encode()):
        raise BadSignature("hub.verify_token tidak cocok dengan PANTAU_FACEBOOK_VERIFY_TOKEN.")
    challenge = inbound.query.get("hub.challenge")
    if not challenge:
        raise MalformedPayload("Parameter hub.challenge tidak ada.")
    return challenge


def parse(inbound: Inbound) -> list[Report]:
    """One report per new post, comment or message with text in the delivery; [] for the rest."""
    verify_signature(inbound)
    payload = read_json(inbound)
    if payload.get("object") != "page":
        raise MalformedPayload(f"Kolom 'object' harus 'page' (webhook halaman), bukan {payload.get('object')!r}.",
                               errors=[{"field": "object", "message": "harus 'page'"}])
    reports = []
    for where, entry in objects(payload, "entry"):
        page_id = str(required(entry, "id", (str, int), where))
        for path, change in objects(entry, "changes", where):
            reports.append(_from_feed(change, path, page_id, inbound.received_at))
        for path, event in objects(entry, "messaging", where):
            reports.append(_from_message(event, path, inbound.received_at))
    return [report for report in reports if report is not None]


def verify_signature(inbound: Inbound) -> None:
    """BadSignature unless X-Hub-Signature-256 is the HMAC of the raw body with our app secret."""
    secret = inbound.secrets.get("facebook_app_secret")
    if not secret:
        raise BadSignature("PANTAU_FACEBOOK_APP_SECRET belum diatur: kanal facebook menolak semua kiriman.")
    sent = inbound.headers.get(SIGNATURE_HEADER)
    if not sent:
        raise BadSignature("Header X-Hub-Signature-256 tidak ada: kiriman tidak ditandatangani Facebook.")
    expected = "sha256=" + hmac.new(secret.encode(), inbound.body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(sent.strip().encode(), expected.encode()):
        raise BadSignature("Tanda tangan X-Hub-Signature-256 tidak cocok dengan isi kiriman.")


def _from_feed(change: dict[str, Any], where: str, page_id: str, received_at: datetime) -> Report | None:
    if change.get("field") != "feed":
        return None
    value = required(change, "value", dict, where)
    where += "value."
    if value.get("item") not in FEED_ITEMS or value.get("verb") != "add":
        return None  # edits, removals, reactions, likes
    author = optional(value, "from", dict, where) or {}  # Facebook may leave it out
    author_id = optional(author, "id", (str, int), where + "from.")
    message = optional(value, "message", str, where)
    if str(author_id) == page_id or not message or not message.strip():
        return None  # the page's own posts and replies; photos without a word
    id_field = "comment_id" if value["item"] == "comment" else "post_id"
    return make_report(
        channel=CHANNEL,
        external_id=str(required(value, id_field, (str, int), where)),
        text=message,
        reporter_name=optional(author, "name", str, where + "from."),
        reporter_contact=f"facebook:{author_id}" if author_id else None,
        reported_at=timestamp(optional(value, "created_time", (str, int), where), where + "created_time")
        or received_at,
        media=_feed_media(value, where),
    )


def _feed_media(value: dict[str, Any], where: str) -> tuple[str, ...]:
    photos = [optional(value, "photo", str, where), *(optional(value, "photos", list, where) or [])]
    if value.get("item") == "photo":
        photos.append(optional(value, "link", str, where))
    return tuple(photo for photo in photos if isinstance(photo, str) and photo)


def _from_message(event: dict[str, Any], where: str, received_at: datetime) -> Report | None:
    message = optional(event, "message", dict, where)
    if message is None or message.get("is_echo"):
        return None
    text = optional(message, "text", str, where + "message.")
    if not text or not text.strip():
        return None
    sender = required(event, "sender", dict, where)
    sent_ms = optional(event, "timestamp", int, where)
    attachments = objects(message, "attachments", where + "message.")
    lat, lon = _location(attachments)
    return make_report(
        channel=CHANNEL,
        external_id=required(message, "mid", str, where + "message."),
        text=text,
        lat=lat,
        lon=lon,
        reporter_contact=f"facebook:{required(sender, 'id', (str, int), where + 'sender.')}",
        reported_at=timestamp(sent_ms / 1000, where + "timestamp") if sent_ms is not None else received_at,
        media=_message_media(attachments),
    )


def _location(attachments: list[tuple[str, dict[str, Any]]]) -> tuple[Any, Any]:
    """(lat, lon) of the first shared location, unchecked (make_report checks ranges); else (None, None)."""
    for path, item in attachments:
        if item.get("type") == "location":
            payload = required(item, "payload", dict, path)
            point = required(payload, "coordinates", dict, path + "payload.")
            where = path + "payload.coordinates."
            return required(point, "lat", (int, float), where), required(point, "long", (int, float), where)
    return None, None


def _message_media(attachments: list[tuple[str, dict[str, Any]]]) -> tuple[str, ...]:
    urls = []
    for path, item in attachments:
        if item.get("type") in MEDIA_ATTACHMENTS:
            payload = optional(item, "payload", dict, path) or {}
            urls.append(optional(payload, "url", str, path + "payload."))
    return tuple(url for url in urls if url)
