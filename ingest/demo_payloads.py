"""Each channel's native delivery of a demo complaint: the bytes its sender would POST.

The demo feed goes through the Receiver and the real adapters (ingest/channels/), so the map
only comes alive if every adapter still reads what its channel sends. One function per channel
turns the facts of a simulated complaint into (body, content type, headers); the payload it
writes is the one documented in that channel's adapter module. Details a channel adds around
the complaint (ids of authors, a photo or not, which Facebook door) come from `Facts.seed`, so
a seeded feed repeats them byte for byte.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import random
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from email import policy, utils
from email.headerregistry import Address
from email.message import EmailMessage
from types import MappingProxyType
from typing import Any, NamedTuple
from urllib.parse import urlencode

from crm.categories import CATEGORIES, FALLBACK
from crm.complaint import WIB
from ingest.channels.base import Inbound
from ingest.channels.forms import FORM
from ingest.channels.json_fields import JSON
from ingest.channels.lapor import LAPOR_CATEGORIES
from ingest.channels.open311 import CLIENT_HEADER
from ingest.channels.qlue import QLUE_CATEGORIES
from ingest.demo_places import Place

PAGE_ID = "108274619351027"  # the Pemprov DKI page in the demo's Facebook webhooks
PAGE_POSTS = ("108274619351027_774120935586142", "108274619351027_774388102255917")  # posts citizens answer
OPEN311_CLIENT = "mitra-demo"  # the API key's name the Open311 route puts in CLIENT_HEADER
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"  # a tiny JPEG


@dataclass(frozen=True, slots=True)
class Person:
    """Who complains, with the contacts each channel knows them by."""

    name: str
    phone: str  # 08xx..., as Indonesians write it
    email: str
    handle: str  # username on Twitter and Qlue


@dataclass(frozen=True, slots=True)
class Facts:
    """One simulated complaint before a channel writes it down."""

    channel: str
    serial: int  # unique across runs: each builder makes its channel's own id from it
    at: datetime  # aware: when the channel received it
    category: str  # what it is about; `text` says so
    text: str
    place: Place
    person: Person
    shares_point: bool  # the delivery carries the place's coordinates (Qlue always, SMS never)
    names_category: bool  # the channel's own category field is filled in right
    seed: int  # seeds the details the channel adds around the complaint


class Payload(NamedTuple):
    body: bytes
    content_type: str
    headers: dict[str, str]  # lower-case names, as Inbound keeps them


def delivery(facts: Facts, secrets: Mapping[str, str]) -> Inbound:
    """The delivery as its route hands it to the Receiver; Facebook's is signed with our app secret."""
    if facts.channel == "facebook":
        body, content_type, headers = facebook(facts, secrets["facebook_app_secret"])
    else:
        body, content_type, headers = BUILDERS[facts.channel](facts)
    return Inbound(channel=facts.channel, body=body, content_type=content_type, received_at=facts.at,
                   headers=headers, secrets=secrets)


def qlue(facts: Facts) -> Payload:
    """The Qlue app's report: always GPS, sometimes as strings; Qlue's own category label."""
    place, details = facts.place, _details(facts)
    as_text = details.random() < 0.5  # the app sends the point both ways
    return _json({
        "report_id": facts.serial,
        "category": _QLUE_LABELS.get(facts.category, "Lainnya") if facts.names_category else "Lainnya",
        "description": facts.text,
        "lat": str(place.lat) if as_text else place.lat,
        "lng": str(place.lon) if as_text else place.lon,
        "address": _address(place),
        "photo_url": f"https://files.qlue.co.id/report/{_wib(facts):%Y/%m}/{facts.serial}.jpg",
        "user": {"username": facts.person.handle, "phone": facts.person.phone},
        "created_at": f"{_wib(facts):%Y-%m-%d %H:%M:%S}",
    })


