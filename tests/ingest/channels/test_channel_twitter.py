"""The Twitter adapter: API v2 filtered-stream tweets, read from Inbound objects."""
from __future__ import annotations

import copy
from datetime import datetime, timezone
from typing import Any

import pytest

from ingest.channels import twitter
from ingest.channels.base import InvalidReport, MalformedPayload, WrongContentType
from tests.ingest.channels.deliveries import ARRIVED, DATA, Deliveries, recorded_json

TWITTER = Deliveries("twitter")
inbound, parse_one = TWITTER.inbound, TWITTER.parse_one


def tweet(name: str = "twitter_tweet_geo.json") -> dict[str, Any]:
    return recorded_json(name)


def with_text(text: str, name: str = "twitter_tweet_geo.json") -> dict[str, Any]:
    body = tweet(name)
    body["data"]["text"] = text
    return body


def test_a_tweet_with_exact_coordinates_becomes_one_report():
    report = parse_one((DATA / "twitter_tweet_geo.json").read_bytes())
    assert report.channel == "twitter"
    assert report.external_id == "1861780245513076771"
    assert report.text == "min, lampu PJU di Jl. Pramuka depan halte Utan Kayu mati 3 malam & gelap bgt"
    assert (report.lon, report.lat) == (106.8662, -6.1985)
    assert report.place_text is None  # the exact point wins over the place
    assert report.reporter_name == "Rina"
    assert report.reporter_contact == "@rina_utankayu"
    assert report.reported_at == datetime(2026, 11, 26, 13, 4, 11, tzinfo=timezone.utc)
    assert report.media == ("https://pbs.twimg.com/media/GdPq1xYaAAEx3kZ.jpg",)
    assert report.category is None


def test_a_tweet_with_only_a_place_gets_its_name_and_no_invented_point():
    report = parse_one(tweet("twitter_tweet_place.json"))
    assert (report.lon, report.lat) == (None, None)
    assert report.place_text == "Cakung, Indonesia"


def test_the_author_is_found_by_id_among_the_mentioned_users():
    report = parse_one(tweet("twitter_tweet_place.json"))
    assert (report.reporter_name, report.reporter_contact) == ("Ahmad Fauzi", "@fauzi_cakung")


def test_the_dki_mention_is_dropped_other_handles_kept_and_links_expanded():
    report = parse_one(tweet("twitter_tweet_place.json"))
    assert report.text == (
        "@budi_cakung @BinaMargaDKI jalan amblas lagi di Jl. Raya Bekasi km 18, udh ada korban motor jatuh. "
        "Liputannya: https://megapolitan.example.id/read/2026/11/26/jalan-amblas-raya-bekasi"
    )


def test_a_mention_inside_the_sentence_stays_part_of_it():
    report = parse_one(with_text("Tolong @DKIJakarta, got di Jl. Matraman Raya mampet"))
    assert report.text == "Tolong @DKIJakarta, got di Jl. Matraman Raya mampet"


@pytest.mark.parametrize("text", [
    "@dkijakarta sampah di Pasar Minggu",
    "Sampah di Pasar Minggu belum diangkut @DKIJAKARTA",
    "@budi cek deh, udah lapor ke @DkiJakarta",
])
def test_a_mention_in_any_case_is_a_report(text):
    assert len(twitter.parse(inbound(with_text(text)))) == 1


@pytest.mark.parametrize("text", [
    "Macet parah di tol dalam kota, info dari dkijakarta.go.id",
    "Saya sudah email ke pengaduan@dkijakarta.go.id",
    "@DKIJakartaFans nonton bareng di Monas",
])
def test_a_tweet_not_mentioning_dkijakarta_is_not_a_report(text):
    assert twitter.parse(inbound(with_text(text))) == []


def test_the_fixture_not_for_us_gives_nothing():
    assert twitter.parse(inbound((DATA / "twitter_not_for_us.json").read_bytes())) == []


def test_a_retweet_is_not_a_second_report():
    body = with_text("RT @rina_utankayu: @DKIJakarta min, lampu PJU di Jl. Pramuka mati")
    assert twitter.parse(inbound(body)) == []
    body = tweet()
    body["data"]["referenced_tweets"] = [{"type": "retweeted", "id": "1861780245513076000"}]
    assert twitter.parse(inbound(body)) == []


