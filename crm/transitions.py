"""The follow-up chain as one state machine: which status may follow which, what each step needs.

`ALLOWED` is the flow of Jakarta's CRM as data: Menunggu -> Koordinasi ("bukan wewenang":
another unit takes it over) or Disposisi (a Dinas hands it to its own Suku Dinas in the kota) or
straight to Proses when the first holder is the right unit -> optional Estimasi Waktu Selesai ->
Menunggu Validasi (note and photo evidence) -> Selesai (final), or TL Ditolak -> Proses again.

Koordinasi and Disposisi move the complaint to a new holder at once, so its queue and its
clock start then; the status says that the new holder has not started yet. From Koordinasi
the new holder may pass it on again or, being a Dinas, dispose it to its Sudin; from
Disposisi the Sudin may still say "bukan wewenang". Once in Proses a unit owns the complaint:
it can no longer pass it on, so a unit cannot shed a report late to spare its own figures.

TL Ditolak is a recorded status, not an event that lands in Proses: the dashboard and the
citizen see that the follow-up was rejected, a rejection rate can be counted from statuses
alone, and the holder's return to Proses is its own dated step.

Holder changes are machine-readable in the event's `kind`: `pindah:<from>:<to>` (see
`move_kind`); every other transition has kind `transisi`. SKPD codes never contain ":".
`holders()` reads them back to charge time to the unit that held the complaint.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from types import MappingProxyType

from crm.complaint import WIB, Complaint, ComplaintEvent, Status, last_step
from crm.skpd import SKPDS, kelurahan_office, sudin_for

TRANSITION = "transisi"
MOVED_PREFIX = "pindah:"

ALLOWED: Mapping[Status, frozenset[Status]] = MappingProxyType({
    Status.MENUNGGU: frozenset({Status.KOORDINASI, Status.DISPOSISI, Status.PROSES}),
    Status.KOORDINASI: frozenset({Status.KOORDINASI, Status.DISPOSISI, Status.PROSES}),
    Status.DISPOSISI: frozenset({Status.KOORDINASI, Status.PROSES}),
    Status.PROSES: frozenset({Status.ESTIMASI_WAKTU_SELESAI, Status.MENUNGGU_VALIDASI}),
    Status.ESTIMASI_WAKTU_SELESAI: frozenset({Status.MENUNGGU_VALIDASI}),
    Status.MENUNGGU_VALIDASI: frozenset({Status.SELESAI, Status.TL_DITOLAK}),
    Status.TL_DITOLAK: frozenset({Status.PROSES}),
    Status.SELESAI: frozenset(),
})

# Per target status, the request fields it needs. A note is welcome on every step; the other
# fields are refused where they mean nothing, so that e.g. a `to_skpd` sent with Proses does not
# look like a hand-over that silently never happened.
REQUIRED: Mapping[Status, frozenset[str]] = MappingProxyType({
    Status.KOORDINASI: frozenset({"to_skpd", "note"}),
    Status.DISPOSISI: frozenset({"to_skpd"}),
    Status.ESTIMASI_WAKTU_SELESAI: frozenset({"ews"}),
    Status.MENUNGGU_VALIDASI: frozenset({"note", "evidence"}),
    Status.TL_DITOLAK: frozenset({"note"}),
})
_ONLY_WHERE_REQUIRED = ("evidence", "ews", "to_skpd")


class TransitionError(ValueError):
    """A refused transition: the complaint is unchanged. `status` is the HTTP status to answer."""

    status = 400


class InvalidTransition(TransitionError):
    """The target status does not follow the current one."""

    status = 409

    def __init__(self, current: Status, to: Status) -> None:
        self.current = current
        self.to = to
        allowed = _ordered(ALLOWED[current])
        if allowed:
            names = ", ".join(allowed)
            message = (f"tidak bisa dari status {current} ke {to}; dari {current} hanya boleh ke: {names} "
                       f"/ cannot go from {current} to {to}; allowed: {names}")
        else:
            message = (f"tidak bisa ke {to}: {current} adalah status akhir "
                       f"/ cannot go to {to}: {current} is final")
        super().__init__(message)


class IncompleteTransition(TransitionError):
    """A field the transition needs is missing or invalid; `field` names it."""

    status = 422

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        super().__init__(f"{field}: {reason}")


@dataclass(frozen=True, slots=True)
class TransitionRequest:
    """One step asked for by `actor` (seen publicly as `unit`) at `at` (aware); fields beyond `to`
    as the target needs."""

    to: Status
    actor: str
    at: datetime
    note: str = ""
    unit: str = ""
    evidence: tuple[str, ...] = ()
    ews: date | None = None
    to_skpd: str | None = None


def apply(complaint: Complaint, request: TransitionRequest) -> Complaint:
    """The complaint after `request`: new status, holder and one more event; the input is untouched."""
    current = complaint.status
    if request.to not in ALLOWED[current]:
        raise InvalidTransition(current, request.to)
    _check_request(complaint, request)
    holder = request.to_skpd or complaint.skpd
    kind = move_kind(complaint.skpd, holder) if holder != complaint.skpd else TRANSITION
    event = ComplaintEvent(kind, request.at, request.to, request.actor.strip(),
                           _event_note(complaint, request, holder), request.unit)
    return replace(complaint, status=request.to, skpd=holder, history=[*complaint.history, event])


def move_kind(source: str, target: str) -> str:
    """The event kind that records a hand-over from `source` to `target`: `pindah:<from>:<to>`."""
    return f"{MOVED_PREFIX}{source}:{target}"


def holders(complaint: Complaint) -> list[tuple[str, datetime, datetime | None]]:
    """Who held the complaint from when to when, oldest first; the end is None while still held.

    The first holder holds it from `received_at`. Holding ends at a hand-over, and at Selesai,
    because no unit should be charged for a finished complaint.
    """
    moves = [(event.at, move) for event in complaint.history if (move := _moved(event.kind))]
    holder = moves[0][1][0] if moves else complaint.skpd
    since = complaint.received_at
    spans: list[tuple[str, datetime, datetime | None]] = []
    for at, (_, target) in moves:
        spans.append((holder, since, at))
        holder, since = target, at
    last = last_step(complaint)
    finished = last.at if complaint.status is Status.SELESAI and last is not None else None
    spans.append((holder, since, finished))
    return spans


def _moved(kind: str) -> tuple[str, str] | None:
    if not kind.startswith(MOVED_PREFIX):
        return None
    source, _, target = kind.removeprefix(MOVED_PREFIX).partition(":")
    return source, target


def _check_request(complaint: Complaint, request: TransitionRequest) -> None:
    """Every field check, in the order a form would show them; the first failure is raised."""
    if request.at.tzinfo is None or request.at.utcoffset() is None:
        raise IncompleteTransition("at", "waktu harus punya zona waktu / time must be timezone-aware")
    if complaint.history and request.at < complaint.history[-1].at:
        raise IncompleteTransition("at", "waktu sebelum kejadian terakhir di riwayat "
                                         "/ time is before the last event in the history")
    if not request.actor.strip():
        raise IncompleteTransition("actor", "pelaku wajib diisi / actor is required")
    required = REQUIRED.get(request.to, frozenset())
    if "note" in required and not request.note.strip():
        raise IncompleteTransition("note", f"catatan wajib diisi untuk {request.to} / a note is required")
    present = {"evidence": bool(request.evidence), "ews": request.ews is not None,
               "to_skpd": request.to_skpd is not None}
    for name in _ONLY_WHERE_REQUIRED:
        if name in required and not present[name]:
            raise IncompleteTransition(name, f"wajib diisi untuk {request.to} / required for {request.to}")
        if name not in required and present[name]:
            raise IncompleteTransition(name, f"tidak dipakai untuk {request.to} / not used for {request.to}")
    if request.evidence and not all(item.strip() for item in request.evidence):
        raise IncompleteTransition("evidence", "ada foto bukti yang kosong / an evidence item is empty")
    if request.ews is not None:
        _check_ews(request.ews, request.at)
    if request.to is Status.KOORDINASI:
        _check_koordinasi(complaint, request.to_skpd or "")
    if request.to is Status.DISPOSISI:
        _check_disposisi(complaint, request.to_skpd or "")


def _check_ews(ews: date, at: datetime) -> None:
    """The estimated completion date must be a WIB calendar day after the day of the transition."""
    if isinstance(ews, datetime) or not isinstance(ews, date):
        raise IncompleteTransition("ews", "harus tanggal (YYYY-MM-DD) / must be a date (YYYY-MM-DD)")
    today = at.astimezone(WIB).date()
    if ews <= today:
        raise IncompleteTransition("ews", f"tanggal {ews.isoformat()} harus setelah {today.isoformat()} (WIB) "
                                          f"/ date must be after {today.isoformat()} (WIB)")


def _check_koordinasi(complaint: Complaint, target: str) -> None:
    """Another unit: any catalogue SKPD, or the kelurahan office of the complaint's own place."""
    own_kelurahan = kelurahan_office(complaint.jurisdiction).code if complaint.jurisdiction else None
    if target not in SKPDS and target != own_kelurahan:
        raise IncompleteTransition("to_skpd", f"SKPD tidak dikenal: {target!r} / unknown SKPD: {target!r}")
    if target == complaint.skpd:
        raise IncompleteTransition("to_skpd", f"{target} sudah memegang pengaduan ini; koordinasi harus ke unit "
                                              f"lain / {target} already holds this complaint")


