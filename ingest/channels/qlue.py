"""Qlue: the citizen app posts each new report as one JSON object (`application/json`).

    {
      "report_id": 9812345,
      "category": "Sampah",
      "description": "Sampah numpuk di pinggir kali, baunya sampai ke rumah warga",
      "lat": "-6.18623",
      "lng": "106.83451",
      "address": "Jl. Kebon Sirih Raya No. 12, Kebon Sirih, Menteng",
      "photo_url": "https://files.qlue.co.id/report/2026/11/9812345.jpg",
      "user": {"username": "warga_menteng", "phone": "081234567890"},
      "created_at": "2026-11-26 08:15:30"
    }

Fields read (`report_id` and `description` required; every other field may be absent or null;
anything else Qlue adds is ignored):

- `report_id`: Qlue's id of the report, a number or a string, the same on every retry -> external_id.
- `description`: what the citizen wrote -> text.
- `category`: Qlue's label -> category, only where `QLUE_CATEGORIES` maps it for certain (any
  case); any other label is left to the classifier.
- `lat`, `lng`: decimal degrees, numbers or numeric strings (the app sends both); an empty string
  means the phone had no fix -> lat, lon. Both or neither, and in range, or the report is refused
  (422) naming the field.
- `address`: the address Qlue's map shows under the pin -> place_text.
- `photo_url`: the report's photo on Qlue's server -> media.
- `user.username` -> reporter_name; `user.phone` -> reporter_contact.
- `created_at`: Qlue's wall clock in WIB (`2026-11-26 08:15:30`) or ISO 8601 with an offset ->
  reported_at; absent, the time the delivery arrived.
"""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from crm.intake import Report
from ingest.channels.base import Inbound, make_report, text_degrees
from ingest.channels.json_fields import optional, read_json, required, timestamp

CHANNEL = "qlue"

# Qlue's labels (case-folded) whose meaning is exactly one of our categories.
QLUE_CATEGORIES: Mapping[str, str] = MappingProxyType({
    "sampah": "sampah",
    "jalan rusak": "jalan",
    "banjir": "banjir",
    "parkir liar": "parkir_liar",
    "pohon tumbang": "pohon",
    "pkl": "pkl",
    "lampu jalan mati": "lampu_jalan",
})

def parse(inbound: Inbound) -> list[Report]:
    """One report per delivery."""
    report = read_json(inbound)
    user = optional(report, "user", dict) or {}
    photo = optional(report, "photo_url", str)
    return [make_report(
        channel=CHANNEL,
        external_id=str(required(report, "report_id", (str, int))),
        text=required(report, "description", str),
        category=category(optional(report, "category", str)),
        lat=coordinate(report, "lat", "lat"),
        lon=coordinate(report, "lng", "lon"),
        place_text=optional(report, "address", str),
        media=(photo,) if photo else (),
        reporter_name=optional(user, "username", str, "user."),
        reporter_contact=optional(user, "phone", str, "user."),
        reported_at=timestamp(optional(report, "created_at", str), "created_at") or inbound.received_at,
    )]


def category(label: str | None) -> str | None:
    """Our code for a Qlue label we know for certain; None leaves it to the classifier."""
    return QLUE_CATEGORIES.get(" ".join(label.casefold().split())) if label else None


def coordinate(report: Mapping[str, Any], name: str, field: str) -> float | None:
    """A degree as Qlue sends it in `name`: a JSON number, or a decimal string (read strictly); "" is no
    fix. A bad one is named as the report's `field`."""
    value = optional(report, name, (int, float, str))
    return text_degrees(value, field) if isinstance(value, str) else value
