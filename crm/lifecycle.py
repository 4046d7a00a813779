"""A complaint's life after intake, as the CRM records it: an official's follow-up step (the status
chain's move) and a citizen's reopening, plus what the SLA clock and the ranking need to know of
them (first action, closing time, a new completion deadline, reopenings).

crm/transitions.py decides whether a step is allowed; this module keeps the clock's fields in
step with it, so the store only writes what changed.
"""
from __future__ import annotations

import hmac
from dataclasses import replace
from datetime import datetime

from crm.complaint import Complaint, ComplaintEvent, Status, code_hash
from crm.corrections import set_aside
from crm.sla import SlaClock
from crm.transitions import InvalidTransition, TransitionRequest, apply

REOPENED = "dibuka_ulang"
CITIZEN = "warga"


def advance(complaint: Complaint, request: TransitionRequest, sla: SlaClock) -> Complaint:
    """The complaint after one step by an official; TransitionError if the chain forbids it."""
    moved = apply(complaint, request)
    due = complaint.completion_due
    if request.ews is not None:
        due = sla.deadlines(channel=complaint.channel, category=complaint.category,
                            received_at=complaint.received_at, ews=request.ews).completion
    return replace(
        moved,
        first_action_at=complaint.first_action_at or request.at,
        closed_at=request.at if moved.status == Status.SELESAI else None,
        completion_due=due,
    )


def proves_reporter(complaint: Complaint, code: str) -> bool:
    """Whether `code` is the tracking code its reporter was given on receipt: reopening needs it,
    never the public ticket alone. A complaint from before codes has none, and cannot be reopened so."""
    return complaint.tracking_hash is not None and hmac.compare_digest(complaint.tracking_hash, code_hash(code))


def reopen(complaint: Complaint, *, at: datetime, reason: str, sla: SlaClock) -> Complaint:
    """The citizen says the follow-up did not fix it: back to Proses with the unit that closed it,
    a fresh completion deadline from today, and one more reopening charged to that unit."""
    if complaint.status != Status.SELESAI or set_aside(complaint):  # no unit closed it: nothing to reopen
        raise InvalidTransition(complaint.status, Status.PROSES)
    event = ComplaintEvent(REOPENED, at, Status.PROSES, CITIZEN, f"Dibuka ulang oleh pelapor: {reason}")
    due = sla.deadlines(channel=complaint.channel, category=complaint.category, received_at=at).completion
    return replace(complaint, status=Status.PROSES, closed_at=None, completion_due=due,
                   reopened=complaint.reopened + 1, history=[*complaint.history, event])
