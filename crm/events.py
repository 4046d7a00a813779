"""Events that leave the domain, as plain dicts: what a public screen may see of a complaint.

The reporter's name and contact are deliberately absent (so is the desk officer's name, which
is internal): this is the only shape published or served.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from crm.complaint import WIB, Complaint

COMPLAINT_ROUTED = "complaint_routed"
STATUS_CHANGED = "status_changed"
RANKING_CHANGED = "ranking_changed"  # payload: {"version", "at"}; screens re-read GET /api/v1/ranking
SLA_BREACHED = "sla_breached"  # payload: public_complaint plus "breach" (crm/breaches.py: which deadline)
SURGE_DETECTED = "surge_detected"  # payload: crm/surge.py surge_payload (kelurahan x category surge)


def public_complaint(complaint: Complaint) -> dict[str, Any]:
    """A complaint for the API, the live map and exports: no reporter contact, times in UTC and WIB."""
    j = complaint.jurisdiction
    return {
        "id": complaint.id,
        "ticket": complaint.ticket,
        "channel": complaint.channel,
        "external_id": complaint.external_id,
        "received_at": complaint.received_at.isoformat(),
        "received_at_wib": complaint.received_at.astimezone(WIB).strftime("%Y-%m-%d %H:%M WIB"),
        "text": complaint.text,
        "category": complaint.category,
        "lon": complaint.lon,
        "lat": complaint.lat,
        "kode_kelurahan": j.kode_kelurahan if j else None,
        "kelurahan": j.kelurahan if j else None,
        "kode_kecamatan": j.kode_kecamatan if j else None,
        "kecamatan": j.kecamatan if j else None,
        "kode_kota": j.kode_kota if j else None,
        "kota": j.kota if j else None,
        "location_flag": complaint.location_flag,
        "location_precision": complaint.location_precision,
        "skpd": complaint.skpd,
        "status": str(complaint.status),
        "category_confidence": complaint.category_confidence,
        "triage": complaint.triage,
        "duplicate_of": complaint.duplicate_of,
        "media": list(complaint.media),
        "desk": complaint.desk,
        "outside_desk_hours": complaint.outside_desk_hours,
        "first_action_due": _iso(complaint.first_action_due),
        "completion_due": _iso(complaint.completion_due),
        "closed_at": _iso(complaint.closed_at),
        "reopened": complaint.reopened,
        "history": [
            {"kind": e.kind, "at": e.at.isoformat(), "status": str(e.status), "actor": e.actor, "note": e.note}
            for e in complaint.history
        ],
    }


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


def public_tracking(complaint: Complaint) -> dict[str, Any]:
    """What a citizen sees by ticket: where it stands and its history, without any person's name."""
    shown = public_complaint(complaint)
    keep = ("ticket", "status", "category", "kelurahan", "kecamatan", "kota", "skpd", "received_at",
            "received_at_wib", "first_action_due", "completion_due", "closed_at", "reopened")
    return {key: shown[key] for key in keep} | {
        "history": [{"at": e.at.isoformat(), "at_wib": e.at.astimezone(WIB).strftime("%Y-%m-%d %H:%M WIB"),
                     "status": str(e.status), "note": e.note} for e in complaint.history],
    }
