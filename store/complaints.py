"""Complaints repository: store a complaint with its history, find it again, list it for pages.

Rows and domain Complaints meet only in `_to_row` and `_to_domain`.
"""
from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from crm.complaint import Complaint, ComplaintEvent, Status, new_ticket, received_event
from geo.jurisdiction import Jurisdiction
from store.models import ComplaintEventRow, ComplaintRow

TICKET_ATTEMPTS = 5


class DuplicateComplaint(ValueError):
    """The channel already delivered this external_id; `add_or_get` answers with the stored one."""

    def __init__(self, channel: str, external_id: str) -> None:
        super().__init__(f"{channel} already delivered {external_id!r}")
        self.channel = channel
        self.external_id = external_id


def add(session: Session, *, complaint: Complaint) -> Complaint:
    """Insert a complaint and its history, all or nothing, inside the caller's transaction.

    History defaults to one "diterima" event. A ticket already taken is replaced by a fresh one;
    a (channel, external_id) already stored raises DuplicateComplaint. Returns it with its id.
    """
    attempt = 1
    while True:
        row = _to_row(complaint)
        try:
            with session.begin_nested():  # a SAVEPOINT: a failed insert leaves no half behind
                session.add(row)
                session.flush()
            return _to_domain(row)
        except IntegrityError:
            delivered = _delivered(complaint.channel, complaint.external_id)
            if session.scalar(select(exists().where(delivered))):
                raise DuplicateComplaint(complaint.channel, complaint.external_id) from None
            ticket_taken = session.scalar(
                select(exists().where(ComplaintRow.ticket == complaint.ticket))
            )
            if not ticket_taken or attempt == TICKET_ATTEMPTS:
                raise
        attempt += 1
        complaint = replace(complaint, ticket=new_ticket(complaint.received_at))


def add_or_get(sessions: Callable[[], Session], *, complaint: Complaint) -> tuple[Complaint, bool]:
    """Store a delivery once, however often and concurrently a channel retries it; commit.

    Returns (complaint, created), after the commit, so the channel may acknowledge at once.
    It takes a session factory and owns the transaction because on SQLite a transaction that
    read before this insert fails with "database is locked" if another writer got in between.
    """
    with sessions() as session, session.begin():
        try:
            return add(session, complaint=complaint), True
        except DuplicateComplaint:
            delivered = _delivered(complaint.channel, complaint.external_id)
            row = session.scalars(_with_history().where(delivered)).one()
            return _to_domain(row), False


def get(session: Session, *, complaint_id: int) -> Complaint | None:
    """One complaint with its history, or None."""
    row = session.scalars(_with_history().where(ComplaintRow.id == complaint_id)).one_or_none()
    return None if row is None else _to_domain(row)


def get_by_external(session: Session, *, channel: str, external_id: str) -> Complaint | None:
    """The complaint a channel delivered under its own message id, or None."""
    row = session.scalars(_with_history().where(_delivered(channel, external_id))).one_or_none()
    return None if row is None else _to_domain(row)


def list_complaints(
    session: Session,
    *,
    kode_kelurahan: str | None = None,
    skpd: str | None = None,
    status: Status | None = None,
    statuses: Collection[Status] | None = None,
    categories: Collection[str] | None = None,
    ids: Collection[int] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Complaint]:
    """Complaints newest first (by received_at), optionally narrowed; `since` and `until` are inclusive."""
    query = _with_history().order_by(ComplaintRow.received_at.desc(), ComplaintRow.id.desc())
    if kode_kelurahan is not None:
        query = query.where(ComplaintRow.kode_kelurahan == kode_kelurahan)
    if skpd is not None:
        query = query.where(ComplaintRow.skpd == skpd)
    if status is not None:
        query = query.where(ComplaintRow.status == Status(status).value)
    if statuses is not None:
        query = query.where(ComplaintRow.status.in_([Status(s).value for s in statuses]))
    if categories is not None:
        query = query.where(ComplaintRow.category.in_(list(categories)))
    if ids is not None:
        query = query.where(ComplaintRow.id.in_(list(ids)))
    if since is not None:
        query = query.where(ComplaintRow.received_at >= since)
    if until is not None:
        query = query.where(ComplaintRow.received_at <= until)
    rows = session.scalars(query.limit(limit).offset(offset))
    return [_to_domain(row) for row in rows]


def _with_history() -> Select[tuple[ComplaintRow]]:
    return select(ComplaintRow).options(selectinload(ComplaintRow.events))


def _delivered(channel: str, external_id: str) -> ColumnElement[bool]:
    return and_(ComplaintRow.channel == channel, ComplaintRow.external_id == external_id)


def _to_row(complaint: Complaint) -> ComplaintRow:
    where = complaint.jurisdiction
    history = complaint.history or [received_event(complaint.received_at)]
    return ComplaintRow(
        ticket=complaint.ticket,
        channel=complaint.channel,
        external_id=complaint.external_id,
        received_at=complaint.received_at,
        text=complaint.text,
        category=complaint.category,
        lon=complaint.lon,
        lat=complaint.lat,
        kode_kelurahan=where.kode_kelurahan if where else None,
        kelurahan=where.kelurahan if where else None,
        kode_kecamatan=where.kode_kecamatan if where else None,
        kecamatan=where.kecamatan if where else None,
        kode_kota=where.kode_kota if where else None,
        kota=where.kota if where else None,
        location_flag=complaint.location_flag,
        skpd=complaint.skpd,
        status=Status(complaint.status).value,
        reporter_contact=complaint.reporter_contact,
        events=[
            ComplaintEventRow(
                kind=event.kind,
                at=event.at,
                status=Status(event.status).value,
                actor=event.actor,
                note=event.note,
            )
            for event in history
        ],
    )


def _to_domain(row: ComplaintRow) -> Complaint:
    jurisdiction = None
    if row.kode_kelurahan is not None:
        jurisdiction = Jurisdiction(
            kode_kelurahan=row.kode_kelurahan,
            kelurahan=row.kelurahan or "",
            kode_kecamatan=row.kode_kecamatan or "",
            kecamatan=row.kecamatan or "",
            kode_kota=row.kode_kota or "",
            kota=row.kota or "",
            flag=row.location_flag,
        )
    return Complaint(
        id=row.id,
        ticket=row.ticket,
        channel=row.channel,
        external_id=row.external_id,
        received_at=row.received_at,
        text=row.text,
        category=row.category,
        lon=row.lon,
        lat=row.lat,
        jurisdiction=jurisdiction,
        skpd=row.skpd,
        status=Status(row.status),
        reporter_contact=row.reporter_contact,
        history=[
            ComplaintEvent(
                kind=event.kind,
                at=event.at,
                status=Status(event.status),
                actor=event.actor,
                note=event.note,
            )
            for event in row.events
        ],
    )