def twitter(facts: Facts) -> Payload:
    """A filtered-stream tweet to @DKIJakarta: a pinned spot, a tagged district or neither; maybe a photo."""
    details = _details(facts)
    tweet_id, author_id = str(facts.serial), str(details.randrange(10**17, 10**19))
    text = facts.text if "@dkijakarta" in facts.text.casefold() else f"{facts.text} @DKIJakarta"
    tweet: dict[str, Any] = {
        "id": tweet_id, "edit_history_tweet_ids": [tweet_id], "text": html.escape(text, quote=False),
        "author_id": author_id, "created_at": facts.at.astimezone(timezone.utc).isoformat(timespec="milliseconds")
        .replace("+00:00", "Z"),
    }
    includes: dict[str, Any] = {"users": [{"id": author_id, "name": facts.person.name,
                                           "username": facts.person.handle}]}
    if facts.shares_point:
        tweet["geo"] = {"coordinates": {"type": "Point", "coordinates": [facts.place.lon, facts.place.lat]}}
    elif details.random() < 0.3:
        place_id = f"{details.getrandbits(64):016x}"
        tweet["geo"] = {"place_id": place_id}
        includes["places"] = [{"id": place_id, "full_name": f"{facts.place.kecamatan}, Indonesia"}]
    if details.random() < 0.4:
        _attach_photo(tweet, includes, details)
    return _json({"data": tweet, "includes": includes,
                  "matching_rules": [{"id": "1861000000000000000", "tag": "dkijakarta"}]})


def facebook(facts: Facts, app_secret: str) -> Payload:
    """A page webhook, signed as Facebook signs it: a visitor post, a comment or a Messenger message."""
    details = _details(facts)
    if facts.shares_point or details.random() < 0.3:
        entry = {"id": PAGE_ID, "time": _ms(facts), "messaging": [_messenger(facts, details)]}
    else:
        entry = {"id": PAGE_ID, "time": int(facts.at.timestamp()), "changes": [_feed(facts, details)]}
    body = json.dumps({"object": "page", "entry": [entry]}, separators=(",", ":")).encode()
    digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    legacy = hmac.new(app_secret.encode(), body, hashlib.sha1).hexdigest()  # Facebook still sends both
    return Payload(body, JSON, {"x-hub-signature-256": f"sha256={digest}", "x-hub-signature": f"sha1={legacy}"})


def lapor(facts: Facts) -> Payload:
    """A LAPOR! disposition: the citizen's title and letter, a national category, no coordinates."""
    details = _details(facts)
    anonymous, confidential = details.random() < 0.15, details.random() < 0.05
    person = facts.person
    return _json({
        "tracking_id": str(facts.serial),
        "title": _title(facts, details),
        "content": facts.text,
        "category": _LAPOR_LABELS.get(facts.category, "Lainnya") if facts.names_category else "Lainnya",
        "location": _address(facts.place),
        "date": f"{_wib(facts):%Y-%m-%d %H:%M:%S}",
        "is_anonymous": anonymous,
        "is_confidential": confidential,
        "reporter": None if anonymous else {"name": person.name, "email": person.email, "phone": person.phone},
        "attachments": [f"https://www.lapor.go.id/storage/lampiran/{facts.serial}/foto-1.jpg"]
        if details.random() < 0.4 else [],
        "disposition": {"from": "Kementerian PANRB", "to": "Pemerintah Provinsi DKI Jakarta",
                        "at": f"{_wib(facts):%Y-%m-%d %H:%M:%S}"},
    })


def email(facts: Facts) -> Payload:
    """A raw RFC 822 message to the complaints address, Indonesian subject, sometimes a photo attached."""
    details = _details(facts)
    user, domain = facts.person.email.split("@")
    message = EmailMessage(policy=policy.default)
    message["From"] = Address(facts.person.name, user, domain)
    message["To"] = "pengaduan@jakarta.go.id"
    message["Subject"] = _subject(facts, details)
    message["Date"] = utils.format_datetime(_wib(facts))
    message["Message-ID"] = f"<{facts.serial}.{details.getrandbits(48):012x}@mail.{domain}>"
    message.set_content(facts.text)
    if details.random() < 0.3:
        message.add_attachment(PHOTO, maintype="image", subtype="jpeg", filename="foto_lokasi.jpg")
        message.set_boundary(f"=_{details.getrandbits(64):016x}")  # the stdlib's is random: a seed must repeat it
    return Payload(message.as_bytes(), "message/rfc822", {})


