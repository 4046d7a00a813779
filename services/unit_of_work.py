"""One unit of work for every write: apply the change, audit it, queue its events, commit, publish.

Dispatch's service functions and the transactional outbox, in one place: whatever a block writes
through `Work` commits together with the events it announces and the notices its reporters are to
hear (crm/notices.py decides which; notify/dispatch.py sends them), or none of it does; the events are
then emitted to their rooms in event-log order (live/publish.py). Every writer (the intake, the
follow-up steps, citizen tracking, the SLA and surge watches) goes through here, so none can
forget the audit row, the event or the stints the ranking reads.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

from crm.complaint import Complaint, utc_now
from crm.events import Event
from crm.notices import Notice, NoticeRule
from store import complaints, live_events, notices, users
from store.db import writing

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker


class Publishing(Protocol):
    """What the unit of work needs of live/publish.py's Publisher (services never import live)."""

    def held(self) -> AbstractContextManager[None]: ...

    def emit(self, events: list[Event]) -> None: ...


NOTICE_RULE = "pantau.notice_rule"  # the key of the sessions' `info` that holds the NoticeRule in use


def use_notice_rule(sessions: sessionmaker[Session], rule: NoticeRule) -> None:
    """Have every unit of work on `sessions` render notices with `rule` (its templates and public
    address): the composition root sets it once; without it, NoticeRule.default()."""
    sessions.configure(info={NOTICE_RULE: rule})


def notice_rule(session: Session) -> NoticeRule:
    """The NoticeRule in use on `session`'s sessionmaker: its templates and the tracking links' address."""
    return session.info.get(NOTICE_RULE) or _default_rule()


class Work:
    """The open transaction of one unit of work, and what it will announce after the commit."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.queued: list[Event] = []
        self.published: list[Event] = []  # the queued events with their ids, once committed and emitted
        self.notices: list[Notice] = []

    def audit(self, *, actor: str, action: str, target: str | None, at: datetime,
              detail: dict[str, Any]) -> None:
        users.audit(self.session, actor=actor, action=action, target=target, at=at, detail=detail)

    def announce(self, *events: Event) -> None:
        self.queued.extend(events)

    def tell(self, before: Complaint | None, after: Complaint) -> None:
        """Queue what the reporter of `after` is to hear of this change (None: just received), as
        crm/notices.py decides; stored with the rest at the commit."""
        self.notices.extend(notice_rule(self.session).notices(before, after, ticket_of=self._ticket_of))

    def _ticket_of(self, complaint_id: int) -> str | None:
        found = complaints.get(self.session, complaint_id=complaint_id)
        return None if found is None else found.ticket


@contextmanager
def unit_of_work(sessions: sessionmaker[Session], publisher: Publishing) -> Iterator[Work]:
    """A write transaction (store.db.writing) whose announced events are logged in it and emitted
    after its commit; an error anywhere inside leaves nothing written and nothing emitted.

    The publisher's lock is held throughout, so this process emits events in id order and a screen
    catching up (live/handlers.py) never sees one slip between its replay and the live stream."""
    with publisher.held():
        with writing(sessions) as session:
            work = Work(session)
            yield work
            notices.add_many(session, work.notices, at=utc_now())
            logged = live_events.append_many(session, work.queued)
        publisher.emit(logged)
        work.published = logged


Record = Callable[[Work, Complaint, Complaint], None]


def change_complaint(sessions: sessionmaker[Session], publisher: Publishing, *, complaint_id: int,
                     step: Callable[[Complaint], Complaint], record: Record | None = None) -> Complaint | None:
    """Apply a domain step to one stored complaint under its row lock, then `record(work, before,
    after)` what goes with it (evidence, audit rows, events), and queue the notices its reporter is
    to hear, all in one unit of work. The complaint after the step, or None when there is no such
    complaint; `step` may raise, which leaves everything as it was."""
    with unit_of_work(sessions, publisher) as work:
        def on_changed(_session: Session, before: Complaint, after: Complaint) -> None:
            if record is not None:
                record(work, before, after)
            work.tell(before, after)
        return complaints.change(work.session, complaint_id=complaint_id, step=step, on_changed=on_changed)


@cache
def _default_rule() -> NoticeRule:
    return NoticeRule.default()
