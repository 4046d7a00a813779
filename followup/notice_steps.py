"""What an operator does with an outbound dead letter (a notice to a reporter the dispatcher gave up
on, store/notices.py): send it again (Kirim ulang) or set it aside (Abaikan), from /surat-mati.

The same people as the inbound dead letters (ingest/dead_letter_steps.py): whoever holds the
`dead_letters` scope (crm/roles.py), checked here, so a page hiding a button is never the only guard.
Each step is its audit row and the notice's change in one unit of work (services/unit_of_work.py).
The audit row is written first and the change only applies to a notice still dead, so a notice
that was revived, dismissed or sent meanwhile raises Settled and takes its audit row with it.

Kirim ulang makes the notice pending and due at once with its attempts counted from zero: the
dispatcher (notify/dispatch.py) then gives it its whole backoff ladder again, with the same
idempotency key. The count it died with and its last error stay in the audit row.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from crm import scopes
from crm.complaint import utc_now
from crm.roles import Person, scopes_of
from services.unit_of_work import Publishing, unit_of_work
from store import notices
from store.notices import StoredNotice

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

RETRY = "notice.retry"
DISMISSAL = "notice.dismiss"


class NoticeError(Exception):
    """A step on a dead notice that was not taken; nothing changed. `status` is the HTTP status to answer."""

    status = 400


class NoSuchNotice(NoticeError):
    status = 404


class NotAllowed(NoticeError):
    status = 403


class Settled(NoticeError):
    """The notice is no longer dead: sent, revived or dismissed by someone else meanwhile."""

    status = 409


def may_handle(person: Person) -> bool:
    """Whether the person may retry and dismiss dead notices: those who repair the inbound ones."""
    return scopes.DEAD_LETTERS in scopes_of(person.role)


def retry(sessions: sessionmaker[Session], publisher: Publishing, person: Person, notice_id: int) -> StoredNotice:
    """The dead notice pending again and due now (attempts from zero), audited with the person."""
    return _settle(sessions, publisher, person, notice_id, RETRY,
                   lambda session, at: notices.revive(session, notice_id=notice_id, at=at))


def dismiss(sessions: sessionmaker[Session], publisher: Publishing, person: Person, notice_id: int) -> StoredNotice:
    """The dead notice set aside for good (`dismissed`), audited with the person."""
    return _settle(sessions, publisher, person, notice_id, DISMISSAL,
                   lambda session, _at: notices.dismiss(session, notice_id=notice_id))


def _settle(sessions: sessionmaker[Session], publisher: Publishing, person: Person, notice_id: int, action: str,
            change: Callable[[Session, datetime], bool]) -> StoredNotice:
    if not may_handle(person):
        raise NotAllowed(f"{person.name} ({person.role}) tidak berwenang atas pemberitahuan yang gagal terkirim.")
    at = utc_now()
    with unit_of_work(sessions, publisher) as work:
        found = notices.get(work.session, notice_id=notice_id)
        if found is None:
            raise NoSuchNotice(f"Pemberitahuan {notice_id} tidak ditemukan.")
        work.audit(actor=person.name, action=action, target=str(notice_id), at=at,
                   detail={"complaint_id": found.complaint_id, "channel": found.channel, "kind": found.kind,
                           "attempts": found.attempts, "last_error": found.last_error})
        if not change(work.session, at):
            raise Settled(f"Pemberitahuan {notice_id} tidak lagi gagal terkirim (sudah dikirim ulang, "
                          "diabaikan atau terkirim).")
        after = notices.get(work.session, notice_id=notice_id)
    assert after is not None  # changed just now, in this transaction
    return after
