"""Complaints repository: store a complaint with its history, find it again, list it for pages.

Rows and domain Complaints meet in store/rows.py, which store/stints.py and store/areas.py share.
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    and_,
    exists,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm.breaches import COMPLETION, FIRST_ACTION, breach_kind
from crm.complaint import PRECISE, Complaint, Status, new_ticket
from crm.complaint_filter import ComplaintFilter
from crm.duplicates import DUPLICATE_WINDOW, Sighting, Sightings, can_link, search_box
from store import stints
from store.filters import conditions
from store.inserts import insert_rows, insert_with_ids
from store.models import ComplaintEventRow, ComplaintRow
from store.overdue import is_open, passed
from store.postgis import complaints_in_boxes
from store.rows import event_values, history_of, publicly_visible, row_values, to_domain, to_row, with_history

TICKET_ATTEMPTS = 5
# What a domain step may change: the follow-up's columns, intake's decisions an operator corrects
# (crm/corrections.py) and what the public sees (crm/moderation.py). Never the report itself (text,
# channel, receipt, reporter).
CHANGEABLE = ("status", "skpd", "first_action_at", "closed_at", "completion_due", "reopened", "category",
              "category_confidence", "lon", "lat", "kode_kelurahan", "kelurahan", "kode_kecamatan", "kecamatan",
              "kode_kota", "kota", "location_flag", "location_precision", "triage", "duplicate_of",
              "first_action_due", "public_hidden", "public_edit", "public_text")
SIGHTING_CHUNK = 100  # reports per duplicate-candidate query: 100 OR-ed boxes stay far below SQLite's depth 1000


class DuplicateComplaint(ValueError):
    """The channel already delivered this external_id; `add_many` answers with the stored one."""

    def __init__(self, channel: str, external_id: str) -> None:
        super().__init__(f"{channel} already delivered {external_id!r}")
        self.channel = channel
        self.external_id = external_id


def add(session: Session, *, complaint: Complaint) -> Complaint:
    """Insert a complaint and its history, all or nothing, inside the caller's transaction.

    History defaults to one "diterima" event. A complaint that repeats an open one nearby is
    linked to it (crm/duplicates.py). A ticket already taken is replaced by a fresh one;
    a (channel, external_id) already stored raises DuplicateComplaint. Returns it with its id.
    """
    if complaint.duplicate_of is None:
        complaint = _link_duplicates(session, [complaint])[0]
    attempt = 1
    while True:
        row = to_row(complaint)
        try:
            with session.begin_nested():  # a SAVEPOINT: a failed insert leaves no half behind
                session.add(row)
                session.flush()
                stored = replace(to_domain(row), tracking_code=complaint.tracking_code)  # shown once, not stored
                stints.write(session, [stored], new=True)
            return stored
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


def add_many(session: Session, *, complaints: Sequence[Complaint]) -> list[tuple[Complaint, bool]]:
    """Store deliveries once each, inside the caller's write transaction (store.db.writing, which
    reads before it writes). Returns (complaint, created) in order.

    Optimistic, because nearly every delivery is new: one multi-row insert, with no lookup first.
    If the unique (channel, external_id) refuses it (a retry, or another process stored one a
    moment ago), the stored ones are looked up and only the rest inserted; if that fails too (a
    ticket collided), each goes in alone, as `add` does. The same delivery twice in one batch is
    stored once.
    """
    unique = list({(c.channel, c.external_id): c for c in reversed(complaints)}.values())[::-1]
    known: dict[tuple[str, str], Complaint] = {}
    try:
        with session.begin_nested():
            created = _insert_all(session, _link_duplicates(session, unique))
    except IntegrityError:
        known = _stored(session, unique)
        created = _insert_rest(session, [c for c in unique if (c.channel, c.external_id) not in known])
        done = created.keys() | known.keys()
        known |= _stored(session, [c for c in unique if (c.channel, c.external_id) not in done])
    results, answered = [], set()
    for complaint in complaints:
        key = (complaint.channel, complaint.external_id)
        first = key in created and key not in answered
        answered.add(key)
        results.append((created[key], True) if first else (created.get(key) or known[key], False))
    return results


def _insert_rest(session: Session, rest: list[Complaint]) -> dict[tuple[str, str], Complaint]:
    """The slow path: the deliveries not stored yet, in one insert with fresh tickets wherever a
    ticket was taken (thousands of tickets a day make a clash in a batch of a thousand likely),
    else one by one."""
    for _ in range(TICKET_ATTEMPTS):
        try:
            with session.begin_nested():
                return _insert_all(session, _link_duplicates(session, rest))
        except IntegrityError:
            retickets = _with_free_tickets(session, rest)
            if retickets == rest:  # not a ticket: another process stored one of these meanwhile
                break
            rest = retickets
    return _add_one_by_one(session, _link_duplicates(session, rest))


def _with_free_tickets(session: Session, batch: list[Complaint]) -> list[Complaint]:
    """The batch with a new ticket for each one already stored or used twice in the batch."""
    taken = set(session.scalars(select(ComplaintRow.ticket).where(ComplaintRow.ticket.in_([c.ticket for c in batch]))))
    fresh = []
    for complaint in batch:
        if complaint.ticket in taken:
            complaint = replace(complaint, ticket=new_ticket(complaint.received_at))
        taken.add(complaint.ticket)
        fresh.append(complaint)
    return fresh


def _stored(session: Session, complaints: Sequence[Complaint]) -> dict[tuple[str, str], Complaint]:
    """The already-stored complaints among these deliveries, by (channel, external_id)."""
    keys = {(c.channel, c.external_id) for c in complaints}
    if not keys:
        return {}
    rows = session.scalars(with_history().where(tuple_(ComplaintRow.channel, ComplaintRow.external_id).in_(keys)))
    return {(row.channel, row.external_id): to_domain(row) for row in rows}


def _add_one_by_one(session: Session, linked: list[Complaint]) -> dict[tuple[str, str], Complaint]:
    """The slow path of add_many: each insert alone, skipping deliveries another process just stored."""
    created: dict[tuple[str, str], Complaint] = {}
    ids: list[int | None] = []
    for complaint in linked:
        if complaint.duplicate_of is not None and complaint.duplicate_of < 0:
            complaint = replace(complaint, duplicate_of=ids[-complaint.duplicate_of - 1])
        try:
            stored = add(session, complaint=complaint)
        except DuplicateComplaint:
            ids.append(None)
            continue
        created[(stored.channel, stored.external_id)] = stored
        ids.append(stored.id)
    return created


def _link_duplicates(session: Session, fresh: list[Complaint]) -> list[Complaint]:
    """Each new complaint linked to the open one it repeats, stored or earlier in the batch.

    A link to an earlier member of the batch is its position as a negative number, -(i + 1),
    until the insert gives that member its id.
    """
    linkable = [c for c in fresh if c.duplicate_of is None and can_link(c)]
    if not linkable:
        return fresh
    seen = Sightings(_sightings_near(session, linkable))
    linked: list[Complaint] = []
    for position, complaint in enumerate(fresh):
        if complaint.duplicate_of is None and can_link(complaint):
            complaint = replace(complaint, duplicate_of=seen.original_of(complaint))
            if complaint.duplicate_of is None:
                seen.add(_sighting(complaint, -(position + 1)))
        linked.append(complaint)
    return linked


def _sighting(complaint: Complaint, placeholder_id: int) -> Sighting:
    assert complaint.lon is not None and complaint.lat is not None  # can_link checked it
    return Sighting(id=placeholder_id, root=placeholder_id, category=complaint.category, status=complaint.status,
                    received_at=complaint.received_at, lon=complaint.lon, lat=complaint.lat, precise=True)


def get(session: Session, *, complaint_id: int) -> Complaint | None:
    """One complaint with its history, or None."""
    row = session.scalars(with_history().where(ComplaintRow.id == complaint_id)).one_or_none()
    return None if row is None else to_domain(row)


def get_by_ticket(session: Session, *, ticket: str) -> Complaint | None:
    """The complaint a citizen quotes by its ticket, or None."""
    row = session.scalars(with_history().where(ComplaintRow.ticket == ticket)).one_or_none()
    return None if row is None else to_domain(row)


def get_by_external(session: Session, *, channel: str, external_id: str) -> Complaint | None:
    """The complaint a channel delivered under its own message id, or None."""
    row = session.scalars(with_history().where(_delivered(channel, external_id))).one_or_none()
    return None if row is None else to_domain(row)


def list_complaints(session: Session, where: ComplaintFilter = ComplaintFilter(), *, public_only: bool = False,
                    limit: int = 100, offset: int = 0) -> list[Complaint]:
    """Complaints `where` asks for, newest first (by received_at), with their history.
    `public_only`: leave out the complaints hidden from the public (a public listing's page)."""
    query = (with_history().where(*conditions(where)).order_by(ComplaintRow.received_at.desc(), ComplaintRow.id.desc()))
    if public_only:
        query = query.where(publicly_visible())
    rows = session.scalars(query.limit(limit).offset(offset))
    return [to_domain(row) for row in rows]


def _sightings_near(session: Session, fresh: list[Complaint]) -> list[Sighting]:
    """Stored complaints in the rules' boxes and windows around `fresh`: a superset the rule checks exactly.

    One box of the report's own category per report, not one box around them all: a group of
    reports from across the city (the group commit's usual batch) would otherwise read every
    complaint of the last two days. Reports are asked about in time order, SIGHTING_CHUNK at a
    time, so an import spanning months asks for each stretch's own window and no query's OR grows
    past SQLite's expression depth.
    """
    located = sorted((c for c in fresh if c.lon is not None and c.lat is not None), key=lambda c: c.received_at)
    if not located:
        return []
    found: dict[int, Sighting] = {}
    on_postgis = session.get_bind().dialect.name == "postgresql"
    for start in range(0, len(located), SIGHTING_CHUNK):
        chunk = located[start:start + SIGHTING_CHUNK]
        boxes = {(c.category, search_box(c.lon, c.lat)) for c in chunk}  # type: ignore[arg-type] - located above
        since, until = chunk[0].received_at - DUPLICATE_WINDOW, chunk[-1].received_at + DUPLICATE_WINDOW
        rows = complaints_in_boxes(session, boxes, since, until) if on_postgis else session.execute(
            select(*SIGHTING_COLUMNS).where(ComplaintRow.received_at.between(since, until), or_(
                *(and_(ComplaintRow.category == category, _lon_lat_in_box(*box)) for category, box in boxes))))
        for r in rows:
            found[r.id] = Sighting(id=r.id, root=r.duplicate_of or r.id, category=r.category, status=Status(r.status),
                                   received_at=r.received_at, lon=r.lon, lat=r.lat,
                                   precise=r.location_precision == PRECISE)
    return list(found.values())


SIGHTING_COLUMNS = (ComplaintRow.id, ComplaintRow.duplicate_of, ComplaintRow.category, ComplaintRow.status,
                    ComplaintRow.received_at, ComplaintRow.lon, ComplaintRow.lat, ComplaintRow.location_precision)


def _lon_lat_in_box(west: float, south: float, east: float, north: float) -> ColumnElement[bool]:
    return and_(ComplaintRow.lon.between(west, east), ComplaintRow.lat.between(south, north))


def _delivered(channel: str, external_id: str) -> ColumnElement[bool]:
    return and_(ComplaintRow.channel == channel, ComplaintRow.external_id == external_id)


def _insert_all(session: Session, linked: list[Complaint]) -> dict[tuple[str, str], Complaint]:
    """One insert of the complaints and one of their histories (store/inserts.py, not the unit of
    work: a thousand objects cost more to track than to store); links within the batch are
    resolved once the ids exist."""
    if not linked:
        return {}
    ids = insert_with_ids(session, ComplaintRow.__table__, [row_values(c) for c in linked])
    stored = []
    for complaint, complaint_id in zip(linked, ids):
        if complaint.duplicate_of is not None and complaint.duplicate_of < 0:
            complaint = replace(complaint, duplicate_of=ids[-complaint.duplicate_of - 1])
        stored.append(replace(complaint, id=complaint_id, history=history_of(complaint)))
    relinked = [{"id": c.id, "duplicate_of": c.duplicate_of} for c, old in zip(stored, linked)
                if c.duplicate_of != old.duplicate_of]
    if relinked:
        session.execute(update(ComplaintRow), relinked)
    insert_rows(session, ComplaintEventRow.__table__, [
        {"complaint_id": c.id, **event_values(event)} for c in stored for event in c.history])
    stints.write(session, stored, new=True)
    return {(c.channel, c.external_id): c for c in stored}


def change(
    session: Session,
    *,
    complaint_id: int,
    step: Callable[[Complaint], Complaint],
    on_changed: Callable[[Session, Complaint, Complaint], None] | None = None,
) -> Complaint | None:
    """Apply a domain step to one stored complaint under a row lock, inside the caller's write
    transaction (store.db.writing); write only what changed.

    `step` sees the complaint as stored now (locked: PostgreSQL FOR UPDATE, SQLite's write lock)
    and returns it changed, or raises, which leaves everything as it was. `on_changed(session,
    before, after)` writes what goes with the change (evidence, audit) before the stints, which
    count reused evidence photos. None when there is no such complaint.
    """
    row = session.scalars(with_history().where(ComplaintRow.id == complaint_id).with_for_update()).one_or_none()
    if row is None:
        return None
    before = to_domain(row)
    after = step(before)
    values = row_values(after)
    for column in CHANGEABLE:
        setattr(row, column, values[column])  # the ORM updates only the columns whose value changed
    session.add_all(ComplaintEventRow(complaint_id=complaint_id, **event_values(event))
                    for event in after.history[len(before.history):])
    session.flush()
    if on_changed is not None:
        on_changed(session, before, after)
    stints.write(session, [after])
    return after


def overdue_candidates(session: Session, *, now: datetime, limit: int = 500) -> list[int]:
    """Ids of open complaints with a deadline passed before `now` and its breach not yet recorded,
    oldest first: crm/breaches.py's rule in SQL, so the watcher locks only complaints it will
    change, and `limit` paces a backlog (the rest come in the next rounds) instead of hiding it."""
    def unrecorded(deadline: str, due: ColumnElement[datetime]) -> ColumnElement[bool]:
        return ~exists().where(ComplaintEventRow.complaint_id == ComplaintRow.id,
                               ComplaintEventRow.kind == breach_kind(deadline), ComplaintEventRow.at >= due)

    first_action = and_(ComplaintRow.first_action_at.is_(None), passed(ComplaintRow.first_action_due, now),
                        unrecorded(FIRST_ACTION, ComplaintRow.first_action_due))
    completion = and_(passed(ComplaintRow.completion_due, now), unrecorded(COMPLETION, ComplaintRow.completion_due))
    query = (select(ComplaintRow.id)
             .where(is_open(ComplaintRow.status), first_action | completion)
             .order_by(ComplaintRow.id).limit(limit))
    return list(session.scalars(query))


def list_held(
    session: Session, *, skpds: Collection[str] | None, statuses: Collection[Status], limit: int = 500
) -> list[Complaint]:
    """Complaints in `statuses` held by one of `skpds` (by anyone when None), newest first: a work queue.

    The caller still asks crm.roles.covers of each: the holder narrows the read, the rule decides.
    """
    query = (with_history().where(ComplaintRow.status.in_([Status(s).value for s in statuses]))
             .order_by(ComplaintRow.received_at.desc(), ComplaintRow.id.desc()))
    if skpds is not None:
        query = query.where(ComplaintRow.skpd.in_(list(skpds)))
    return [to_domain(row) for row in session.scalars(query.limit(limit))]