def _check_disposisi(complaint: Complaint, target: str) -> None:
    """The holder's own unit in the complaint's kota; any of its units when the kota is unknown."""
    units = [code for code, unit in SKPDS.items() if unit.parent == complaint.skpd]
    if not units:
        raise IncompleteTransition("to_skpd", f"{complaint.skpd} tidak punya suku dinas untuk disposisi; pakai "
                                              f"Koordinasi / {complaint.skpd} has no units to dispose to")
    kota = complaint.jurisdiction.kode_kota if complaint.jurisdiction else None
    if kota is not None:
        expected = sudin_for(complaint.skpd, kota)
        if expected is None:
            raise IncompleteTransition("to_skpd", f"{complaint.skpd} tidak punya suku dinas di {kota}; pakai "
                                                  f"Koordinasi / {complaint.skpd} has no unit in {kota}")
        units = [expected]
    if target not in units:
        raise IncompleteTransition("to_skpd", f"disposisi hanya ke {', '.join(units)}, bukan {target!r} "
                                              f"/ disposition only to {', '.join(units)}")


def _event_note(complaint: Complaint, request: TransitionRequest, holder: str) -> str:
    """What happened, for people: the status change, a hand-over, the date, the evidence, the note."""
    parts = [f"Status {complaint.status} menjadi {request.to}"]
    if holder != complaint.skpd:
        parts.append(f"dipindahkan dari {complaint.skpd} ke {holder}")
    if request.ews is not None:
        parts.append(f"estimasi selesai {request.ews.isoformat()}")
    if request.evidence:
        parts.append(f"{len(request.evidence)} foto bukti")
    if request.note.strip():
        parts.append(request.note.strip())
    return ". ".join(parts)


def _ordered(statuses: frozenset[Status]) -> list[Status]:
    return [status for status in Status if status in statuses]
