"""Public tracking by ticket, shared by the API (followup/api.py) and the tracking page (/lacak).

One place decides what a citizen sees (crm.public_view.public_tracking) and what their reopening does,
so the page and the API cannot drift apart. Errors carry no wording: each caller words them for
its own audience (the API in HTTP answers, the page in both languages).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from crm.complaint import Complaint, is_clean_text, utc_now
from crm.events import status_changed
from crm.lifecycle import CITIZEN, proves_reporter, reopen
from crm.public_view import public_tracking
from crm.sla import SlaClock
from crm.transitions import TransitionError
from services.unit_of_work import Work, change_complaint
from store import complaints, replies

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from live.publish import Publisher
    from web.throttle import Attempts

MAX_REASON = 2000
MAX_TICKET = 40  # JKT-261127-7K2QF is 16; imported tickets may be longer, not this long
REOPEN_ATTEMPTS = "5 per hour"  # per ticket: its reporter reopens once; someone guessing codes is stopped


class TrackingError(Exception):
    """A citizen's tracking request that cannot be done."""


class UnknownTicket(TrackingError):
    """No complaint has this ticket."""


class BadReason(TrackingError):
    """The reopening reason is empty, longer than MAX_REASON or holds control characters."""


class NotClosed(TrackingError):
    """Only a complaint in Selesai can be reopened."""


class NotTheReporter(TrackingError):
    """The tracking code is not the one given to this complaint's reporter (or it has none)."""


class TooManyAttempts(TrackingError):
    """Too many reopening attempts on this ticket lately; `retry_after` seconds until the next."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def normalise(ticket: str) -> str:
    """Tickets as citizens type them ("jkt 261127 7k2qf ") become the stored JKT-261127-7K2QF."""
    return "-".join(part for part in re.split(r"[\s\-]+", ticket.upper()) if part)


def find(sessions: sessionmaker[Session], ticket: str) -> Complaint:
    """The complaint of `ticket`; UnknownTicket for any other text, without asking the store when it
    cannot be a ticket at all (PostgreSQL refuses a NUL in a query, SQLite would not)."""
    wanted = normalise(ticket)
    if len(wanted) > MAX_TICKET or not wanted.isprintable():
        raise UnknownTicket(ticket[:MAX_TICKET])
    with sessions() as session:
        found = complaints.get_by_ticket(session, ticket=wanted)
    if found is None:
        raise UnknownTicket(ticket)
    return found


def track(sessions: sessionmaker[Session], ticket: str) -> dict[str, Any]:
    """Where the complaint stands and its history, without any person's name."""
    return public_tracking(find(sessions, ticket))


def reopen_ticket(sessions: sessionmaker[Session], publisher: Publisher, sla: SlaClock, attempts: Attempts,
                  ticket: str, code: str, reason: str) -> dict[str, Any]:
    """The reporter says the follow-up did not fix it: back to Proses, charged to the unit that closed
    it (audited with `closed_by`), announced live in the same transaction. Only the reporter may: the
    tracking code given on receipt must match, and each ticket gets REOPEN_ATTEMPTS tries."""
    reason = reason.strip()
    if not 1 <= len(reason) <= MAX_REASON or not is_clean_text(reason):
        raise BadReason(reason)
    found = find(sessions, ticket)
    wait = attempts.try_once(REOPEN_ATTEMPTS, "buka-ulang", found.ticket)
    if wait is not None:
        raise TooManyAttempts(wait)
    if not proves_reporter(found, code):
        raise NotTheReporter(ticket)
    return reopen_proven(sessions, publisher, sla, found, reason, via="kode")


def reopen_proven(sessions: sessionmaker[Session], publisher: Publisher, sla: SlaClock, found: Complaint,
                  reason: str, *, via: str, reply: tuple[str, str] | None = None) -> dict[str, Any]:
    """The reopening itself, once the reporter has proven who they are (`via`: their tracking code,
    their verdict link, or an SMS or email reply from them, followup/verdict.py; `reply` is that
    message's (channel, id), kept so a retry is taken once). BadReason, NotClosed, UnknownTicket."""
    reason = reason.strip()[:MAX_REASON]
    if not reason or not is_clean_text(reason):
        raise BadReason(reason)
    at = utc_now()

    def record(work: Work, before: Complaint, after: Complaint) -> None:
        work.audit(actor=CITIZEN, action="complaint.reopen", target=str(found.id), at=at,
                   detail={"ticket": found.ticket, "closed_by": before.skpd, "via": via})
        if reply is not None:
            replies.add(work.session, complaint_id=found.id, channel=reply[0], external_id=reply[1],
                        kind=replies.NOT_FIXED, at=at)
        work.announce(status_changed(after))

    try:
        after = change_complaint(sessions, publisher, complaint_id=found.id, record=record,
                                 step=lambda c: reopen(c, at=at, reason=reason, sla=sla))
    except TransitionError:
        raise NotClosed(found.ticket) from None
    if after is None:
        raise UnknownTicket(found.ticket)
    return public_tracking(after)
