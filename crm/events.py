"""Events that leave the domain.

An `Event` is one thing that happened, with a name, a public payload and the kota and SKPD whose
rooms (crm/rooms.py) hear of it besides the city, the way datasette's `events.py` keeps its
events as small dataclasses: the unit of work (services/unit_of_work.py) queues them, the event
log stores them, Socket.IO and Redis carry them, and listeners read them, all as the same type.

A complaint event's payload is crm/public_view.py's `public_complaint`, the one public shape, or,
while the complaint is hidden from the public (crm/moderation.py), only its id and `hidden`: every
screen may be public, so a hidden complaint's later changes reach them without any of its content.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from crm.complaint import Complaint
from crm.public_view import is_public, public_complaint
from crm.rooms import rooms_of

COMPLAINT_ROUTED = "complaint_routed"
STATUS_CHANGED = "status_changed"
COMPLAINT_CORRECTED = "complaint_corrected"  # an operator redid intake's decisions (crm/corrections.py)
RANKING_CHANGED = "ranking_changed"  # payload: {"version", "at"}; screens re-read GET /api/v1/ranking
SLA_BREACHED = "sla_breached"  # payload: public_complaint plus "breach" (crm/breaches.py: which deadline)
SURGE_DETECTED = "surge_detected"  # payload: crm/surge.py surge_payload (kelurahan x category surge)
COMPLAINT_MODERATED = "complaint_moderated"  # hidden, shown again or its public text edited (crm/moderation.py)
COMPLAINT_RATED = "complaint_rated"  # its reporter rated the follow-up (crm/verdict.py); payload: plus "rating"
# payload: a public complaint, or hidden_payload while it is hidden
COMPLAINT_EVENTS = frozenset({COMPLAINT_ROUTED, STATUS_CHANGED, COMPLAINT_CORRECTED, SLA_BREACHED, COMPLAINT_MODERATED,
                              COMPLAINT_RATED})


@dataclass(frozen=True, slots=True)
class Event:
    """One announcement; `id` is its place in the event log, None until the log has stored it."""

    name: str
    payload: dict[str, Any]
    kode_kota: str | None = None
    skpd: str | None = None
    id: int | None = None
    left: tuple[str, ...] = ()  # rooms the complaint has just left (a correction moved it), told too

    @property
    def rooms(self) -> list[str]:
        """The city, the kota and SKPD rooms when known, and any rooms it left: a screen held to one
        of those hears that the complaint is no longer its own, and drops it."""
        rooms = rooms_of(kode_kota=self.kode_kota, skpd=self.skpd)
        return rooms + [room for room in self.left if room not in rooms]

    @property
    def complaint_id(self) -> int | None:
        """The complaint this event is about, if it is about one."""
        return self.payload.get("id") if self.name in COMPLAINT_EVENTS else None

    def logged(self, event_id: int) -> Event:
        return replace(self, id=event_id)

    def message(self) -> dict[str, Any]:
        """What a screen receives: the payload with its `event_id`, for catching up after a reconnect."""
        return {**self.payload, "event_id": self.id}


def hidden_payload(complaint_id: int | None) -> dict[str, Any]:
    """All that screens learn of a complaint hidden from the public: which one, to drop it."""
    return {"id": complaint_id, "hidden": True}


def _about(name: str, complaint: Complaint, now: datetime | None = None, **extra: Any) -> Event:
    payload = public_complaint(complaint, now) | extra if is_public(complaint) else hidden_payload(complaint.id)
    kode_kota = complaint.jurisdiction.kode_kota if complaint.jurisdiction else None
    return Event(name, payload, kode_kota=kode_kota, skpd=complaint.skpd)


def complaint_routed(complaint: Complaint) -> Event:
    """A new complaint stored and routed: to the rooms of its kota and the unit holding it."""
    return _about(COMPLAINT_ROUTED, complaint)


def status_changed(complaint: Complaint) -> Event:
    """A follow-up step or a reopening: to the rooms of the unit now holding it."""
    return _about(STATUS_CHANGED, complaint)


def complaint_corrected(complaint: Complaint, before: Complaint | None = None) -> Event:
    """Category, place or holder corrected, or set aside: to the rooms of its (new) kota and holder,
    and to those of `before`'s kota and holder that it left, whose screens would otherwise keep a
    stale dot (the event log keeps only the new rooms, so a catch-up replay reaches the new ones)."""
    event = _about(COMPLAINT_CORRECTED, complaint)
    if before is None:
        return event
    was = rooms_of(kode_kota=before.jurisdiction.kode_kota if before.jurisdiction else None, skpd=before.skpd)
    return replace(event, left=tuple(room for room in was if room not in event.rooms))


def sla_breached(complaint: Complaint, breach: str, now: datetime) -> Event:
    """A passed deadline (`breach`: crm.breaches.FIRST_ACTION or COMPLETION) found at `now`, escalated
    to the head of the unit holding it. Its payload's `overdue` is of `now`: this event is how a
    screen learns that a complaint has turned overdue."""
    return _about(SLA_BREACHED, complaint, now, breach=breach)


def complaint_moderated(complaint: Complaint, action: str) -> Event:
    """What the public sees of a complaint changed: screens drop it (hidden), show it again or replace
    its text (`moderation`: crm.moderation.UNHIDE or EDIT). Never the reason, never the citizen's
    words behind an edit."""
    return _about(COMPLAINT_MODERATED, complaint, moderation=action)


def complaint_rated(complaint: Complaint, rating: int) -> Event:
    """The reporter's verdict on a Selesai complaint (1..5): to the rooms of the unit that closed it,
    and the ranking (live/ranking.py), whose `kepuasan_warga` share it moves."""
    return _about(COMPLAINT_RATED, complaint, rating=rating)


def as_now(event: Event, *, hidden: bool, text: str) -> Event:
    """A logged complaint event replayed to a screen as the public may see it now (live/handlers.py):
    a complaint hidden since is only announced as hidden, an edited text replaces the one it
    carried. `text` is the public text stored now (store: complaints.public_text)."""
    if event.complaint_id is None or event.payload.get("hidden"):
        return event
    if hidden:
        return replace(event, payload=hidden_payload(event.complaint_id))
    return replace(event, payload=event.payload | {"text": text})


def surge_detected(payload: dict[str, Any], kode_kota: str) -> Event:
    """A kelurahan x category surge (crm/surge.py surge_payload): to the city and its kota."""
    return Event(SURGE_DETECTED, payload, kode_kota=kode_kota)
