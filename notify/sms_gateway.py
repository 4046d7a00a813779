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
What its answers mean is notify/http_api.py's rule: 2xx delivered, a 4xx (a number or a text it
cannot take) final except 408 and 429, the rest retried, after `Retry-After` when it sends one.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from crm.notices import SMS, sms_parts
from notify.http_api import post_json
from notify.senders import Result

if TYPE_CHECKING:
    from store.notices import StoredNotice


@dataclass(frozen=True)
class SmsGatewaySender:
    url: str
    token: str
    timeout: float = 10.0
    channel: ClassVar[str] = SMS

    def body(self, notice: StoredNotice) -> dict[str, Any]:
        """The JSON that sends `notice`."""
        return {"to": notice.recipient, "text": notice.text, "parts": sms_parts(notice.text), "reference": notice.key}

    def send(self, notice: StoredNotice) -> Result:
        headers = {"Authorization": f"Bearer {self.token}", "Idempotency-Key": notice.key}
        return post_json(self.url, self.body(notice), headers, timeout=self.timeout, name="gateway SMS")[0]
