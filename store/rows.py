"""Row mapping: a ComplaintRow (with its history rows) to and from a domain Complaint.

Its own module so that every repository reading complaints (complaints, stints, areas) shares one
mapping without importing another repository.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, false, select
from sqlalchemy.orm import selectinload

from crm.complaint import Complaint, ComplaintEvent, Status, received_event
from crm.public_view import shown_text
from geo.jurisdiction import Jurisdiction
from store.models import ComplaintEventRow, ComplaintRow


def with_history() -> Select[tuple[ComplaintRow]]:
    """Complaint rows with their history in one extra query (history is lazy="raise")."""
    return select(ComplaintRow).options(selectinload(ComplaintRow.events))


def publicly_visible() -> ColumnElement[bool]:
    """crm.public_view.is_public in SQL, for listings the public reads: a complaint an operator has not
    hidden (the public_complaints view says the same in its own SQL, migration 0013)."""
    return ComplaintRow.public_hidden == false()


def history_of(complaint: Complaint) -> list[ComplaintEvent]:
    """The history to store: a new complaint without one starts with "diterima"."""
    return complaint.history or [received_event(complaint.received_at)]


def row_values(complaint: Complaint) -> dict[str, Any]:
    """The complaint's columns, for an ORM row or a bulk insert."""
    where = complaint.jurisdiction
    return {
        "ticket": complaint.ticket,
        "tracking_hash": complaint.tracking_hash,
        "channel": complaint.channel,
        "external_id": complaint.external_id,
        "received_at": complaint.received_at,
        "text": complaint.text,
        "public_text": shown_text(complaint),
        "category": complaint.category,
        "lon": complaint.lon,
        "lat": complaint.lat,
        "kode_kelurahan": where.kode_kelurahan if where else None,
        "kelurahan": where.kelurahan if where else None,
        "kode_kecamatan": where.kode_kecamatan if where else None,
        "kecamatan": where.kecamatan if where else None,
        "kode_kota": where.kode_kota if where else None,
        "kota": where.kota if where else None,
        "location_flag": complaint.location_flag,
        "skpd": complaint.skpd,
        "status": Status(complaint.status).value,
        "reporter_contact": complaint.reporter_contact,
        "reporter_name": complaint.reporter_name,
        "category_confidence": complaint.category_confidence,
        "triage": complaint.triage,
        "location_precision": complaint.location_precision,
        "duplicate_of": complaint.duplicate_of,
        "media": list(complaint.media),
        "desk": complaint.desk,
        "officer": complaint.officer,
        "outside_desk_hours": complaint.outside_desk_hours,
        "first_action_due": complaint.first_action_due,
        "completion_due": complaint.completion_due,
        "first_action_at": complaint.first_action_at,
        "closed_at": complaint.closed_at,
        "reopened": complaint.reopened,
        "public_hidden": complaint.public_hidden,
        "public_edit": complaint.public_edit,
    }


def event_values(event: ComplaintEvent) -> dict[str, Any]:
    return {"kind": event.kind, "at": event.at, "status": Status(event.status).value, "actor": event.actor,
            "note": event.note, "unit": event.unit}


def to_row(complaint: Complaint) -> ComplaintRow:
    return ComplaintRow(**row_values(complaint),
                        events=[ComplaintEventRow(**event_values(event)) for event in history_of(complaint)])


def to_domain(row: ComplaintRow) -> Complaint:
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
        tracking_hash=row.tracking_hash,
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
        reporter_name=row.reporter_name,
        category_confidence=row.category_confidence,
        triage=row.triage,
        location_precision=row.location_precision,
        duplicate_of=row.duplicate_of,
        media=tuple(row.media or ()),
        desk=row.desk,
        officer=row.officer,
        outside_desk_hours=row.outside_desk_hours,
        first_action_due=row.first_action_due,
        completion_due=row.completion_due,
        first_action_at=row.first_action_at,
        closed_at=row.closed_at,
        reopened=row.reopened,
        public_hidden=row.public_hidden,
        public_edit=row.public_edit,
        history=[
            ComplaintEvent(
                kind=event.kind,
                at=event.at,
                status=Status(event.status),
                actor=event.actor,
                note=event.note,
                unit=event.unit,
            )
            for event in row.events
        ],
    )
