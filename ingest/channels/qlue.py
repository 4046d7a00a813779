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

This module also holds the JSON reading that the other JSON channels (twitter, facebook, lapor)
share, so all of them refuse a body the same way and name the field that is wrong.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any

from crm.complaint import WIB
from crm.intake import Report
from ingest.channels.base import (
    Inbound,
    MalformedPayload,
    make_report,
    require_media_type,
)

CHANNEL = "qlue"
JSON = "application/json"

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

_KIND_NAMES = {dict: "objek", list: "daftar", str: "teks", int: "bilangan bulat", float: "bilangan desimal", bool: "true/false"}

Kind = type | tuple[type, ...]


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
        lat=coordinate(report, "lat"),
        lon=coordinate(report, "lng"),
        place_text=optional(report, "address", str),
        media=(photo,) if photo else (),
        reporter_name=optional(user, "username", str, "user."),
        reporter_contact=optional(user, "phone", str, "user."),
        reported_at=timestamp(optional(report, "created_at", str), "created_at") or inbound.received_at,
    )]


def category(label: str | None) -> str | None:
    """Our code for a Qlue label we know for certain; None leaves it to the classifier."""
    return QLUE_CATEGORIES.get(" ".join(label.casefold().split())) if label else None


def coordinate(report: Mapping[str, Any], name: str) -> float | str | None:
    """A degree as Qlue sends it (number or numeric string; make_report checks it); "" is no fix."""
    value = optional(report, name, (int, float, str))
    return None if isinstance(value, str) and not value.strip() else value


def read_json(inbound: Inbound) -> dict[str, Any]:
    """The JSON object of a delivery: 415 for another media type, 400 naming what is unreadable."""
    require_media_type(inbound, JSON)
    try:
        payload = json.loads(inbound.body.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise MalformedPayload("Isi kiriman bukan teks UTF-8 yang sah; JSON harus dikirim dalam UTF-8.") from None
    except json.JSONDecodeError as exc:
        raise MalformedPayload(
            f"Isi kiriman bukan JSON yang sah: {exc.msg} (baris {exc.lineno}, kolom {exc.colno})."
        ) from None
    if not isinstance(payload, dict):
        raise MalformedPayload(f"Isi kiriman harus satu objek JSON {{...}}, bukan {_kind_name(type(payload))}.")
    return payload


def required(obj: Mapping[str, Any], name: str, kind: Kind, where: str = "") -> Any:
    """obj[name], of `kind`; MalformedPayload naming `where + name` if it is absent, null or another type."""
    value = optional(obj, name, kind, where)
    if value is None:
        raise _field_error(where + name, "wajib ada")
    return value


def optional(obj: Mapping[str, Any], name: str, kind: Kind, where: str = "") -> Any:
    """obj[name], of `kind`, or None when absent or null; MalformedPayload naming it if another type."""
    value = obj.get(name)
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if value is None or (isinstance(value, kinds) and (bool in kinds or not isinstance(value, bool))):
        return value
    raise _field_error(where + name, f"harus berupa {' atau '.join(_KIND_NAMES[k] for k in kinds)}")


def objects(obj: Mapping[str, Any], name: str, where: str = "") -> list[tuple[str, dict[str, Any]]]:
    """The objects in the list obj[name] (absent or null: none), each with its path for messages."""
    found = []
    for index, item in enumerate(optional(obj, name, list, where) or []):
        path = f"{where}{name}[{index}]"
        if not isinstance(item, dict):
            raise _field_error(path, "harus berupa objek")
        found.append((path + ".", item))
    return found


def timestamp(value: str | float | None, name: str) -> datetime | None:
    """A channel's time, aware: Unix seconds, or ISO 8601 read as WIB when it carries no offset."""
    if value is None:
        return None
    try:
        if isinstance(value, str):
            at = datetime.fromisoformat(value.strip())
            return at if at.tzinfo else at.replace(tzinfo=WIB)
        return datetime.fromtimestamp(value, timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise _field_error(
            name, f"bukan waktu yang dapat dibaca: {value!r}; gunakan ISO 8601, misalnya '2026-11-26 08:15:30' (WIB)"
        ) from None


def _field_error(path: str, problem: str) -> MalformedPayload:
    return MalformedPayload(f"Kolom {path!r} {problem}.", errors=[{"field": path, "message": problem}])


def _kind_name(kind: type) -> str:
    return _KIND_NAMES.get(kind, "null" if kind is type(None) else kind.__name__)
