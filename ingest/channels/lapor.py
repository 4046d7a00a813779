"""LAPOR! 1708 (SP4N-LAPOR!): a report the national system disposes to the province, posted as JSON
(`application/json`) by the LAPOR! integration once it reaches Pemprov DKI Jakarta.

    {
      "tracking_id": "3891234",
      "title": "Jalan berlubang di Jl. Raya Bogor depan Pasar Kramat Jati",
      "content": "Saya ingin melaporkan jalan berlubang sedalam kurang lebih 20 cm ...",
      "category": "Infrastruktur",
      "location": "Jl. Raya Bogor, Kramat Jati, Kota Jakarta Timur, DKI Jakarta",
      "date": "2026-11-25 19:42:07",
      "is_anonymous": false,
      "is_confidential": false,
      "reporter": {"name": "Budi Santoso", "email": "budi.santoso@example.co.id", "phone": "081298765432"},
      "attachments": ["https://www.lapor.go.id/storage/lampiran/3891234/foto-1.jpg"],
      "disposition": {"from": "Kementerian PANRB", "to": "Pemerintah Provinsi DKI Jakarta",
                      "at": "2026-11-26 09:10:00"}
    }

Fields read (`tracking_id` and `content` required; the rest may be absent or null):

- `tracking_id`: the LAPOR! tracking id citizens quote, number or string -> external_id. A report
  disposed again (or a retried delivery) keeps it, so it stays one complaint.
- `title` and `content` -> text, the title first on its own paragraph.
- `category`: LAPOR!'s national label -> category only where `LAPOR_CATEGORIES` maps it for
  certain; the broad labels (Infrastruktur, Lingkungan Hidup dan Kehutanan, Perhubungan, ...)
  cover several of ours and are left to the classifier.
- `location`: where the citizen says it is -> place_text (LAPOR! sends no coordinates).
- `date`: when the citizen filed it, LAPOR!'s wall clock in WIB (`2026-11-25 19:42:07`) or ISO
  8601 with an offset -> reported_at; absent, the time the delivery arrived.
- `is_anonymous` ("Anonim": the name is hidden) and `is_confidential` ("Rahasia": the report is
  not public): the reporter's identity is taken only when both are `false`. An anonymous or
  confidential report carries no reporter name or contact, and so does one where either flag
  is missing or not a boolean: privacy fails closed.
- `reporter.name` -> reporter_name; `reporter.email` and `reporter.phone` -> reporter_contact,
  both kept (`email; phone`).
- `attachments`: URLs of the citizen's files on LAPOR! -> media.

`disposition` and any other field are ignored: the routing is ours.
"""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from crm.intake import Report
from ingest.channels.base import Inbound, make_report
from ingest.channels.json_fields import optional, read_json, required, timestamp

CHANNEL = "lapor"

# LAPOR!'s labels whose meaning is exactly one of our categories.
LAPOR_CATEGORIES: Mapping[str, str] = MappingProxyType({
    "Kesehatan": "kesehatan",
    "Kependudukan": "administrasi_kependudukan",
})


def parse(inbound: Inbound) -> list[Report]:
    """One report per disposition."""
    report = read_json(inbound)
    name, contact = reporter(report)
    return [make_report(
        channel=CHANNEL,
        external_id=str(required(report, "tracking_id", (str, int))),
        text=text(report),
        category=LAPOR_CATEGORIES.get((optional(report, "category", str) or "").strip()),
        place_text=optional(report, "location", str),
        reported_at=timestamp(optional(report, "date", str), "date") or inbound.received_at,
        reporter_name=name,
        reporter_contact=contact,
        media=tuple(url for url in optional(report, "attachments", list) or [] if url and isinstance(url, str)),
    )]


def text(report: Mapping[str, Any]) -> str:
    """The title on its own paragraph, then the content."""
    parts = (optional(report, "title", str), required(report, "content", str))
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def reporter(report: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(name, contact) of the reporter; (None, None) unless the report is neither anonymous nor confidential."""
    if report.get("is_anonymous") is not False or report.get("is_confidential") is not False:
        return None, None
    person = optional(report, "reporter", dict) or {}
    contacts = [optional(person, key, str, "reporter.") for key in ("email", "phone")]
    contact = "; ".join(c.strip() for c in contacts if c and c.strip())
    return optional(person, "name", str, "reporter."), contact or None
