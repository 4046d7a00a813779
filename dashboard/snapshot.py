"""What the command centre shows on load: complaints of the last 24 hours plus every one still open,
or, when the page's filter names a start (`sejak`), every complaint since then; always within the filter.

Read through the `recent` callable at every page load, so a reload repairs anything the live
feed missed. Complaints leave here as public dicts (crm.events.public_complaint): no contact, and
none hidden by an operator, except for a moderator, who sees them marked (crm/public_view.py as_seen_by).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from crm.complaint import Complaint, Status
from crm.overdue import is_open
from crm.public_view import as_seen_by
from crm.complaint_filter import ComplaintFilter
from crm.roles import Person

RecentComplaints = Callable[[ComplaintFilter], list[Complaint]]

WINDOW = timedelta(hours=24)
OPEN_STATUSES = tuple(s for s in Status if is_open(s))


def read_snapshot(recent: RecentComplaints, now: datetime, reader: Person | None = None,
                  where: ComplaintFilter = ComplaintFilter()) -> list[dict[str, Any]]:
    """Newest first, as `reader` (None: the public) may see them; open complaints older than the
    window are read status by status."""
    if where.since is not None:
        found = {c.id: c for c in recent(where)}
    else:
        found = {c.id: c for c in recent(replace(where, since=now - WINDOW))}
        for status in OPEN_STATUSES:
            if where.statuses and status not in where.statuses:
                continue
            for complaint in recent(replace(where, statuses=(status,))):
                found.setdefault(complaint.id, complaint)
    newest_first = sorted(found.values(), key=lambda c: (c.received_at, c.id or 0), reverse=True)
    return [shown for c in newest_first if (shown := as_seen_by(reader, c, now)) is not None]
