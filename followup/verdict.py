"""The reporter's verdict and replies as steps (crm/verdict.py is the rule): shared by the verdict
page `/lacak/<secret>` and the SMS and email doors (ingest/receive.py hands each report here first).

Every answer is one unit of work: the history entry, the audit row, the reply's channel id (so a
retried SMS is taken once) and the live event commit together. "belum" is the same reopening as
the tracking page's (followup/tracking.py reopen_proven), proven by the verdict secret or by the
reporter's own number or address instead of the tracking code. The page is throttled like the
reopening, per ticket; a door's reply is proven by the thread it answers, so it is not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crm.complaint import Complaint, utc_now
from crm.events import complaint_rated
from crm.intake import Report
from crm.lifecycle import CITIZEN
from crm.notices import EMAIL, SELESAI, SMS, msisdn
from crm.public_view import public_tracking
from crm.sla import SlaClock
from crm.transitions import TransitionError
from crm.verdict import (
    BELUM,
    MAX_COMMENT,
    REPLY_WINDOW,
    answer_of,
    can_rate,
    comment,
    proves_verdict,
    rate,
    rating_of,
    secret_of,
    ticket_of_secret,
)
from followup.tracking import (
    REOPEN_ATTEMPTS,
    NotClosed,
    TooManyAttempts,
    UnknownTicket,
    find,
    reopen_proven,
)
from services.unit_of_work import Work, change_complaint
from store import complaints, notices, replies

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from live.publish import Publisher
    from store.notices import StoredNotice
    from web.throttle import Attempts

RATE_ATTEMPTS = REOPEN_ATTEMPTS  # per ticket, like reopening: a guessed secret is stopped as soon
_MESSAGE_ID = re.compile(r"<([^<>@\s]+)@[^<>\s]+>")
_QUOTE_HEAD = re.compile(r"^(on|pada)\b.+(wrote|menulis)\s*:\s*$", re.IGNORECASE)


class UnknownSecret(UnknownTicket):
    """No complaint's reporter holds this secret (a wrong, old or made-up link)."""


class BadRating(ValueError):
    """A rating that is not a whole number 1..5."""


