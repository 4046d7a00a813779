"""The notices outbox: written with the change that calls for them, claimed and marked by the dispatcher.

Sending happens outside any transaction (a slow SMTP server must not hold SQLite's write lock over
the intake), so a dispatcher first *claims* due notices in one short transaction: it counts the
attempt and moves `next_attempt_at` a lease ahead. A dispatcher that dies mid-send leaves its
claim to run out, and the next round sends those notices again with the same idempotency key.
On PostgreSQL the claim skips rows another dispatcher has locked (FOR UPDATE SKIP LOCKED); SQLite
has one writer at a time, which is the same guarantee.

A receipt carries the reporter's tracking code, which the store otherwise keeps only as a hash: it is
kept in `secret` while the receipt waits, and blanked out of the text once it is sent.

A notice's channel without a configured sender parks it `not_configured`; it is claimed again as
soon as a dispatcher runs with a sender for that channel. A `dead` notice is an outbound dead
letter: `dead` lists them for operators, beside the inbound ones (store/dead_letters.py). An operator
either revives one (`revive`: pending again, due at once, its attempts counted from zero so it gets
the dispatcher's whole backoff ladder again; the count it died with goes into the audit row) or
dismisses it (`dismiss`: `dismissed`, final, never claimed again). Both change only a notice that
is still dead, so two operators acting at once cannot both succeed.
"""
from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from crm.notices import Notice
from store.inserts import insert_rows
from store.models import NoticeRow

PENDING = "pending"
SENT = "sent"
FAILED = "failed"
NOT_CONFIGURED = "not_configured"
DEAD = "dead"
DISMISSED = "dismissed"  # a dead notice an operator set aside: final
STATES = (PENDING, SENT, FAILED, NOT_CONFIGURED, DEAD, DISMISSED)
_WAITING = (PENDING, FAILED)
HIDDEN_CODE = "[kode disembunyikan]"  # where a sent receipt's tracking code stood


@dataclass(frozen=True, slots=True)
class StoredNotice:
    """A notice as the outbox holds it: what to send, and how its sending went so far."""

    id: int
    complaint_id: int
    channel: str
    kind: str
    recipient: str
    in_reply_to: str | None
    subject: str
    text: str
    key: str
    secret: str | None
    state: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


def add_many(session: Session, notices: Sequence[Notice], *, at: datetime) -> None:
    """Queue `notices` inside the caller's transaction, due at once."""
    insert_rows(session, NoticeRow.__table__, [{
        "complaint_id": n.complaint_id, "channel": n.address.channel, "kind": n.kind,
        "recipient": n.address.recipient, "in_reply_to": n.address.in_reply_to, "subject": n.subject,
        "text": n.text, "key": n.key, "secret": n.secret, "state": PENDING, "attempts": 0, "next_attempt_at": at,
        "created_at": at,
    } for n in notices])


def park_unconfigured(session: Session, *, configured: Collection[str]) -> int:
    """Mark the waiting notices of every channel not in `configured` as not_configured; how many."""
    done = session.execute(update(NoticeRow).where(NoticeRow.state.in_(_WAITING),
                                                   NoticeRow.channel.not_in(list(configured)))
                           .values(state=NOT_CONFIGURED))
    return done.rowcount