def sms(facts: Facts) -> Payload:
    """The SMS Center gateway's form post: sender, text and its wall clock, never a point."""
    return _form({
        "message_id": f"SMSC-{_wib(facts):%Y%m%d}-{facts.serial}",
        "sender": "62" + facts.person.phone.removeprefix("0"),
        "timestamp": f"{_wib(facts):%Y-%m-%d %H:%M:%S}",
        "message": facts.text,
    })


def website(facts: Facts) -> Payload:
    """The jakarta.go.id form: every input sent, blank when the citizen left it (no pin, no category)."""
    place, person, details = facts.place, facts.person, _details(facts)
    return _form({
        "id_pengaduan": str(_uuid4(facts.serial)),
        "nama": person.name,
        "email": person.email,
        "telepon": f"{person.phone[:4]}-{person.phone[4:8]}-{person.phone[8:]}",
        "kategori": CATEGORIES[facts.category].name if facts.names_category else "Lainnya",
        "judul": _title(facts, details),
        "isi": facts.text,
        "lokasi": _address(place),
        "lat": str(place.lat) if facts.shares_point else "",
        "lng": str(place.lon) if facts.shares_point else "",
    })


def walk_in(facts: Facts) -> Payload:
    """A desk entry typed by the official on duty; the inspectorate keeps its visitors anonymous."""
    place, details = facts.place, _details(facts)
    prefix, desk = _DESKS[facts.channel]
    entry: dict[str, Any] = {
        "entry_id": f"{prefix}-{_wib(facts):%Y}-{facts.serial}",  # unique across the channel's offices
        "desk": desk.format(kelurahan=place.kelurahan, kecamatan=place.kecamatan),
        "officer": person(details).name,
        "text": facts.text,
        "location": _address(place),
        "visited_at": _wib(facts).isoformat(timespec="seconds"),
    }
    if facts.channel != "inspektorat":
        entry["visitor"] = {"name": facts.person.name, "contact": facts.person.phone}
    if facts.names_category:
        entry["category"] = facts.category
    if facts.shares_point:
        entry |= {"lat": place.lat, "lon": place.lon}
    return _json(entry)


def open311(facts: Facts) -> Payload:
    """A partner app's GeoReport form as the Open311 route passes it on: api_key taken out, client named."""
    place, details = facts.place, _details(facts)
    given, _, family = facts.person.name.partition(" ")
    form = {"jurisdiction_id": "jakarta.go.id", "service_code": facts.category, "description": facts.text,
            "device_id": str(_uuid4(facts.serial)), "email": facts.person.email, "first_name": given,
            "last_name": family}
    if facts.shares_point:
        form |= {"lat": str(place.lat), "long": str(place.lon)}
    if not facts.shares_point or details.random() < 0.5:
        form["address_string"] = _address(place)
    if details.random() < 0.5:
        form["media_url"] = f"https://mitra.example.id/foto/{facts.serial}.jpg"
    body, content_type, _ = _form(form)
    return Payload(body, content_type, {CLIENT_HEADER: OPEN311_CLIENT})


BUILDERS: Mapping[str, Callable[[Facts], Payload]] = MappingProxyType({
    "qlue": qlue, "twitter": twitter, "lapor": lapor, "email": email, "sms": sms, "website": website,
    "balai-warga": walk_in, "kecamatan": walk_in, "kelurahan": walk_in, "pendopo": walk_in,
    "inspektorat": walk_in, "open311": open311,
})  # and facebook, which also needs the app secret

