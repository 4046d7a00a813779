"""Each channel's demo payload is read by that channel's real adapter as the complaint it was made from.

The facts are written out here rather than simulated, so every expectation is plain: the
external_id built from the serial, the text, the point, the category and the time.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import datetime
from email import policy
from email.parser import BytesParser
from urllib.parse import parse_qs, parse_qsl

import pytest

from crm.channels import CHANNELS
from crm.complaint import WIB
from crm.desks import DESK_WINDOWS
from crm.intake import Report
from ingest.channels import adapter
from ingest.channels.base import BadSignature
from ingest.demo_payloads import (
    BUILDERS,
    OPEN311_CLIENT,
    PAGE_ID,
    Facts,
    Person,
    delivery,
)
from ingest.demo_places import Place

AT = datetime(2026, 11, 23, 8, 15, 30, tzinfo=WIB)  # a Monday morning, in the past
SERIAL = 3_141_592_653_000_000_042
SECRETS = {"facebook_app_secret": "payload-tests-7c2a"}
GAMBIR = Place(106.8272, -6.1754, "Gambir", "Gambir", landmark="halte Monas")
RINA = Person(name="Rina Wulandari", phone="081311223344", email="rina.wulandari12@gmail.com", handle="rinawula12")
NO_POINT = frozenset({"lapor", "email", "sms"})  # these channels have no field for coordinates
SEEDS = range(12)  # each seed picks other details: a photo or not, which Facebook door, ...


def facts(channel: str, *, shares_point: bool = False, names_category: bool = False, seed: int = 0,
          serial: int = SERIAL, text: str = "sampah numpuk di halte Monas udh 3 hari gk diangkut, bau & kotor",
          category: str = "sampah") -> Facts:
    return Facts(channel=channel, serial=serial, at=AT, category=category, text=text, place=GAMBIR, person=RINA,
                 shares_point=shares_point, names_category=names_category, seed=seed)


def parse(made: Facts) -> Report:
    reports = adapter(made.channel).parse(delivery(made, SECRETS))
    assert len(reports) == 1
    return reports[0]


def test_every_channel_has_a_builder():
    assert set(BUILDERS) | {"facebook"} == set(CHANNELS)


@pytest.mark.parametrize("names_category", [True, False], ids=["category", "no-category"])
@pytest.mark.parametrize("shares_point", [True, False], ids=["point", "no-point"])
@pytest.mark.parametrize("channel", list(CHANNELS))
def test_the_channels_adapter_reads_the_complaint_back(channel, shares_point, names_category):
    for seed in SEEDS:
        made = facts(channel, shares_point=shares_point, names_category=names_category, seed=seed)
        report = parse(made)
        assert report.channel == channel
        assert report.external_id == expected_id(made)
        assert report.text.split("\n\n")[-1] == expected_text(made)  # letters put their title first
        if channel == "qlue" or (shares_point and channel not in NO_POINT):
            assert (report.lon, report.lat) == (GAMBIR.lon, GAMBIR.lat)
        else:
            assert report.lon is None and report.lat is None
        assert report.category == expected_category(made)
        assert report.reported_at == AT


def expected_id(made: Facts) -> str:
    """Each channel's own id of the complaint, as its adapter takes it for external_id."""
    channel, body = made.channel, delivery(made, SECRETS).body
    if channel in ("qlue", "twitter", "lapor"):
        return str(SERIAL)
    if channel == "facebook":
        entry = json.loads(body)["entry"][0]
        if "messaging" in entry:
            return entry["messaging"][0]["message"]["mid"]
        value = entry["changes"][0]["value"]
        assert value.get("comment_id", value["post_id"]).endswith(f"_{SERIAL}")
        return value.get("comment_id", value["post_id"])
    if channel == "email":
        message_id = str(BytesParser(policy=policy.default).parsebytes(body)["Message-ID"])
        assert message_id.startswith(f"<{SERIAL}.")
        return message_id
    if channel == "sms":
        return f"SMSC-20261123-{SERIAL}"
    if channel == "website":
        form_id = uuid.UUID(parse_qs(body.decode())["id_pengaduan"][0])
        assert form_id.version == 4
        return str(form_id)
    if channel == "open311":
        return f"{OPEN311_CLIENT}:{adapter('open311').form_digest(dict(parse_qsl(body.decode())))}"
    prefix = {"kecamatan": "KEC", "kelurahan": "KEL", "balai-warga": "BW", "pendopo": "PDP", "inspektorat": "INSP"}
    return f"{prefix[channel]}-2026-{SERIAL}"


def expected_text(made: Facts) -> str:
    if made.channel == "twitter":  # no mention in the text: the citizen tags the account at the end
        return f"{made.text} @DKIJakarta"
    return made.text


def expected_category(made: Facts) -> str | None:
    """Only channels with a category field say it, only when filled in, and only in words the adapter maps."""
    if made.channel == "open311" or (made.names_category and made.channel in {"website", *DESK_WINDOWS}):
        return made.category
    if made.names_category and made.channel == "qlue":
        return made.category  # "Sampah" is one of Qlue's labels the adapter maps
    return None


def test_a_leading_mention_is_the_tweets_own_and_the_text_survives_html_escaping():
    made = facts("twitter", text="@DKIJakarta min, got mampet <dkt> halte Monas & bau bgt")
    raw = json.loads(delivery(made, SECRETS).body)["data"]["text"]
    assert raw.startswith("@DKIJakarta min, got mampet &lt;dkt&gt; halte Monas &amp; bau bgt")
    assert parse(made).text == "min, got mampet <dkt> halte Monas & bau bgt"


