"""LAPOR! and Qlue notices: the status sent back to the partner system the report came from, the only
code that knows those two APIs. Neither publishes an API for this, so Pantau defines the request
(README, "What partners receive") and the partner implements it:

    POST <PANTAU_LAPOR_API_URL>                       POST <PANTAU_QLUE_CALLBACK_URL>
    Authorization: Bearer <PANTAU_LAPOR_TOKEN>        Authorization: Bearer <PANTAU_QLUE_TOKEN>
    Idempotency-Key: pantau-41-3-proses               Idempotency-Key: pantau-41-3-proses

    {"tracking_id": "3891234",                        {"report_id": "9812345",
     "reference": "pantau-41-3-proses",                "reference": "pantau-41-3-proses",
     "jenis": "proses",                                "jenis": "proses",
     "tindak_lanjut": "Pantau: laporan ...",           "pesan": "Pantau: laporan ...",
     "laporan": {<the public tracking view>}}          "laporan": {<the public tracking view>}}

`tracking_id` / `report_id` is the partner's own id of the report (the complaint's external_id);
`jenis` the kind of notice (crm/notices.py); the text is the public one, since both show follow-ups
on the report's page; `laporan` is crm/public_view.py `public_tracking` of the complaint as it stands
when sent (ticket, status, area, unit, deadlines, history with masked notes): never a name, a contact
or the tracking code. Answers: notify/http_api.py. A partner must answer a repeated Idempotency-Key
2xx without recording it twice, which makes a repeat after a crash between sending and marking harmless.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from notify.http_api import post_json
from notify.senders import Result

if TYPE_CHECKING:
    from store.notices import StoredNotice

PublicView = Callable[[int], "dict[str, Any] | None"]  # a complaint's public tracking view by id


@dataclass(frozen=True)
class Partner:
    """What differs between the two partners: the channel, its name in errors and its field names."""

    channel: str
    name: str
    id_field: str
    text_field: str


LAPOR = Partner("lapor", "API LAPOR!", "tracking_id", "tindak_lanjut")
QLUE = Partner("qlue", "callback Qlue", "report_id", "pesan")


@dataclass(frozen=True)
class PartnerSender:
    partner: Partner
    url: str
    token: str
    public_view: PublicView
    timeout: float = 10.0

    @property
    def channel(self) -> str:
        return self.partner.channel

    def body(self, notice: StoredNotice, view: dict[str, Any]) -> dict[str, Any]:
        """The JSON that reports `notice` back, with `view`, the complaint's public tracking view."""
        return {self.partner.id_field: notice.in_reply_to, "reference": notice.key, "jenis": notice.kind,
                self.partner.text_field: notice.text, "laporan": view}

    def send(self, notice: StoredNotice) -> Result:
        view = self.public_view(notice.complaint_id)
        if view is None or not notice.in_reply_to:
            return Result(False, f"pengaduan {notice.complaint_id} atau id laporannya di {self.partner.name} tidak ada",
                          permanent=True)
        headers = {"Authorization": f"Bearer {self.token}", "Idempotency-Key": notice.key}
        return post_json(self.url, self.body(notice, view), headers, timeout=self.timeout, name=self.partner.name)[0]