_DESKS = {
    "kecamatan": ("KEC", "Kantor Kecamatan {kecamatan}"),
    "kelurahan": ("KEL", "Kantor Kelurahan {kelurahan}"),
    "balai-warga": ("BW", "Balai Warga Kelurahan {kelurahan}"),
    "pendopo": ("PDP", "Pendopo Balai Kota"),
    "inspektorat": ("INSP", "Inspektorat Provinsi DKI Jakarta"),
}
# Qlue's labels as the app writes them, for the categories the adapter maps.
_QLUE_LABELS = {code: label.title() if len(label) > 3 else label.upper() for label, code in QLUE_CATEGORIES.items()}
# LAPOR!'s national labels; the broad ones cover several of our categories.
_LAPOR_LABELS = {
    **{code: label for label, code in LAPOR_CATEGORIES.items()},
    **dict.fromkeys(("jalan", "saluran_air", "banjir", "lampu_jalan", "galian_proyek", "kabel_utilitas",
                     "fasilitas_umum", "air_bersih", "rumah_susun"), "Infrastruktur"),
    **dict.fromkeys(("sampah", "pencemaran", "taman", "pohon", "hewan"), "Lingkungan Hidup dan Kehutanan"),
    **dict.fromkeys(("lalu_lintas", "transportasi_umum", "parkir_liar"), "Perhubungan"),
    **dict.fromkeys(("ketenteraman_ketertiban", "pkl", "reklame", "kebakaran", "kawasan_dilarang_merokok"),
                    "Ketentraman, Ketertiban Umum, dan Perlindungan Masyarakat"),
    **dict.fromkeys(("kesejahteraan_sosial", "perlindungan_perempuan_anak"), "Sosial dan Kesejahteraan"),
    **dict.fromkeys(("pungutan_liar", "pelayanan_publik", "ppsu"), "Reformasi Birokrasi dan Tata Kelola"),
    "pendidikan": "Pendidikan dan Kebudayaan",
    "bangunan_perizinan": "Pembangunan dan Perizinan",
}
_GIVEN = ("Rina", "Budi", "Siti", "Agus", "Dewi", "Andi", "Putri", "Rizky", "Nur", "Hendra", "Wulan", "Fajar",
          "Yuni", "Dimas", "Sri", "Bambang", "Ayu", "Joko", "Indah", "Eko", "Fitri", "Teguh", "Ratna", "Rahmat")
_FAMILY = ("Santoso", "Wulandari", "Lestari", "Saputra", "Hidayat", "Rahmawati", "Kurniawan", "Siregar",
           "Nasution", "Simanjuntak", "Pratama", "Sari", "Setiawan", "Hasibuan", "Wijaya", "Purnomo", "Maulana",
           "Permata", "Situmorang", "Nugroho")
_MAIL = ("gmail.com", "gmail.com", "gmail.com",  # most Jakartans write from Gmail
         "yahoo.co.id", "yahoo.com", "outlook.com", "ymail.com")
_OPERATORS = ("0811", "0812", "0813", "0821", "0822", "0852", "0857", "0878", "0896", "0838")


def person(rng: random.Random) -> Person:
    """A Jakartan with a phone, a mailbox and a handle."""
    given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
    number = rng.randint(10, 99)
    return Person(name=f"{given} {family}", phone=f"{rng.choice(_OPERATORS)}{rng.randrange(10**7, 10**8)}",
                  email=f"{given}.{family}{number}@{rng.choice(_MAIL)}".lower(),
                  handle=f"{given}{family[:4]}{number}".lower())


def _details(facts: Facts) -> random.Random:
    return random.Random(facts.seed)


def _json(payload: dict[str, Any]) -> Payload:
    return Payload(json.dumps(payload, ensure_ascii=False).encode(), JSON, {})


def _form(fields: dict[str, str]) -> Payload:
    return Payload(urlencode(fields).encode(), FORM, {})


