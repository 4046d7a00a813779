"""Complaint exports for analysts and open-data portals: `GET /api/v1/export/complaints.csv` and
`GET /api/v1/export/complaints.geojson`.

Filters (web/complaint_query.py, the same as `GET /api/v1/complaints`), all optional and combined
with AND: `kota`, `kecamatan`, `kelurahan` (Kemendagri codes), `skpd`, `category`, `status` and
`channel` (comma-separated for any of several), `triage`, `q` (a ticket or words of the text), and
either `window` (crm/windows.py: today, 7d, 30d, quarter) or `since`/`until` (ISO 8601 with a
zone, inclusive). A bad or unknown parameter answers 400 with every problem listed. Needs an API key with the scope `exports` (`pantau keys create NAMA --scope
exports`; a key without it is refused 403), a person's token (`pantau users token`) or a signed-in
session: everyone's role may export (crm/roles.py), since only public fields leave.

Only public fields leave: each row is crm.events.public_complaint cut down to EXPORT_FIELDS, an
allow-list, so a field added to the public shape later is not published by accident (history,
with its actors, stays out too), and a complaint an operator hid from the public (crm/moderation.py)
is left out, for everyone. Rows are read in chunks and streamed, so an export of 100,000
complaints never sits in memory. CSV carries the WIB time beside UTC; GeoJSON holds the located
complaints as Points and counts the rest in `without_location`.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, request

from crm import scopes
from crm.complaint import Complaint, utc_now
from crm.public_view import public_complaint
from ingest.auth import KeyChecker
from store import areas
from web.complaint_query import read_filter
from web.errors import BadRequest

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

EXPORT_FIELDS = (
    "id", "ticket", "channel", "received_at", "received_at_wib", "text", "category", "lon", "lat",
    "kode_kelurahan", "kelurahan", "kode_kecamatan", "kecamatan", "kode_kota", "kota", "location_flag",
    "location_precision", "skpd", "status", "category_confidence", "triage", "duplicate_of", "media", "desk",
    "outside_desk_hours", "first_action_due", "completion_due", "closed_at", "reopened",
)
FLUSH_BYTES = 64 * 1024  # send exports in pieces of about this size, not one write per row
# A spreadsheet runs a cell that starts with one of these as a formula; citizens' text must not.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def make_export_api(sessions: sessionmaker[Session], keys: KeyChecker) -> Blueprint:
    api = Blueprint("export_v1", __name__, url_prefix="/api/v1/export")

    @api.before_request
    def allowed() -> None:
        """A partner's key with `exports`, a person's token or a signed-in session; nobody anonymous."""
        keys.caller(scopes.EXPORTS, people=True)

    @api.get("/complaints.<any(csv, geojson):extension>")
    def export(extension: str) -> Any:
        where, problems = read_filter(request.args, utc_now())
        if problems:
            raise BadRequest("Parameter tidak sah.", errors=problems)
        write, mimetype = FORMATS[extension]
        return Response(in_pieces(write(areas.stream(sessions, where=where))), mimetype=mimetype,
                        headers={"Content-Disposition": f'attachment; filename="pengaduan.{extension}"'})

    return api


def public_row(complaint: Complaint) -> dict[str, Any]:
    """The exported fields of one complaint, from the one public shape."""
    shown = public_complaint(complaint)
    return {field: shown[field] for field in EXPORT_FIELDS}


def csv_lines(complaints: Iterable[Complaint]) -> Iterator[str]:
    """A header, then one row per complaint."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    rows = (public_row(complaint).values() for complaint in complaints)
    for row in chain([EXPORT_FIELDS], ([_cell(value) for value in values] for values in rows)):
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _cell(value: Any) -> Any:
    """Lists as space-separated text, None as empty, and text that a spreadsheet would run as a
    formula kept as text (numbers such as a negative latitude are left alone)."""
    if isinstance(value, list):
        value = " ".join(map(str, value))
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def geojson_parts(complaints: Iterable[Complaint]) -> Iterator[str]:
    """A FeatureCollection of the located complaints as Points, written as they are read; the
    number left out for having no coordinates comes last, once it is known."""
    yield '{"type":"FeatureCollection","features":['
    without_location, first = 0, True
    for complaint in complaints:
        row = public_row(complaint)
        if row["lon"] is None or row["lat"] is None:
            without_location += 1
            continue
        feature = {"type": "Feature", "id": row["id"],
                   "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                   "properties": {k: v for k, v in row.items() if k not in ("lon", "lat")}}
        yield ("" if first else ",") + json.dumps(feature, ensure_ascii=False, separators=(",", ":"))
        first = False
    yield f'],"without_location":{without_location}}}'


def in_pieces(parts: Iterable[str]) -> Iterator[str]:
    """`parts` joined into pieces of about FLUSH_BYTES, so the server writes a few large chunks."""
    piece: list[str] = []
    size = 0
    for part in parts:
        piece.append(part)
        size += len(part)
        if size >= FLUSH_BYTES:
            yield "".join(piece)
            piece, size = [], 0
    if piece:
        yield "".join(piece)


# The file each extension is written as, and its media type.
FORMATS: dict[str, tuple[Callable[[Iterable[Complaint]], Iterator[str]], str]] = {
    "csv": (csv_lines, "text/csv"),
    "geojson": (geojson_parts, "application/geo+json"),
}
