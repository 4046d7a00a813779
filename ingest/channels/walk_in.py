"""The walk-in desks' one payload and parser: kecamatan, kelurahan, balai warga, the Pendopo of
Balai Kota and the Inspektorat. A helper module, not a channel: each desk's module binds its
channel code with `parse = walk_in.parser("<code>")`.

Staff enter what a visitor tells them, through the dashboard's desk form or straight to
`POST /api/v1/channels/<code>`, as JSON (`application/json`), one entry per delivery:

    {
      "entry_id": "KEC-TEBET-2026-00187",
      "desk": "Kantor Kecamatan Tebet",
      "officer": "Siti Rahmawati",
      "visitor": {"name": "Bambang Sutrisno", "contact": "0812-8765-4321"},
      "text": "Warga melaporkan saluran air di RT 05/RW 03 tersumbat sampah sehingga meluap saat hujan.",
      "category": "saluran_air",
      "location": "Jl. Tebet Barat Dalam II, RT 05/RW 03, Tebet Barat",
      "lat": -6.2363,
      "lon": 106.8489,
      "visited_at": "2026-11-21T09:40:00+07:00"
    }

Fields (`entry_id`, `desk`, `officer`, `text`, `visited_at` required; null or blank is absent; any
other field is refused, so a misspelt `lng` fails loudly instead of losing the point):

- `entry_id`: the desk system's id of the entry (string or integer), the same on every retry
  -> external_id. It must be unique across every office of the channel (hence the office in
  `KEC-TEBET-...`): two kecamatan both sending `187` would be taken for one complaint.
- `desk`: which office took it -> desk; `officer`: who entered it -> officer.
- `visitor`: `{"name", "contact"}`, both optional -> reporter_name, reporter_contact (personal).
- `text` -> text; `category`: one of our codes, picked by the official -> category.
- `location`: the place as the visitor describes it -> place_text; `lat`, `lon` -> lat, lon.
- `visited_at`: ISO 8601 with a zone -> reported_at. An entry outside the desk's opening window
  is accepted: the intake flags it (crm.desks.is_open), the parser does not judge it.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from crm.intake import Report
from ingest.channels.base import Inbound, MalformedPayload, make_report
from ingest.channels.json_fields import read_json

Entry = dict[str, Any]

FIELDS = frozenset({"entry_id", "desk", "officer", "visitor", "text", "category", "location", "lat", "lon",
                    "visited_at"})
VISITOR_FIELDS = frozenset({"name", "contact"})


def parser(channel: str) -> Callable[[Inbound], list[Report]]:
    """The `parse` of the desk whose channel code is `channel`."""

    def parse(inbound: Inbound) -> list[Report]:
        """One report per desk entry."""
        return [report(channel, read_entry(inbound))]

    return parse


def read_entry(inbound: Inbound) -> Entry:
    """The JSON object of one desk entry, with only the desk's fields; 415 or 400 otherwise."""
    entry = read_json(inbound)
    _only(entry, FIELDS)
    return entry


def report(channel: str, entry: Entry) -> Report:
    """The report of one desk entry, stamped when the visitor came."""
    visitor = _visitor(entry)
    return make_report(
        channel=channel,
        external_id=_entry_id(entry),
        text=_required(entry, "text"),
        category=_optional(entry, "category"),
        lat=entry.get("lat"),
        lon=entry.get("lon"),
        reported_at=_visited_at(entry),
        reporter_name=_optional(visitor, "name", "visitor."),
        reporter_contact=_optional(visitor, "contact", "visitor."),
        place_text=_optional(entry, "location"),
        desk=_required(entry, "desk"),
        officer=_required(entry, "officer"),
    )


def _error(field: str, message: str) -> MalformedPayload:
    return MalformedPayload(f"Kolom {field!r} {message}.", errors=[{"field": field, "message": message}])


def _only(entry: Entry, known: frozenset[str], prefix: str = "") -> None:
    unknown = sorted(set(entry) - known)
    if unknown:
        raise MalformedPayload(
            f"Kolom tidak dikenal: {', '.join(prefix + name for name in unknown)}; "
            f"gunakan: {', '.join(prefix + name for name in sorted(known))}.",
            errors=[{"field": prefix + name, "message": "kolom tidak dikenal"} for name in unknown],
        )


def _optional(entry: Entry, name: str, prefix: str = "") -> str | None:
    """A text field, stripped; None when absent, null or blank."""
    value = entry.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _error(prefix + name, "harus teks")
    return value.strip() or None


def _required(entry: Entry, name: str) -> str:
    value = _optional(entry, name)
    if value is None:
        raise _error(name, "wajib diisi")
    return value


def _entry_id(entry: Entry) -> str:
    """The desk system's id; an integer id is taken as its decimal text."""
    value = entry.get("entry_id")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _required(entry, "entry_id")


def _visitor(entry: Entry) -> Entry:
    visitor = entry.get("visitor")
    if visitor is None:
        return {}
    if not isinstance(visitor, dict):
        raise _error("visitor", 'harus objek {"name", "contact"}')
    _only(visitor, VISITOR_FIELDS, "visitor.")
    return visitor


def _visited_at(entry: Entry) -> datetime:
    """When the visitor came, as an aware UTC time: the time the desk's window is checked against."""
    value = _required(entry, "visited_at")
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise _error("visited_at", f"harus waktu ISO 8601 dengan zona waktu, misalnya "
                                   f"2026-11-21T09:40:00+07:00, bukan {value!r}")
    return at.astimezone(timezone.utc)
