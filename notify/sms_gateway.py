"""SMS notices through the SMS Center gateway's HTTP send API: the only code that knows it.

The same gateway that posts incoming SMS to Pantau (ingest/channels/sms.py) sends ours. One notice
is one request, which the gateway's operators implement as documented in the README ("SMS gateway
send API"):

    POST <PANTAU_SMS_GATEWAY_URL>
    Authorization: Bearer <PANTAU_SMS_GATEWAY_TOKEN>
    Content-Type: application/json
    Idempotency-Key: pantau-41-3-proses

    {"to": "6281234567890", "text": "...", "parts": ["..."], "reference": "pantau-41-3-proses"}

`parts` are the SMS to send, in order, each at most 160 characters (crm/notices.py sms_parts);
`text` is the whole message for a gateway that concatenates itself. Any 2xx answer means accepted.
The gateway must treat a second request with an Idempotency-Key it has seen as the first (answer
2xx, send nothing), which makes a repeat after a crash between sending and marking harmless.
400 and 422 (a number or a text it cannot take) are final; every other answer is retried.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from crm.notices import SMS, sms_parts
from notify.senders import DELIVERED, Result

if TYPE_CHECKING:
    from store.notices import StoredNotice

FINAL = frozenset({400, 422})


@dataclass(frozen=True)
class SmsGatewaySender:
    url: str
    token: str
    timeout: float = 10.0
    channel: ClassVar[str] = SMS

    def request(self, notice: StoredNotice) -> urllib.request.Request:
        """The HTTP request that sends `notice`."""
        body: dict[str, Any] = {"to": notice.recipient, "text": notice.text, "parts": sms_parts(notice.text),
                                "reference": notice.key}
        return urllib.request.Request(self.url, data=json.dumps(body).encode(), method="POST", headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/json",
            "Idempotency-Key": notice.key, "User-Agent": "Pantau",
        })

    def send(self, notice: StoredNotice) -> Result:
        try:
            with urllib.request.urlopen(self.request(notice), timeout=self.timeout) as answer:
                answer.read()
        except urllib.error.HTTPError as error:
            said = error.read(500).decode("utf-8", "replace")
            return Result(False, f"gateway SMS menjawab {error.code}: {said}", permanent=error.code in FINAL)
        except (urllib.error.URLError, OSError) as error:
            return Result(False, f"gateway SMS tidak terjangkau: {error!r}")
        return DELIVERED