def test_a_quote_tweet_is_a_report():
    body = tweet()
    body["data"]["referenced_tweets"] = [{"type": "quoted", "id": "1861780245513076000"}]
    assert len(twitter.parse(inbound(body))) == 1


def test_a_retried_delivery_has_the_same_external_id():
    raw = (DATA / "twitter_tweet_geo.json").read_bytes()
    assert parse_one(raw).external_id == parse_one(raw).external_id


def test_an_edited_tweet_keeps_the_first_versions_id():
    original = tweet()
    edited = copy.deepcopy(original)
    edited["data"]["id"] = "1861780999000111222"
    edited["data"]["edit_history_tweet_ids"] = ["1861780245513076771", "1861780999000111222"]
    assert parse_one(edited).external_id == parse_one(original).external_id == "1861780245513076771"


def test_without_edit_history_the_tweet_id_is_used():
    body = tweet()
    del body["data"]["edit_history_tweet_ids"]
    assert parse_one(body).external_id == "1861780245513076771"


def test_a_place_missing_from_includes_gives_no_place_and_no_point():
    body = tweet("twitter_tweet_place.json")
    body["includes"]["places"] = []
    report = parse_one(body)
    assert (report.place_text, report.lat, report.lon) == (None, None, None)


def test_without_includes_or_created_at_the_report_still_stands():
    body = tweet()
    del body["includes"], body["data"]["created_at"]
    report = parse_one(body)
    assert (report.reporter_contact, report.media, report.reported_at) == (None, (), ARRIVED)


def test_a_video_gives_its_preview_image():
    body = tweet()
    body["includes"]["media"] = [{"media_key": "3_1861780240001234944", "type": "video",
                                  "preview_image_url": "https://pbs.twimg.com/ext_tw_video_thumb/1/pu/img/a.jpg"}]
    assert parse_one(body).media == ("https://pbs.twimg.com/ext_tw_video_thumb/1/pu/img/a.jpg",)


def test_only_the_mention_and_a_photo_is_an_invalid_report():
    body = with_text("@DKIJakarta https://t.co/Qw3rTy7UiO")
    with pytest.raises(InvalidReport) as raised:
        twitter.parse(inbound(body))
    assert [e["field"] for e in raised.value.errors] == ["text"]


def test_coordinates_out_of_range_are_an_invalid_report_naming_the_field():
    body = tweet()
    body["data"]["geo"]["coordinates"]["coordinates"] = [-6.1985, 106.8662]  # lat, lon swapped
    with pytest.raises(InvalidReport) as raised:
        twitter.parse(inbound(body))
    assert [e["field"] for e in raised.value.errors] == ["lat"]


def test_coordinates_that_are_not_a_point_are_malformed():
    body = tweet()
    body["data"]["geo"]["coordinates"] = {"type": "Point", "coordinates": [106.8662]}
    with pytest.raises(MalformedPayload, match="data.geo.coordinates"):
        twitter.parse(inbound(body))


@pytest.mark.parametrize(("remove", "named"), [("data", "'data'"), ("text", "'data.text'"), ("id", "'data.id'")])
def test_a_missing_required_field_is_malformed_and_named(remove, named):
    body = tweet()
    if remove == "data":
        del body["data"]
    else:
        del body["data"][remove]
    with pytest.raises(MalformedPayload) as raised:
        twitter.parse(inbound(body))
    assert raised.value.status == 400
    assert named in raised.value.message


def test_an_array_of_tweets_is_malformed():
    with pytest.raises(MalformedPayload, match="bukan daftar"):
        twitter.parse(inbound([tweet()]))


def test_bad_json_is_malformed():
    with pytest.raises(MalformedPayload, match="bukan JSON yang sah"):
        twitter.parse(inbound(b'{"data": {"id": "1", "text": "@DKIJakarta'))


def test_another_content_type_is_refused():
    with pytest.raises(WrongContentType):
        twitter.parse(inbound(tweet(), content_type="text/plain"))