@dataclass(frozen=True)
class Verdicts:
    """What the steps need: the store, the publisher, the SLA clock (a reopening's new deadline)
    and the throttle of the page."""

    sessions: sessionmaker[Session]
    publisher: Publisher
    sla: SlaClock
    attempts: Attempts

    def by_secret(self, secret: str) -> Complaint:
        """The complaint whose reporter's verdict secret this is; UnknownSecret for anything else."""
        ticket = ticket_of_secret(secret)
        if ticket is None:
            raise UnknownSecret(secret[:40])
        try:
            found = find(self.sessions, ticket)
        except UnknownTicket:
            raise UnknownSecret(secret[:40]) from None
        if not proves_verdict(found, secret):
            raise UnknownSecret(secret[:40])
        return found

    def rate_by_secret(self, secret: str, rating: object) -> dict[str, Any]:
        """The page's rating: throttled per ticket, proven by the secret; NotClosed unless Selesai."""
        value = _rating(rating)
        found = self._throttled(secret, "nilai")
        return public_tracking(self.rate(found.id, value, via="tautan"))

    def reopen_by_secret(self, secret: str, reason: str) -> dict[str, Any]:
        """The page's "belum selesai": the tracking page's reopening, proven by the secret."""
        found = self._throttled(secret, "buka-ulang")
        return reopen_proven(self.sessions, self.publisher, self.sla, found, reason, via="tautan")

    def rate(self, complaint_id: int, rating: int, *, via: str,
             reply: tuple[str, str] | None = None) -> Complaint:
        """Record the rating (a second replaces the first: crm/verdict.py), audited with the one it
        replaced, announced live; `reply` is the (channel, message id) it came in. NotClosed unless
        the complaint awaits a verdict."""
        at = utc_now()

        def record(work: Work, before: Complaint, after: Complaint) -> None:
            work.audit(actor=CITIZEN, action="complaint.rate", target=str(after.id), at=at,
                       detail={"ticket": after.ticket, "rating": rating, "replaced": rating_of(before),
                               "closed_by": after.skpd, "via": via})
            if reply is not None:
                replies.add(work.session, complaint_id=after.id, channel=reply[0], external_id=reply[1],
                            kind=replies.RATING, at=at)
            work.announce(complaint_rated(after, rating))

        try:
            after = change_complaint(self.sessions, self.publisher, complaint_id=complaint_id, record=record,
                                     step=lambda c: rate(c, rating=rating, at=at))
        except TransitionError:
            raise NotClosed(str(complaint_id)) from None
        if after is None:
            raise UnknownTicket(str(complaint_id))
        return after

    def take_reply(self, report: Report) -> Complaint | None:
        """A report that answers a notice becomes a rating, a reopening or a comment on the notice's
        complaint, taken once per message id; None when it answers none (a new complaint)."""
        if report.channel not in (SMS, EMAIL):
            return None
        with self.sessions() as session:
            if complaints.get_by_external(session, channel=report.channel, external_id=report.external_id):
                return None  # a retry of a complaint already taken: the intake answers it as one
            done = replies.taken(session, channel=report.channel, external_id=report.external_id)
            thread = None if done else _thread(session, report)
        if done:
            return self._complaint(done)
        if thread is None:
            return None
        answer = answer_of(_first_line(report))
        found = self._complaint(thread.complaint_id)
        reply = (report.channel, report.external_id)
        fresh = thread.kind == SELESAI and thread.created_at >= utc_now() - REPLY_WINDOW
        if answer is not None and fresh and found is not None and can_rate(found):
            if answer == BELUM:
                return self._reopen_by_reply(found, report, reply)
            return self.rate(found.id, int(answer), via=report.channel, reply=reply)
        return self._comment(thread.complaint_id, report, reply)

    def _reopen_by_reply(self, found: Complaint, report: Report, reply: tuple[str, str]) -> Complaint:
        reopen_proven(self.sessions, self.publisher, self.sla, found, f"balasan {report.channel}: {report.text}",
                      via=report.channel, reply=reply)
        return self._complaint(found.id) or found

    def _comment(self, complaint_id: int, report: Report, reply: tuple[str, str]) -> Complaint | None:
        at = utc_now()

        def record(work: Work, before: Complaint, after: Complaint) -> None:
            work.audit(actor=CITIZEN, action="complaint.comment", target=str(after.id), at=at,
                       detail={"ticket": after.ticket, "via": report.channel})
            replies.add(work.session, complaint_id=after.id, channel=reply[0], external_id=reply[1],
                        kind=replies.COMMENT, at=at)

        def step(complaint: Complaint) -> Complaint:
            words = own_words(report)
            secret = secret_of(complaint)
            words = words.replace(secret, "[tautan disembunyikan]") if secret else words
            return comment(complaint, text=words[:MAX_COMMENT] or "(kosong)", at=at)

        return change_complaint(self.sessions, self.publisher, complaint_id=complaint_id, record=record, step=step)

    def _throttled(self, secret: str, action: str) -> Complaint:
        ticket = ticket_of_secret(secret) or "-"
        wait = self.attempts.try_once(RATE_ATTEMPTS, action, ticket)
        if wait is not None:
            raise TooManyAttempts(wait)
        return self.by_secret(secret)

    def _complaint(self, complaint_id: int) -> Complaint | None:
        with self.sessions() as session:
            return complaints.get(session, complaint_id=complaint_id)


def _thread(session: Session, report: Report) -> StoredNotice | None:
    """The notice a report answers: for an SMS the newest sent to its number within REPLY_WINDOW,
    for an email the one its In-Reply-To or References names, sent to the same address."""
    sender = (report.reporter_contact or "").strip()
    if not sender:
        return None
    if report.channel == SMS:
        return notices.latest_to(session, channel=SMS, recipients={sender, msisdn(sender)},
                                 since=utc_now() - REPLY_WINDOW)
    for key in reversed([found.group(1) for ref in report.replying_to for found in _MESSAGE_ID.finditer(ref)]):
        notice = notices.by_key(session, channel=EMAIL, key=key)
        if notice is not None and notice.recipient.strip().casefold() == sender.casefold():
            return notice
    return None


def own_words(report: Report) -> str:
    """The reporter's own words in a reply: an SMS's text; an email's body (the text under its
    subject) down to the quoted notice (">" lines, "On ... wrote:" / "Pada ... menulis:"), which
    carries the reporter's verdict link and is not theirs to publish."""
    if report.channel != EMAIL:
        return report.text.strip()
    body = report.text.split("\n\n", 1)[1] if "\n\n" in report.text else report.text
    lines: list[str] = []
    for line in body.splitlines():
        if line.lstrip().startswith(">") or _QUOTE_HEAD.match(line.strip()):
            break
        lines.append(line)
    return "\n".join(lines).strip()


def _first_line(report: Report) -> str:
    """What an answer is read from: the first line of the reporter's own words."""
    return next((line for line in own_words(report).splitlines() if line.strip()), "")


def _rating(value: object) -> int:
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if text not in {"1", "2", "3", "4", "5"}:
        raise BadRating(str(value)[:10])
    return int(text)

