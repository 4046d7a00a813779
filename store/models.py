"""ORM tables: complaints, their append-only history, API keys, live events, dead letters, the
boundary tables. Mirrors migrations/.

PostGIS adds `complaints.geom` and the boundary tables' `geom` on top (see store/postgis.py); the
models stay portable to SQLite.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Names the migrations spell out too, so autogenerate diffs stay quiet.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-numbers an INTEGER PRIMARY KEY, not a BIGINT one.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC in, aware UTC out. SQLite keeps no zone, so what it returns is read as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware datetime")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ComplaintRow(Base):
    __tablename__ = "complaints"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        Index("ix_complaints_category_received_at", "category", "received_at"),
        # The drill-down's "this kota's (kecamatan's) complaints since": without them SQLite walks the
        # whole table in kelurahan order to save a sort (2.2 s with a million complaints).
        Index("ix_complaints_kode_kota_received_at", "kode_kota", "received_at"),
        Index("ix_complaints_kode_kecamatan_received_at", "kode_kecamatan", "received_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # The insert sentinel: tickets are made before the insert and unique, so a multi-row INSERT ..
    # RETURNING can match ids to rows in one statement (else SQLite inserts one row at a time).
    ticket: Mapped[str] = mapped_column(String, unique=True, insert_sentinel=True)
    tracking_hash: Mapped[str | None] = mapped_column(String(64))  # the reporter's code, hashed (crm/complaint.py)
    channel: Mapped[str] = mapped_column(String)
    external_id: Mapped[str] = mapped_column(String)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    text: Mapped[str] = mapped_column(Text)
    public_text: Mapped[str] = mapped_column(Text, default="", server_default="")  # masked, for the public_complaints view
    # Moderation (crm/moderation.py): hidden from the public, or an operator's wording for the public
    # (public_text is then that wording, masked); `text` stays the citizen's. The audit log keeps who and why.
    public_hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    public_edit: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    kode_kelurahan: Mapped[str | None] = mapped_column(String, index=True)
    kelurahan: Mapped[str | None] = mapped_column(String)
    kode_kecamatan: Mapped[str | None] = mapped_column(String)
    kecamatan: Mapped[str | None] = mapped_column(String)
    kode_kota: Mapped[str | None] = mapped_column(String)
    kota: Mapped[str | None] = mapped_column(String)
    location_flag: Mapped[str | None] = mapped_column(String)
    skpd: Mapped[str] = mapped_column(String, index=True)
    status: Mapped[str] = mapped_column(String, index=True)
    # Personal data: kept for the officers' replies, never published.
    reporter_contact: Mapped[str | None] = mapped_column(String)
    reporter_name: Mapped[str | None] = mapped_column(String)
    category_confidence: Mapped[float | None] = mapped_column(Float)
    triage: Mapped[str | None] = mapped_column(String, index=True)
    location_precision: Mapped[str | None] = mapped_column(String)
    # The open complaint this one repeats (same category, near, recent). A plain indexed column,
    # not a foreign key: SQLite cannot add a constraint to an existing table without rebuilding it.
    duplicate_of: Mapped[int | None] = mapped_column(BigId, index=True)
    media: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    desk: Mapped[str | None] = mapped_column(String)
    officer: Mapped[str | None] = mapped_column(String)
    outside_desk_hours: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The SLA clock's deadlines (crm/sla.py) and what the follow-up did against them.
    first_action_due: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completion_due: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    first_action_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reopened: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(
        UtcDateTime, default=_utc_now, server_default=func.current_timestamp()
    )

    # lazy="raise": history is loaded on purpose (selectinload) or not at all, never one by one.
    events: Mapped[list[ComplaintEventRow]] = relationship(
        order_by="ComplaintEventRow.id", lazy="raise"
    )


class ComplaintEventRow(Base):
    """One history entry; rows are only ever inserted."""

    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(BigId, ForeignKey("complaints.id"), index=True)
    kind: Mapped[str] = mapped_column(String)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String)
    actor: Mapped[str] = mapped_column(String)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    unit: Mapped[str] = mapped_column(String, default="", server_default="")  # the actor as the public sees them


class ApiKeyRow(Base):
    """A channel's or partner's key; only its sha256 is kept, so a leaked table leaks no keys.
    `scopes` (crm/scopes.py) lists what it may do, sorted."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    created_at: Mapped[datetime] = mapped_column(
        UtcDateTime, default=_utc_now, server_default=func.current_timestamp()
    )
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LiveEventRow(Base):
    """One published live event, kept so a screen that reconnects can catch up by id.

    `id` is the event id screens see. AUTOINCREMENT on SQLite: ids never come back, even after
    old events are pruned. `kode_kota` and `skpd` are the rooms' keys (see crm/rooms.py).
    """

    __tablename__ = "live_events"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String)
    kode_kota: Mapped[str | None] = mapped_column(String)
    skpd: Mapped[str | None] = mapped_column(String)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(
        UtcDateTime, default=_utc_now, server_default=func.current_timestamp()
    )