def claim(session: Session, *, now: datetime, configured: Collection[str], lease: timedelta,
          limit: int) -> list[StoredNotice]:
    """Up to `limit` notices due at `now` on a `configured` channel, oldest first, each with one more
    attempt counted and held for `lease` (no other round claims it before that)."""
    channels = list(configured)
    due = or_(and_(NoticeRow.state.in_(_WAITING), NoticeRow.next_attempt_at <= now),
              NoticeRow.state == NOT_CONFIGURED)
    rows = session.scalars(
        select(NoticeRow).where(due, NoticeRow.channel.in_(channels))
        .order_by(NoticeRow.next_attempt_at, NoticeRow.id).limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for row in rows:
        row.attempts += 1
        row.state = PENDING if row.state == NOT_CONFIGURED else row.state
        row.next_attempt_at = now + lease
    session.flush()
    return [_to_domain(row) for row in rows]


def mark_sent(session: Session, *, notice_id: int, at: datetime) -> None:
    """Sent: and the tracking code it carried is blanked out of the kept text, which operators read."""
    row = session.get(NoticeRow, notice_id)
    if row is None:
        return
    row.state, row.sent_at, row.last_error = SENT, at, None
    if row.secret:
        row.text, row.secret = row.text.replace(row.secret, HIDDEN_CODE), None
    session.flush()


def mark_failed(session: Session, *, notice_id: int, error: str, retry_at: datetime | None) -> None:
    """One failed attempt: tried again at `retry_at`, or, with None, given up (dead)."""
    values = {"state": FAILED, "next_attempt_at": retry_at} if retry_at is not None else {"state": DEAD}
    session.execute(update(NoticeRow).where(NoticeRow.id == notice_id).values(last_error=error[:2000], **values))


def dead(session: Session, *, limit: int = 100) -> list[StoredNotice]:
    """The outbound dead letters, newest first: notices given up on, for operators to see."""
    query = select(NoticeRow).where(NoticeRow.state == DEAD).order_by(NoticeRow.id.desc()).limit(limit)
    return [_to_domain(row) for row in session.scalars(query)]


def get(session: Session, *, notice_id: int) -> StoredNotice | None:
    row = session.get(NoticeRow, notice_id)
    return None if row is None else _to_domain(row)


def revive(session: Session, *, notice_id: int, at: datetime) -> bool:
    """A dead notice pending again, due at `at`, with its attempts counted from zero; False when it is
    not dead (sent, dismissed or revived meanwhile), which changes nothing."""
    done = session.execute(update(NoticeRow).where(NoticeRow.id == notice_id, NoticeRow.state == DEAD)
                           .values(state=PENDING, attempts=0, next_attempt_at=at))
    return done.rowcount == 1


def dismiss(session: Session, *, notice_id: int) -> bool:
    """A dead notice set aside for good; False when it is not dead, which changes nothing."""
    done = session.execute(update(NoticeRow).where(NoticeRow.id == notice_id, NoticeRow.state == DEAD)
                           .values(state=DISMISSED))
    return done.rowcount == 1


def latest_to(session: Session, *, channel: str, recipients: Collection[str], since: datetime) -> StoredNotice | None:
    """The newest notice sent on `channel` to any of `recipients` (one reporter's spellings of a
    number) at or after `since`: the thread an SMS from that number answers; None if there is none."""
    query = (select(NoticeRow).where(NoticeRow.channel == channel, NoticeRow.recipient.in_(list(recipients)),
                                     NoticeRow.state == SENT, NoticeRow.created_at >= since)
             .order_by(NoticeRow.id.desc()).limit(1))
    row = session.scalars(query).first()
    return None if row is None else _to_domain(row)


def by_key(session: Session, *, channel: str, key: str) -> StoredNotice | None:
    """The notice of this idempotency key on `channel` (an email's Message-ID is made from it)."""
    row = session.scalars(select(NoticeRow).where(NoticeRow.key == key, NoticeRow.channel == channel)).first()
    return None if row is None else _to_domain(row)


def of_complaint(session: Session, *, complaint_id: int) -> list[StoredNotice]:
    """Every notice of one complaint, oldest first: what was sent, when, on which channel."""
    query = select(NoticeRow).where(NoticeRow.complaint_id == complaint_id).order_by(NoticeRow.id)
    return [_to_domain(row) for row in session.scalars(query)]


def _to_domain(row: NoticeRow) -> StoredNotice:
    return StoredNotice(
        id=row.id, complaint_id=row.complaint_id, channel=row.channel, kind=row.kind, recipient=row.recipient,
        in_reply_to=row.in_reply_to, subject=row.subject, text=row.text, key=row.key, secret=row.secret,
        state=row.state,
        attempts=row.attempts, next_attempt_at=row.next_attempt_at, last_error=row.last_error,
        created_at=row.created_at, sent_at=row.sent_at,
    )
