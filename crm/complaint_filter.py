"""What a reader asks of the complaint list, one shape for every door that lists complaints: the
JSON API, Open311 GET, the open-data exports and the pages. web/complaint_query.py reads it from a
query string; store/filters.py turns it into SQL."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crm.complaint import Status

ANY_TRIAGE = "*"  # `triage`: every complaint waiting for an operator, whatever the reason


@dataclass(frozen=True, slots=True)
class ComplaintFilter:
    """Every field narrows; None or empty leaves it open. A tuple is any of its values; times are inclusive."""

    kode_kota: str | None = None
    kode_kecamatan: str | None = None
    kode_kelurahan: str | None = None
    skpd: str | None = None
    categories: tuple[str, ...] = ()
    statuses: tuple[Status, ...] = ()
    channels: tuple[str, ...] = ()
    ids: tuple[int, ...] = ()
    triage: str | None = None  # ANY_TRIAGE or one reason (crm.complaint.TRIAGE_*)
    since: datetime | None = None
    until: datetime | None = None
    words: tuple[str, ...] = ()  # a ticket, or words that all appear in the public text
