"""Twitter / X: one tweet as the API v2 filtered stream delivers it, posted as JSON (`application/json`).

    {
      "data": {
        "id": "1861780245513076771",
        "edit_history_tweet_ids": ["1861780245513076771"],
        "text": "@DKIJakarta min, lampu PJU di Jl. Pramuka depan halte Utan Kayu mati 3 malam &amp; gelap bgt https://t.co/Qw3rTy7UiO",
        "author_id": "1402938475610293248",
        "created_at": "2026-11-26T13:04:11.000Z",
        "geo": {"place_id": "0114b2a4f1d1a000", "coordinates": {"type": "Point", "coordinates": [106.8662, -6.1985]}},
        "attachments": {"media_keys": ["3_1861780240001234944"]},
        "entities": {"urls": [{"url": "https://t.co/Qw3rTy7UiO",
                               "expanded_url": "https://x.com/rina_utankayu/status/1861780245513076771/photo/1",
                               "display_url": "pic.x.com/Qw3rTy7UiO", "media_key": "3_1861780240001234944"}]}
      },
      "includes": {
        "users": [{"id": "1402938475610293248", "name": "Rina", "username": "rina_utankayu"}],
        "places": [{"id": "0114b2a4f1d1a000", "full_name": "Matraman, Indonesia"}],
        "media": [{"media_key": "3_1861780240001234944", "type": "photo",
                   "url": "https://pbs.twimg.com/media/GdPq1xYaAAEx3kZ.jpg"}]
      },
      "matching_rules": [{"id": "1861000000000000000", "tag": "dkijakarta"}]
    }

The stream sends one such object per tweet, never an array. The connection asks for
`tweet.fields=created_at,geo,entities,referenced_tweets,author_id,attachments`,
`expansions=author_id,geo.place_id,attachments.media_keys`, `user.fields=username,name`,
`place.fields=full_name` and `media.fields=url,preview_image_url`; without one of them its part
below is simply missing. Fields read (`data.id` and `data.text` required):

- A tweet that does not mention @DKIJakarta (any case) is not a report: parse returns [] and the
  receiver stores nothing. Neither is a retweet (`referenced_tweets` of type `retweeted`, or text
  starting `RT @`): the original tweet is the report. Replies and quote tweets are reports.
- `data.edit_history_tweet_ids[0]`, else `data.id` -> external_id: the first version's id, so an
  edited tweet (which arrives again under a new id) is the same complaint, and so is a retry.
- `data.text` -> text, HTML entities (`&amp;`) decoded; @DKIJakarta dropped from the mentions it
  opens with (other handles kept: they say whom the citizen also asked); per `data.entities.urls`,
  the t.co link of the tweet's own photo or video removed, and any other t.co link replaced by
  its `expanded_url`. A tweet left with no text (only the mention and a photo) is refused (422).
- `data.geo.coordinates` (GeoJSON Point, `[lon, lat]`, the exact spot the phone shared) -> lon,
  lat. Without it, `data.geo.place_id` -> that place in `includes.places` -> its `full_name` as
  place_text; a place's bounding box is a whole district or city, so no point is made from it.
- `data.author_id` -> that user in `includes.users` (which also lists mentioned users):
  `name` -> reporter_name, `@username` -> reporter_contact.
- `data.created_at` -> reported_at; absent, the time the delivery arrived.
- `data.attachments.media_keys` -> those items of `includes.media`: a photo's `url`, or a video's
  `preview_image_url` -> media.

No category: the classifier decides.
"""
from __future__ import annotations

import html
import re
from typing import Any

from crm.intake import Report
from ingest.channels.base import Inbound, MalformedPayload, make_report
from ingest.channels.json_fields import (
    objects,
    optional,
    read_json,
    required,
    timestamp,
)

CHANNEL = "twitter"
ACCOUNT = "dkijakarta"

_MENTION = re.compile(rf"(?<![A-Za-z0-9_])@{ACCOUNT}(?![A-Za-z0-9_])", re.IGNORECASE)
_LEADING_MENTIONS = re.compile(r"^\s*(?:@[A-Za-z0-9_]+\s*)+")


