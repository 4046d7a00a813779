"""SLA breaches: which of a complaint's deadlines have newly passed, recorded once in its history.

A breach is recorded as a history event of kind `sla_terlambat:tindakan_pertama` (no first action
by `first_action_due`) or `sla_terlambat:penyelesaian` (not Selesai by `completion_due`), by the
system, status unchanged, with a note saying the complaint is escalated to the head of its SKPD
and the command centre. The kind names the deadline so the history itself says what was already
announced: a recorder that runs every minute, or twice at once, records each breach once.

A breach counts as recorded when an event of its kind is dated after the deadline it breaches.
So a deadline that moves later (a citizen reopens the complaint, an official sets an EWS) can be
breached, and escalated, once more; the same deadline never twice. Whether a deadline has passed,
and whether the complaint is still open, is crm/overdue.py's rule; store.complaints
.overdue_candidates asks the same question in SQL through its twin, store/overdue.py.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from crm.complaint import SYSTEM_ACTOR, WIB, Complaint, ComplaintEvent
from crm.overdue import is_open, passed

SLA_TERLAMBAT = "sla_terlambat"
FIRST_ACTION = "tindakan_pertama"
COMPLETION = "penyelesaian"

_LABEL = {FIRST_ACTION: "tindakan pertama", COMPLETION: "penyelesaian"}


def breach_kind(deadline: str) -> str:
    """The history kind that records a breach of `deadline` (FIRST_ACTION or COMPLETION)."""
    return f"{SLA_TERLAMBAT}:{deadline}"


def new_breaches(complaint: Complaint, now: datetime) -> list[tuple[str, datetime]]:
    """(deadline, due) of each deadline passed before `now` and not yet recorded; none once Selesai."""
    if not is_open(complaint.status):
        return []
    due = []
    if complaint.first_action_at is None and complaint.first_action_due is not None:
        due.append((FIRST_ACTION, complaint.first_action_due))
    if complaint.completion_due is not None:
        due.append((COMPLETION, complaint.completion_due))
    return [(deadline, at) for deadline, at in due if passed(at, now) and not _recorded(complaint, deadline, at)]


def record_breaches(complaint: Complaint, now: datetime) -> Complaint:
    """The complaint with one escalation event per newly breached deadline (unchanged if none)."""
    events = [
        ComplaintEvent(breach_kind(deadline), now, complaint.status, SYSTEM_ACTOR,
                       f"Batas {_LABEL[deadline]} terlewati ({due.astimezone(WIB):%Y-%m-%d %H:%M} WIB); "
                       f"dieskalasi ke kepala {complaint.skpd} dan pusat komando")
        for deadline, due in new_breaches(complaint, now)
    ]
    return replace(complaint, history=[*complaint.history, *events]) if events else complaint


def _recorded(complaint: Complaint, deadline: str, due: datetime) -> bool:
    kind = breach_kind(deadline)
    return any(event.kind == kind and event.at >= due for event in complaint.history)