class DeadLetterRow(Base):
    """A delivery no adapter could read, kept verbatim (up to a limit) for operators to see and replay.

    The same body delivered again on the same channel is one row with more `attempts`, so a
    webhook retrying a bad payload all night does not fill the table.
    """

    __tablename__ = "dead_letters"
    __table_args__ = (UniqueConstraint("channel", "body_sha256"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String)
    content_type: Mapped[str] = mapped_column(String)
    headers: Mapped[dict[str, str]] = mapped_column(JSON)
    query: Mapped[dict[str, str]] = mapped_column(JSON)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    body_truncated: Mapped[bool] = mapped_column(Boolean)
    body_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)  # the refusal's HTTP status
    error: Mapped[str] = mapped_column(Text)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    first_received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    replayed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    complaint_ids: Mapped[list[int] | None] = mapped_column(JSON)
    request_id: Mapped[str | None] = mapped_column(String(128))  # of the latest delivery (X-Request-ID)
    dismissed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # set aside by an operator
    dismissed_by: Mapped[str | None] = mapped_column(String(200))  # as the audit log names them


class NoticeRow(Base):
    """A message to a complaint's reporter (crm/notices.py), written in the transaction of the change
    that calls for it and sent later by the dispatcher (notify/dispatch.py): an outbox.

    `recipient` is the reporter's private contact (never published); `key` is the idempotency key
    sent with every attempt; `secret` the tracking code a receipt's text carries, blanked out of the
    text (and itself cleared) once it is sent. `state`: pending (to send at `next_attempt_at`), sent, failed (a
    failed attempt, retried with backoff; kept pending), not_configured (the channel has no sender
    configured: kept, and sent once one is), dead (given up after too many attempts or a refusal
    that no retry fixes: an outbound dead letter for operators), dismissed (a dead notice an operator
    set aside: final).
    """

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("key"), Index("ix_notices_due", "state", "next_attempt_at"),
                      Index("ix_notices_recipient", "channel", "recipient"))  # an SMS reply finds its thread

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(BigId, ForeignKey("complaints.id"), index=True)
    channel: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(320))  # personal: never published
    in_reply_to: Mapped[str | None] = mapped_column(Text)  # the email's Message-ID, the tweet's id ...
    subject: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    key: Mapped[str] = mapped_column(String(200))
    secret: Mapped[str | None] = mapped_column(String(40))  # the tracking code in `text`, until it is sent
    state: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CitizenReplyRow(Base):
    """A reporter's answer to a notice (crm/verdict.py), by the channel's own id of the message, so a
    gateway's retry is taken once: what it became (`kind`: nilai, belum or tanggapan) and on which
    complaint. The answer itself is in the complaint's history."""

    __tablename__ = "citizen_replies"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(BigId, ForeignKey("complaints.id"), index=True)
    channel: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str] = mapped_column(String)
    kind: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)


