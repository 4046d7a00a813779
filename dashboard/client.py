"""What the browser's live code is given: catalogues, colours, rules and the page's snapshot.

The browser keeps the live state (assets/live.js) but decides nothing of its own: names,
colours, time windows and the overdue rule come from here, from the one home of each.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from crm.categories import CATEGORIES
from crm.channels import CHANNELS
from crm.complaint import WIB, Status
from crm.events import COMPLAINT_ROUTED, STATUS_CHANGED
from crm.rooms import CITY
from crm.skpd import SKPDS
from dashboard.figures import COMPLAINTS_TRACE, HOVER, MAINLAND_BOUNDS
from dashboard.kpis import OVERDUE_AFTER, kpi_row
from dashboard.palette import CATEGORY_COLOURS, GREY, STATUS_COLOURS, STATUS_SWATCHES
from dashboard.snapshot import WINDOW

FLUSH_MS = 250  # at most four repaints a second, however many complaints arrive
FEED_SIZE = 12
DETAIL_URL = "/api/v1/complaints/"  # the public read API: never reporter contact
FEED_FIELDS = ("id", "ticket", "channel", "received_at", "category", "status", "kelurahan", "kecamatan", "lon")


def _ms(delta: timedelta) -> int:
    return int(delta.total_seconds() * 1000)


def client_config(now: datetime) -> dict[str, Any]:
    wib_offset = now.astimezone(WIB).utcoffset() or timedelta(0)
    return {
        "event": COMPLAINT_ROUTED, "status_event": STATUS_CHANGED, "room": CITY, "flush_ms": FLUSH_MS,
        "feed_size": FEED_SIZE, "window_ms": _ms(WINDOW), "overdue_after_ms": _ms(OVERDUE_AFTER),
        "wib_offset_ms": _ms(wib_offset), "waiting": Status.MENUNGGU.value, "closed": Status.SELESAI.value,
        "detail_url": DETAIL_URL, "trace": COMPLAINTS_TRACE, "hover": HOVER,
        "fit_bounds": MAINLAND_BOUNDS,
        "colours": {"category": dict(CATEGORY_COLOURS), "status": dict(STATUS_COLOURS), "fallback": GREY},
        "categories": {code: [c.name, c.name_en] for code, c in CATEGORIES.items()},
        "statuses": {str(s.key): [s.label_id, s.label_en] for s in STATUS_SWATCHES},
        "channels": dict(CHANNELS),
        "skpd": {code: s.name for code, s in SKPDS.items()},
    }


def client_snapshot(complaints: list[dict[str, Any]]) -> dict[str, Any]:
    """KPI rows for every complaint on the page and the newest few for the feed."""
    return {
        "rows": [kpi_row(c) for c in complaints],
        "feed": [{k: c[k] for k in FEED_FIELDS} for c in complaints[:FEED_SIZE]],
    }
