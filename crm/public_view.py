"""The one public view of a complaint, served and published by every public door: the API,
Open311, the socket events a screen receives, public pages and exports.

UU 27/2022 (PDP) decides what is left out. The reporter's name and contact never appear. What
citizens and officials write is masked (crm/personal_data.py: phone numbers, emails, NIK/KK
numbers, an email's signature). The channel's own id (`external_id`) is left out: a tweet id
names its author, an email's Message-ID a laptop. History names no official: each entry shows the
unit or role that wrote it ("Petugas BINAMARGA-JP"); the name stays in the audit log. Staff pages
read the Complaint itself, where crm/roles.py lets them.

Moderation (crm/moderation.py) decides the rest: `is_public` is the one rule of whether the public
sees a complaint at all (store/rows.py `publicly_visible` says it in SQL for listings), and an
operator's edit replaces the text the public reads, masked like the citizen's own. `as_seen_by` is
what a door answers one reader: the public view, a moderator's view with the hidden ones marked,
or nothing.
"""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from crm.complaint import SYSTEM_ACTOR, Complaint, ComplaintEvent, utc_now, wib_text
from crm.lifecycle import CITIZEN
from crm.overdue import overdue
from crm.personal_data import mask
from crm.roles import Person, may_moderate
from crm.sla_state import sla_state

PUBLIC_ACTORS = {SYSTEM_ACTOR: "Sistem", CITIZEN: "Pelapor"}
UNNAMED_OFFICIAL = "Petugas"  # an entry from before units were kept, or from an imported history


@lru_cache(maxsize=1024)
def public_text(text: str) -> str:
    """What the public may read of a citizen's or an official's words. Remembered: one report's text
    is masked for its row, its live event and the door's answer, 0.54 ms the three times against
    0.15 ms remembered (measured on the labelled set)."""
    return mask(text)


def is_public(complaint: Complaint) -> bool:
    """Whether the public may see the complaint at all: not while an operator has hidden it."""
    return not complaint.public_hidden


def shown_text(complaint: Complaint) -> str:
    """The text the public reads: an operator's edit if there is one, else the citizen's, masked either way."""
    return public_text(complaint.text if complaint.public_edit is None else complaint.public_edit)


def sees_hidden(person: Person | None) -> bool:
    """Whether a reader (None: the public) is shown complaints hidden from the public: moderators are."""
    return person is not None and may_moderate(person)


def as_seen_by(person: Person | None, complaint: Complaint, now: datetime | None = None) -> dict[str, Any] | None:
    """What a reader (None: the public) is answered about a complaint, or None when it is hidden from
    them. A moderator sees hidden ones too, marked, with the citizen's own words (masked) beside an edit.
    `now` as in `public_complaint`."""
    if sees_hidden(person):
        return public_complaint(complaint, now) | {"hidden": complaint.public_hidden,
                                                   "edited": complaint.public_edit is not None,
                                                   "original_text": public_text(complaint.text)}
    return public_complaint(complaint, now) if is_public(complaint) else None


def on_receipt(complaint: Complaint) -> dict[str, Any]:
    """What the door that took a report answers its sender: the public view plus, the first time
    only, the reporter's tracking code, which reopening asks for (crm/lifecycle.py proves_reporter)."""
    shown = public_complaint(complaint)
    return shown | {"tracking_code": complaint.tracking_code} if complaint.tracking_code else shown


def is_web_url(url: str) -> bool:
    """Only http(s) links are shown: a `javascript:` or `data:` URL would run in a reader's browser."""
    return url.lower().startswith(("http://", "https://")) and not any(c.isspace() or ord(c) < 0x20 for c in url)


def public_actor(event: ComplaintEvent) -> str:
    """Who wrote a history entry, as the public may know it."""
    return PUBLIC_ACTORS.get(event.actor) or event.unit or UNNAMED_OFFICIAL


def public_complaint(complaint: Complaint, now: datetime | None = None) -> dict[str, Any]:
    """A complaint as the API, Open311, live screens, public pages and exports show it: times in UTC
    and WIB; the text (as moderated) and notes masked; no contact, name, external id or officer.
    Whether it may be shown at all is `is_public`'s question, which every door asks first.

    `overdue` (crm/overdue.py) and `sla`, the SLA colour of the deadline running (crm/sla_state.py:
    aman, peringatan, terlambat, or None once closed), are answers at `now` (None: the present), so
    screens count and colour rather than decide; an event built for a moment (a breach) passes it."""
    j = complaint.jurisdiction
    at = utc_now() if now is None else now
    return {
        "id": complaint.id,
        "ticket": complaint.ticket,
        "channel": complaint.channel,
        "received_at": complaint.received_at.isoformat(),
        "received_at_wib": wib_text(complaint.received_at),
        "text": shown_text(complaint),
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
        "media": [url for url in complaint.media if is_web_url(url)],
        "desk": complaint.desk,
        "outside_desk_hours": complaint.outside_desk_hours,
        "first_action_due": _iso(complaint.first_action_due),
        "first_action_at": _iso(complaint.first_action_at),
        "completion_due": _iso(complaint.completion_due),
        "overdue": overdue(complaint, at),
        "sla": sla_state(complaint, at),
        "closed_at": _iso(complaint.closed_at),
        "reopened": complaint.reopened,
        "history": [
            {"kind": e.kind, "at": e.at.isoformat(), "status": str(e.status), "actor": public_actor(e),
             "note": public_text(e.note)}
            for e in complaint.history
        ],
    }


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


def public_tracking(complaint: Complaint) -> dict[str, Any]:
    """What a citizen sees by ticket: where it stands and its history, without any person's name."""
    shown = public_complaint(complaint)
    keep = ("ticket", "status", "category", "kelurahan", "kecamatan", "kota", "skpd", "received_at",
            "received_at_wib", "first_action_due", "completion_due", "overdue", "closed_at", "reopened")
    return {key: shown[key] for key in keep} | {
        "history": [{"at": e.at.isoformat(), "at_wib": wib_text(e.at),
                     "status": str(e.status), "note": public_text(e.note)} for e in complaint.history],
    }