class UserRow(Base):
    """A person who signs in (officials, operators, validators) or whose token a back office uses.

    Only hashes are kept: the password's (werkzeug scrypt) and the token's (sha256).
    `skpd` scopes SKPD heads and staff; `area` (a kota, kecamatan or kelurahan code) scopes
    wali kota, camat and lurah.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    role: Mapped[str] = mapped_column(String)
    skpd: Mapped[str | None] = mapped_column(String)
    area: Mapped[str | None] = mapped_column(String)
    password_hash: Mapped[str] = mapped_column(String)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(
        UtcDateTime, default=_utc_now, server_default=func.current_timestamp()
    )
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # see store/users.py


class AuditRow(Base):
    """Every write a person made: who, when, what, to which thing. Only ever inserted."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor: Mapped[str] = mapped_column(String)
    action: Mapped[str] = mapped_column(String)
    target: Mapped[str | None] = mapped_column(String)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    request_id: Mapped[str | None] = mapped_column(String(128))  # the HTTP request that made the write, if any


class EvidenceRow(Base):
    """A photo sent as evidence of a follow-up; its sha256 lets a reused photo be recognised."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(BigId, ForeignKey("complaints.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(BigId)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    media_type: Mapped[str] = mapped_column(String)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String)
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class StintRow(Base):
    """One unit's turn holding a complaint (crm/stints.py), kept in step with the complaint by
    store/complaints.py, so the ranking reads a few columns per stint instead of whole histories."""

    __tablename__ = "ranking_stints"

    complaint_id: Mapped[int] = mapped_column(BigId, ForeignKey("complaints.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    skpd: Mapped[str] = mapped_column(String, index=True)
    kode_kota: Mapped[str | None] = mapped_column(String)
    kode_kecamatan: Mapped[str | None] = mapped_column(String)
    kode_kelurahan: Mapped[str | None] = mapped_column(String)
    category: Mapped[str] = mapped_column(String)
    start_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # None while held: the ranking reads stints held now or ended within its horizon.
    end_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    first_action_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    first_action_due: Mapped[datetime] = mapped_column(UtcDateTime)
    completion_due: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    handed_over: Mapped[bool] = mapped_column(Boolean)
    validations: Mapped[int] = mapped_column(Integer)
    rejections: Mapped[int] = mapped_column(Integer)
    closures: Mapped[int] = mapped_column(Integer)
    reopens: Mapped[int] = mapped_column(Integer)
    fast_close: Mapped[bool] = mapped_column(Boolean)
    self_closed: Mapped[bool] = mapped_column(Boolean)
    reused_photos: Mapped[int] = mapped_column(Integer)
    ratings: Mapped[int] = mapped_column(Integer, server_default="0")
    rating_points: Mapped[float] = mapped_column(Float, server_default="0")


class KotaRow(Base):
    """A kota (or Kabupaten Kepulauan Seribu) for GIS users to join on; store/boundary_tables.py
    fills it from the boundary file, and PostGIS adds its outline `geom`."""

    __tablename__ = "kota"

    kode_kota: Mapped[str] = mapped_column(String, primary_key=True)
    kota: Mapped[str] = mapped_column(String)


class KecamatanRow(Base):
    """A kecamatan, its outline dissolved from its kelurahan (geo/boundaries.py), `geom` on PostGIS."""

    __tablename__ = "kecamatan"

    kode_kecamatan: Mapped[str] = mapped_column(String, primary_key=True)
    kecamatan: Mapped[str] = mapped_column(String)
    kode_kota: Mapped[str] = mapped_column(String, ForeignKey("kota.kode_kota"))


class KelurahanRow(Base):
    """A kelurahan, the area complaints are located to (`complaints.kode_kelurahan`), `geom` on PostGIS."""

    __tablename__ = "kelurahan"

    kode_kelurahan: Mapped[str] = mapped_column(String, primary_key=True)
    kelurahan: Mapped[str] = mapped_column(String)
    kode_kecamatan: Mapped[str] = mapped_column(String, ForeignKey("kecamatan.kode_kecamatan"))
    kode_kota: Mapped[str] = mapped_column(String, ForeignKey("kota.kode_kota"))