def parse(inbound: Inbound) -> list[Report]:
    """One report for a tweet to @DKIJakarta; [] for any other tweet."""
    payload = read_json(inbound)
    tweet = required(payload, "data", dict)
    raw_text = required(tweet, "text", str, "data.")
    if not _MENTION.search(raw_text) or _is_retweet(tweet, raw_text):
        return []
    includes = optional(payload, "includes", dict) or {}
    geo = optional(tweet, "geo", dict, "data.") or {}
    lon, lat = _point(geo)
    author = _author(tweet, includes)
    return [make_report(
        channel=CHANNEL,
        external_id=_first_version_id(tweet),
        text=clean_text(raw_text, tweet),
        lon=lon,
        lat=lat,
        place_text=_place_name(geo, includes) if lat is None else None,
        reporter_name=author.get("name"),
        reporter_contact=f"@{author['username']}" if author.get("username") else None,
        reported_at=timestamp(optional(tweet, "created_at", str, "data."), "data.created_at") or inbound.received_at,
        media=_media(tweet, includes),
    )]


def clean_text(text: str, tweet: dict[str, Any]) -> str:
    """The tweet as a citizen meant it: entities decoded, the @DKIJakarta prefix and photo links gone."""
    for path, entity in objects(optional(tweet, "entities", dict, "data.") or {}, "urls", "data.entities."):
        link = optional(entity, "url", str, path)
        if link:
            text = text.replace(link, "" if _is_own_media(entity) else optional(entity, "expanded_url", str, path) or link)
    text = _without_leading_account(html.unescape(text))
    return "\n".join(" ".join(line.split()) for line in text.strip().splitlines())


def _without_leading_account(text: str) -> str:
    leading = _LEADING_MENTIONS.match(text)
    if not leading:
        return text
    kept = [handle for handle in leading.group().split() if handle.casefold() != f"@{ACCOUNT}"]
    return " ".join([*kept, text[leading.end():].lstrip(",:;- ")])


def _is_own_media(entity: dict[str, Any]) -> bool:
    """A t.co link to the tweet's own photo or video: the photo itself goes to media."""
    return "media_key" in entity or str(entity.get("display_url", "")).startswith(("pic.x.com/", "pic.twitter.com/"))


def _is_retweet(tweet: dict[str, Any], text: str) -> bool:
    references = objects(tweet, "referenced_tweets", "data.")
    return text.startswith("RT @") or any(ref.get("type") == "retweeted" for _, ref in references)


def _first_version_id(tweet: dict[str, Any]) -> str:
    tweet_id = required(tweet, "id", str, "data.")
    history = optional(tweet, "edit_history_tweet_ids", list, "data.")
    return str(history[0]) if history else tweet_id


def _point(geo: dict[str, Any]) -> tuple[Any, Any]:
    """(lon, lat) of the exact spot shared with the tweet, unchecked (make_report checks ranges); or (None, None)."""
    point = optional(geo, "coordinates", dict, "data.geo.")
    if point is None:
        return None, None
    position = optional(point, "coordinates", list, "data.geo.coordinates.")
    if point.get("type") != "Point" or not position or len(position) != 2:
        raise MalformedPayload("Kolom 'data.geo.coordinates' harus titik GeoJSON {\"type\": \"Point\", "
                               "\"coordinates\": [lon, lat]}.",
                               errors=[{"field": "data.geo.coordinates", "message": "bukan titik GeoJSON"}])
    return position[0], position[1]


def _place_name(geo: dict[str, Any], includes: dict[str, Any]) -> str | None:
    place_id = optional(geo, "place_id", str, "data.geo.")
    places = objects(includes, "places", "includes.")
    return next((place.get("full_name") for _, place in places if place_id and place.get("id") == place_id), None)


def _author(tweet: dict[str, Any], includes: dict[str, Any]) -> dict[str, Any]:
    author_id = optional(tweet, "author_id", str, "data.")
    users = objects(includes, "users", "includes.")
    return next((user for _, user in users if author_id and user.get("id") == author_id), {})


def _media(tweet: dict[str, Any], includes: dict[str, Any]) -> tuple[str, ...]:
    attachments = optional(tweet, "attachments", dict, "data.") or {}
    keys = optional(attachments, "media_keys", list, "data.attachments.") or []
    by_key = {item.get("media_key"): item for _, item in objects(includes, "media", "includes.")}
    found = (by_key.get(key, {}) for key in keys)
    return tuple(url for item in found if (url := item.get("url") or item.get("preview_image_url")))