def test_tweets_vary_a_pinned_spot_a_tagged_district_and_a_photo():
    tweets = [json.loads(delivery(facts("twitter", seed=seed), SECRETS).body) for seed in range(40)]
    tagged = [t for t in tweets if "geo" in t["data"]]
    assert tagged and all(t["includes"]["places"][0]["full_name"] == "Gambir, Indonesia" for t in tagged)
    assert all(parse(facts("twitter", seed=seed)).place_text == "Gambir, Indonesia"
               for seed, t in enumerate(tweets) if "geo" in t["data"])
    photo = next(seed for seed, t in enumerate(tweets) if "attachments" in t["data"])
    report = parse(facts("twitter", seed=photo))
    assert report.media and report.media[0].startswith("https://pbs.twimg.com/media/")
    assert "t.co" not in report.text


def test_facebook_deliveries_come_as_posts_comments_and_messages_signed_with_the_app_secret():
    kinds = set()
    for seed in range(40):
        made = facts("facebook", seed=seed)
        inbound = delivery(made, SECRETS)
        entry = json.loads(inbound.body)["entry"][0]
        kinds.add("message" if "messaging" in entry else entry["changes"][0]["value"]["item"])
        assert inbound.headers["x-hub-signature-256"].startswith("sha256=")
        assert entry["id"] == PAGE_ID
        with pytest.raises(BadSignature):  # the adapter checks the signature with the app's own secret
            adapter("facebook").parse(replace(inbound, secrets={"facebook_app_secret": "another-apps-secret"}))
    assert kinds == {"status", "comment", "message"}


def test_an_email_is_a_real_rfc822_message_with_an_indonesian_subject():
    subjects, attached = set(), []
    for seed in SEEDS:
        inbound = delivery(facts("email", seed=seed), SECRETS)
        assert inbound.content_type == "message/rfc822"
        message = BytesParser(policy=policy.default).parsebytes(inbound.body)
        assert message["From"].addresses[0].addr_spec == RINA.email and message["To"] == "pengaduan@jakarta.go.id"
        subjects.add(str(message["Subject"]))
        report = parse(facts("email", seed=seed))
        assert report.text.startswith(f"{message['Subject']}\n\n")
        attached += report.media
    assert any("Gambir" in subject for subject in subjects) and any("–" in subject for subject in subjects)
    assert b"=?utf-8?" in b"".join(delivery(facts("email", seed=s), SECRETS).body for s in SEEDS)  # RFC 2047
    assert "lampiran:foto_lokasi.jpg" in attached


def test_lapor_names_our_category_only_where_its_national_label_is_exact():
    health = facts("lapor", names_category=True, category="kesehatan", text="antrean puskesmas Gambir lama sekali")
    assert json.loads(delivery(health, SECRETS).body)["category"] == "Kesehatan"
    assert parse(health).category == "kesehatan"
    assert json.loads(delivery(facts("lapor", names_category=True), SECRETS).body)["category"] == (
        "Lingkungan Hidup dan Kehutanan")  # broad: left to the classifier


def test_lapor_keeps_anonymous_reporters_anonymous():
    reports = [(json.loads(delivery(facts("lapor", seed=s), SECRETS).body), parse(facts("lapor", seed=s)))
               for s in range(40)]
    assert {disposition["is_anonymous"] for disposition, _ in reports} == {True, False}
    for disposition, report in reports:
        hidden = disposition["is_anonymous"] or disposition["is_confidential"]
        assert (report.reporter_name is None) is hidden
        assert report.text.startswith(disposition["title"] + "\n\n") and "Gambir" in report.place_text


def test_the_sms_gateway_sends_the_msisdn_and_the_wall_clock():
    form = parse_qs(delivery(facts("sms"), SECRETS).body.decode())
    assert form["sender"] == ["6281311223344"] and form["timestamp"] == ["2026-11-23 08:15:30"]
    assert parse(facts("sms")).reporter_contact == "6281311223344"


def test_the_website_form_sends_every_input_blank_when_left_empty():
    body = delivery(facts("website"), SECRETS).body.decode()
    assert "lat=&lng=" in body and "kategori=Lainnya" in body
    assert parse(facts("website")).reporter_contact == f"{RINA.email}; 0813-1122-3344"


def test_walk_in_entries_name_their_desk_and_the_inspectorate_hides_its_visitors():
    for channel in DESK_WINDOWS:
        report = parse(facts(channel))
        assert report.desk and report.officer and report.place_text
        assert (report.reporter_name is None) is (channel == "inspektorat")
    assert parse(facts("kecamatan")).desk == "Kantor Kecamatan Gambir"


def test_open311_is_the_form_the_route_passes_on_without_api_key():
    inbound = delivery(facts("open311", shares_point=True), SECRETS)
    form = parse_qs(inbound.body.decode())
    assert "api_key" not in form and inbound.headers == {"x-pantau-client": OPEN311_CLIENT}
    assert form["service_code"] == ["sampah"] and parse(facts("open311")).place_text  # no point: an address


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_ids_are_unique_per_serial_and_the_same_on_a_retry(channel):
    made = [facts(channel, serial=SERIAL + n, seed=n) for n in range(200)]
    ids = [parse(m).external_id for m in made]
    assert len(set(ids)) == 200
    assert [delivery(m, SECRETS) for m in made[:20]] == [delivery(m, SECRETS) for m in made[:20]]  # byte for byte
