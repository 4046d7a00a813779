"""What the browser's live code is given: catalogues, colours, rules and the page's snapshot.

The browser keeps the live state (assets/live.js) and counts it (assets/kpis.js). Names, colours,
event names, the time window and the WIB offset come from here, each from its home in crm/ or
dashboard/; whether a complaint is overdue comes with the complaint itself (crm/overdue.py). Only
the shape of a KPI row is written again in the browser (dashboard/kpis.py says so).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from crm.breaches import COMPLETION, FIRST_ACTION
from crm.categories import CATEGORIES
from crm.channels import CHANNELS
from crm.complaint import WIB, Status
from crm.events import COMPLAINT_CORRECTED, COMPLAINT_MODERATED, COMPLAINT_ROUTED, SLA_BREACHED, STATUS_CHANGED
from crm.moderation import EDIT, HIDE, MAX_REASON, MAX_TEXT, UNHIDE
from crm.complaint_filter import ComplaintFilter
from crm.skpd import SKPDS
from dashboard.figures import COMPLAINTS_TRACE, HOVER, MAINLAND_BOUNDS, POINT_FIELDS
from dashboard.kpis import KPI_CODES, kpi_columns
from dashboard.page_filter import client_filter, is_filtered, room_of
from dashboard.palette import CATEGORY_COLOURS, COLOUR_MODES, GREY, SLA_COLOURS, SLA_SWATCHES, STATUS_COLOURS, STATUS_SWATCHES
from dashboard.snapshot import BREACH_KINDS, ESCALATIONS_SIZE, FEED_SIZE, WINDOW, Snapshot

FLUSH_MS = 250  # at most four repaints a second, however many complaints arrive
DETAIL_URL = "/api/v1/complaints/"  # the public read API: never reporter contact; + "<id>/moderation" to moderate
FEED_FIELDS = ("id", "ticket", "channel", "received_at", "category", "status", "kelurahan", "kecamatan", "lon")
ESCALATION_FIELDS = ("id", "ticket", "category", "kelurahan", "kecamatan", "lon", "skpd")
BREACH_LABELS = {FIRST_ACTION: ["Terlambat: tindakan pertama", "Late: first action"],
                 COMPLETION: ["Terlambat: penyelesaian", "Late: completion"]}


def _ms(delta: timedelta) -> int:
    return int(delta.total_seconds() * 1000)


def client_config(now: datetime, *, moderator: bool = False, where: ComplaintFilter = ComplaintFilter(),
                  counts: bool = False) -> dict[str, Any]:
    """`moderator`: the page keeps hidden complaints (marked) and its detail card offers moderation;
    `where`: the page's filter, which live events are held to, from the room that holds them;
    `counts`: the map shades kelurahan by count (dashboard/figures.py draws_counts), a click narrows to one."""
    wib_offset = now.astimezone(WIB).utcoffset() or timedelta(0)
    return {
        "event": COMPLAINT_ROUTED, "status_event": STATUS_CHANGED, "corrected_event": COMPLAINT_CORRECTED,
        "breach_event": SLA_BREACHED, "room": room_of(where), "filter": client_filter(where),
        "filtered": is_filtered(where), "counts": counts,
        "moderated_event": COMPLAINT_MODERATED, "moderator": moderator,
        "moderation": {"hide": HIDE, "unhide": UNHIDE, "edit": EDIT, "max_reason": MAX_REASON, "max_text": MAX_TEXT},
        "flush_ms": FLUSH_MS, "feed_size": FEED_SIZE, "escalations_size": ESCALATIONS_SIZE,
        "window_ms": _ms(WINDOW),
        "wib_offset_ms": _ms(wib_offset), "closed": Status.SELESAI.value,
        "detail_url": DETAIL_URL, "trace": COMPLAINTS_TRACE, "hover": HOVER,
        "fit_bounds": MAINLAND_BOUNDS,
        "colours": {"category": dict(CATEGORY_COLOURS), "status": dict(STATUS_COLOURS), "sla": dict(SLA_COLOURS),
                    "fallback": GREY},
        "colour_columns": {mode: POINT_FIELDS.index(mode) for mode in COLOUR_MODES},
        "sla_states": {s.key: [s.label_id, s.label_en] for s in SLA_SWATCHES[:3]},
        "categories": {code: [c.name, c.name_en] for code, c in CATEGORIES.items()},
        "statuses": {str(s.key): [s.label_id, s.label_en] for s in STATUS_SWATCHES},
        "channels": dict(CHANNELS), "kpi_codes": KPI_CODES,
        "skpd": {code: s.name for code, s in SKPDS.items()},
        "breach_kinds": BREACH_KINDS, "breaches": BREACH_LABELS,
    }


def breach_events(complaint: dict[str, Any]) -> list[dict[str, Any]]:
    """The complaint's recorded breaches, oldest first: history events of a breach kind."""
    return [event for event in complaint["history"] if event["kind"] in BREACH_KINDS]


def last_breach(complaint: dict[str, Any]) -> str | None:
    """The deadline of the newest recorded breach, which the feed row's badge names, or None."""
    found = breach_events(complaint)
    return BREACH_KINDS[found[-1]["kind"]] if found else None


def client_snapshot(snapshot: Snapshot) -> dict[str, Any]:
    """KPI columns for every complaint on the page, the newest few for the feed and the newest breaches."""
    return {
        "kpis": kpi_columns(snapshot.facts),
        "feed": [{k: c[k] for k in FEED_FIELDS} | {"breach": last_breach(c), "hidden": c.get("hidden", False)}
                 for c in snapshot.feed],
        "escalations": [{k: c[k] for k in ESCALATION_FIELDS} | {"breach": BREACH_KINDS[kind], "at": at.isoformat()}
                        for c, kind, at in snapshot.breaches],
    }