def _wib(facts: Facts) -> datetime:
    return facts.at.astimezone(WIB)


def _ms(facts: Facts) -> int:
    return int(facts.at.timestamp() * 1000)


def _uuid4(serial: int) -> uuid.UUID:
    """A version-4 UUID that only this serial gets: random-looking, as a browser's form id is."""
    return uuid.UUID(bytes=hashlib.sha256(f"pantau-demo-{serial}".encode()).digest()[:16], version=4)


def _address(place: Place) -> str:
    where = f"Kel. {place.kelurahan}, Kec. {place.kecamatan}, DKI Jakarta"
    return f"{place.landmark}, {where}" if place.landmark else where


def _title(facts: Facts, details: random.Random) -> str:
    """What a citizen types as the title: the problem and where, or just where."""
    where = facts.place.landmark or f"Kelurahan {facts.place.kelurahan}"
    if details.random() < 0.6:
        return f"{CATEGORIES[facts.category].name} di {where}"
    return f"Keluhan warga Kelurahan {facts.place.kelurahan}"


def _subject(facts: Facts, details: random.Random) -> str:
    name = CATEGORIES[facts.category].name.lower() if facts.category != FALLBACK else "warga"
    return details.choice((
        f"Pengaduan {name} di Kelurahan {facts.place.kelurahan} – mohon tindak lanjut",
        f"Laporan warga Kelurahan {facts.place.kelurahan}",
        f"Mohon penanganan: {name} di {facts.place.landmark or facts.place.kelurahan}",
        "Pengaduan masyarakat",
    ))


def _attach_photo(tweet: dict[str, Any], includes: dict[str, Any], details: random.Random) -> None:
    """The tweet's own photo: a media key, a t.co link at the end of the text (the adapter drops it)."""
    key, short = f"3_{details.randrange(10**18, 10**19)}", f"https://t.co/{_token(details, 7)}"
    tweet["text"] += f" {short}"
    tweet["attachments"] = {"media_keys": [key]}
    tweet["entities"] = {"urls": [{"url": short, "expanded_url": f"https://x.com/i/status/{tweet['id']}/photo/1",
                                   "display_url": f"pic.x.com/{short[-7:]}", "media_key": key}]}
    includes["media"] = [{"media_key": key, "type": "photo",
                          "url": f"https://pbs.twimg.com/media/{_token(details, 15)}.jpg"}]


def _feed(facts: Facts, details: random.Random) -> dict[str, Any]:
    """A visitor's post on the page, or a comment under one of the page's posts."""
    author = {"id": str(details.randrange(10**15, 10**16)), "name": facts.person.name}
    value: dict[str, Any] = {"from": author, "verb": "add", "message": facts.text,
                             "created_time": int(facts.at.timestamp())}
    if details.random() < 0.25:
        post = details.choice(PAGE_POSTS)
        value |= {"item": "comment", "post_id": post, "comment_id": f"{post.split('_')[1]}_{facts.serial}"}
    else:
        value |= {"item": "status", "post_id": f"{PAGE_ID}_{facts.serial}"}
    return {"field": "feed", "value": value}


def _messenger(facts: Facts, details: random.Random) -> dict[str, Any]:
    """A Messenger message to the page; with the shared spot as a location attachment."""
    message: dict[str, Any] = {"mid": "m_" + base64.urlsafe_b64encode(facts.serial.to_bytes(8, "big")
                                                                       + details.randbytes(10)).decode(),
                               "text": facts.text}
    if facts.shares_point:
        message["attachments"] = [{"type": "location", "payload": {
            "coordinates": {"lat": facts.place.lat, "long": facts.place.lon}}}]
    return {"sender": {"id": str(details.randrange(10**15, 10**16))}, "recipient": {"id": PAGE_ID},
            "timestamp": _ms(facts), "message": message}


def _token(details: random.Random, length: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(details.choice(alphabet) for _ in range(length))
