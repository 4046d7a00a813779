"""Twitter / X notices: a reply under the citizen's own tweet, through API v2: the only code that knows it.

    POST <PANTAU_TWITTER_API_URL>/2/tweets
    Authorization: Bearer <PANTAU_TWITTER_TOKEN>
    Content-Type: application/json

    {"text": "Pantau: laporan JKT-261127-7K2QF sedang ditindaklanjuti ...",
     "reply": {"in_reply_to_tweet_id": "1861780245513076771"}}

The tweet replied to is the complaint's external_id (ingest/channels/twitter.py: the first version's
id of the tweet, which a reply to an edited tweet may name). The token is a user-context OAuth 2.0
token of the Pemprov account (scopes tweet.read tweet.write users.read); an app-only token cannot
post. A reply is public, so its text is the public one (crm/notices.py `is_private`: never the
tracking code). Answers: notify/http_api.py (a deleted tweet or a text over 280 characters is
a final 4xx; 429 waits for Retry-After).

X takes no idempotency key: an attempt repeated after a crash between posting and marking
(store/notices.py) posts a second reply. That window is one notice's mark after X answered, and a
repeat comes only after the lease (README, "Notices to reporters").
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from notify.http_api import post_json
from notify.senders import Result

if TYPE_CHECKING:
    from store.notices import StoredNotice

CHANNEL = "twitter"
DEFAULT_URL = "https://api.twitter.com"


@dataclass(frozen=True)
class TwitterSender:
    token: str
    api_url: str = DEFAULT_URL
    timeout: float = 10.0
    channel: ClassVar[str] = CHANNEL

    def body(self, notice: StoredNotice) -> dict[str, Any]:
        """The JSON of the reply to the tweet the complaint came from."""
        return {"text": notice.text, "reply": {"in_reply_to_tweet_id": notice.in_reply_to}}

    def send(self, notice: StoredNotice) -> Result:
        return post_json(f"{self.api_url.rstrip('/')}/2/tweets", self.body(notice),
                         {"Authorization": f"Bearer {self.token}"}, timeout=self.timeout, name="API X")[0]
