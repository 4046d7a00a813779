"""Facebook notices through the Graph API, as the Pemprov page: the only code that knows it.

Where the complaint came from decides the request (ingest/channels/facebook.py keeps Facebook's
own id as the complaint's external_id, and `facebook:<id>` of the writer as its contact):

- a Messenger message (its id `m_...`): a message back to the page-scoped id that wrote it,

      POST <PANTAU_FACEBOOK_GRAPH_URL>/me/messages
      {"recipient": {"id": "6983712456690123"}, "messaging_type": "RESPONSE", "message": {"text": "..."}}

  the receipt as `RESPONSE` (sent within minutes of their message, inside Messenger's 24-hour
  window), every later notice as `"messaging_type": "MESSAGE_TAG", "tag": "ACCOUNT_UPDATE"`, the
  tag Meta keeps for an update to something the person asked for, outside that window;
- a comment or a visitor post on the page (`<post>_<comment>` or `<page>_<post>`): a comment under it,

      POST <PANTAU_FACEBOOK_GRAPH_URL>/<comment or post id>/comments
      {"message": "..."}

  which everyone can read, so its text is the public one (crm/notices.py `is_private`).

Every request carries `Authorization: Bearer <PANTAU_FACEBOOK_PAGE_TOKEN>`, a page access token with
pages_messaging and pages_manage_engagement; `/me` is that page. Answers: notify/http_api.py (a
deleted comment, or a person who blocked the page, is a final 4xx). Graph takes no idempotency key:
a repeat after a crash between posting and marking is a second message (README, "Notices to reporters").
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from crm.notices import RECEIPT, is_messenger
from notify.http_api import post_json
from notify.senders import Result

if TYPE_CHECKING:
    from store.notices import StoredNotice

CHANNEL = "facebook"
DEFAULT_URL = "https://graph.facebook.com/v19.0"
CONTACT_PREFIX = "facebook:"


@dataclass(frozen=True)
class FacebookSender:
    token: str
    graph_url: str = DEFAULT_URL
    timeout: float = 10.0
    channel: ClassVar[str] = CHANNEL

    def request(self, notice: StoredNotice) -> tuple[str, dict[str, Any]] | None:
        """The path under the Graph URL and the JSON that answer `notice`; None when nothing names where."""
        thread = notice.in_reply_to or ""
        if is_messenger(thread):
            person = notice.recipient.removeprefix(CONTACT_PREFIX)
            if not person or person == notice.recipient:
                return None
            kind = {"messaging_type": "RESPONSE"} if notice.kind == RECEIPT else \
                {"messaging_type": "MESSAGE_TAG", "tag": "ACCOUNT_UPDATE"}
            return "/me/messages", {"recipient": {"id": person}, **kind, "message": {"text": notice.text}}
        if not thread:
            return None
        return f"/{thread}/comments", {"message": notice.text}

    def send(self, notice: StoredNotice) -> Result:
        found = self.request(notice)
        if found is None:
            return Result(False, "tidak ada komentar atau percakapan Facebook untuk dibalas", permanent=True)
        path, body = found
        return post_json(self.graph_url.rstrip("/") + path, body, {"Authorization": f"Bearer {self.token}"},
                         timeout=self.timeout, name="Graph API Facebook")[0]
