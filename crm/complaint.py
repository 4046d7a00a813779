"""A complaint as the domain sees it: plain dataclasses, no database or web types.

Times are aware datetimes in UTC; they are shown in WIB (Asia/Jakarta) at the edges.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import StrEnum
from zoneinfo import ZoneInfo

from geo.jurisdiction import Jurisdiction

WIB = ZoneInfo("Asia/Jakarta")

# Crockford base32 without I, L, O, U: a citizen reads the ticket aloud over the phone.
_TICKET_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


RECEIVED = "diterima"
SYSTEM_ACTOR = "sistem"
LUAR_WILAYAH = "luar_wilayah"
TANPA_LOKASI = "tanpa_lokasi"
PRECISE = "koordinat"  # location_precision of a point the channel sent
TRIAGE_CATEGORY = "kategori_ragu"  # the classifier was not confident enough to guess
TRIAGE_LOCATION = "lokasi_tidak_ditemukan"  # no coordinates and no known place in the text
# A reporter's remarks on a complaint (crm/verdict.py): entries of its history that are no step of the
# status chain, so "what was the last step" (a closure, a merge) reads past them.
RATED_PREFIX = "dinilai:"  # "dinilai:4": the reporter rated the follow-up 4 of 5
COMMENTED = "tanggapan_warga"  # the reporter answered a notice (an SMS or an email reply)


class Status(StrEnum):
    """The follow-up chain of Jakarta's CRM. A new complaint starts at MENUNGGU."""

    MENUNGGU = "Menunggu"
    KOORDINASI = "Koordinasi"
    DISPOSISI = "Disposisi"
    PROSES = "Proses"
    ESTIMASI_WAKTU_SELESAI = "Estimasi Waktu Selesai"
    MENUNGGU_VALIDASI = "Menunggu Validasi"
    SELESAI = "Selesai"
    TL_DITOLAK = "TL Ditolak"


@dataclass(frozen=True, slots=True)
class ComplaintEvent:
    """One entry of a complaint's append-only history. `actor` names who wrote it (for staff and the
    audit); `unit` is how the public sees them (crm/roles.py public_label), never a person's name."""

    kind: str
    at: datetime
    status: Status
    actor: str
    note: str = ""
    unit: str = ""


@dataclass(slots=True)
class Complaint:
    """A complaint after intake: located, routed and ready to store."""

    ticket: str
    channel: str
    external_id: str
    received_at: datetime
    text: str
    category: str
    lon: float | None
    lat: float | None
    jurisdiction: Jurisdiction | None
    skpd: str
    status: Status = Status.MENUNGGU
    reporter_contact: str | None = None  # personal: never published
    reporter_name: str | None = None  # personal: never published
    category_confidence: float | None = None  # None: the channel named the category
    triage: str | None = None  # why an operator must look first (TRIAGE_* joined by ","), or None
    # How the point was found: PRECISE (the channel's coordinates), or the gazetteer's kind of place
    # named in the text (geo/gazetteer.py Place.kind): "kelurahan", "kecamatan", "kota", "kodepos",
    # "kodepos_ganda" (a postal code of 2-3 kelurahan), "jalan", "landmark", or a landmark's kind:
    # "halte", "stasiun", "terminal", "pasar", "mall", "supermarket", "rumah_sakit", "puskesmas",
    # "klinik", "apotek", "kantor", "tps". None: not placed (triage; an ambiguous name included).
    location_precision: str | None = None
    duplicate_of: int | None = None  # the open complaint this one repeats
    media: tuple[str, ...] = ()
    desk: str | None = None
    officer: str | None = None
    outside_desk_hours: bool = False
    first_action_due: datetime | None = None  # the SLA clock's deadlines (crm/sla.py)
    completion_due: datetime | None = None
    first_action_at: datetime | None = None  # when the holder first moved it on from Menunggu
    closed_at: datetime | None = None
    reopened: int = 0  # times a citizen said the follow-up did not fix it
    tracking_hash: str | None = None  # sha256 of the reporter's tracking code; None: made before codes
    tracking_code: str | None = None  # the code itself, only on a complaint just built: never stored
    # Moderation (crm/moderation.py): hidden from every public view, or shown with an operator's
    # wording instead of `text`, which is never changed. None: the public reads `text`, masked.
    public_hidden: bool = False
    public_edit: str | None = None
    id: int | None = None
    history: list[ComplaintEvent] = field(default_factory=list)

    @property
    def location_flag(self) -> str | None:
        """The jurisdiction's flag, or why there is none: outside the province, or no place given."""
        if self.jurisdiction is not None:
            return self.jurisdiction.flag
        return LUAR_WILAYAH if self.lon is not None else TANPA_LOKASI


def is_remark(kind: str) -> bool:
    """Whether a history entry of this kind is a reporter's remark rather than a step."""
    return kind.startswith(RATED_PREFIX) or kind == COMMENTED


def last_step(complaint: Complaint) -> ComplaintEvent | None:
    """The newest history entry that moved the complaint (not a reporter's remark), or None."""
    return next((event for event in reversed(complaint.history) if not is_remark(event.kind)), None)


def received_event(at: datetime, note: str = "") -> ComplaintEvent:
    """The first entry of every history: the CRM received the report and it waits (Menunggu)."""
    return ComplaintEvent(RECEIVED, at, Status.MENUNGGU, SYSTEM_ACTOR, note)


CONTROL_CHARACTERS = "berisi karakter kendali (mis. NUL) yang tidak diterima"


def is_clean_text(text: str) -> bool:
    """No NUL or other control character (tabs and line breaks are text): every door refuses them,
    the same on both databases (PostgreSQL refuses NUL in text; SQLite would store it)."""
    return not any((ord(c) < 0x20 and c not in "\t\n\r") or ord(c) == 0x7F for c in text)


def new_tracking_code() -> str:
    """The reporter's secret, given once on receipt beside the public ticket: ten Crockford
    characters (50 bits), which with the reopening throttle no one guesses."""
    return _random_characters(10)


def code_hash(code: str) -> str:
    """How a tracking code is kept: only its sha256 (a long random code needs no slow hash)."""
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def new_ticket(received_at: datetime) -> str:
    """A ticket a citizen can quote: the WIB date and five random Crockford characters."""
    day = received_at.astimezone(WIB).strftime("%y%m%d")
    return f"JKT-{day}-{_random_characters(5)}"


def _random_characters(count: int) -> str:
    """`count` uniformly random Crockford characters (5 bits each) from one draw of the system's
    randomness, not one draw per character: the intake makes 15 for every report."""
    bits = secrets.randbits(5 * count)
    return "".join(_TICKET_ALPHABET[(bits >> (5 * i)) & 31] for i in range(count))


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def wib_text(at: datetime) -> str:
    """A moment as people in Jakarta read it: "2026-11-27 08:15 WIB"."""
    return at.astimezone(WIB).strftime("%Y-%m-%d %H:%M WIB")
