"""An operator's correction of what intake decided: category, place, holder, or that it is no complaint.

Intake sends what it cannot classify or place with confidence to the operators' triage queue
(crm/intake.py). An operator then fixes the category, the place (a point picked on the map or a
kelurahan by code) and, if the rules' unit is wrong, the holder; or says it is no complaint at
all (spam, a greeting, a question), or merges it into the open complaint it repeats. A correction
is the intake done again with the operator's facts: the same routing rules and SLA clock, so a
corrected complaint is routed and timed exactly as if intake had read it right.

What a correction records, and why:
- `koreksi:<from>:<to>`: category, place or holder fixed; the status stays. When the holder
  changes, crm/stints.py gives the new holder its own turn from the correction on, and drops the
  old holder's turn: it held the complaint only because intake misplaced it, and did nothing
  (a complaint is correctable only before any unit owns it: CORRECTABLE).
- `bukan_pengaduan` and `digabung` close the complaint (Selesai, final) without any unit's
  follow-up, and `set_aside` says so: such a complaint has no stints, so it counts for and against
  no unit in the ranking and the unit pages, leaves every open queue, the SLA watch and duplicate
  matching, and cannot be reopened as if a unit had closed it.
Deadlines are recomputed from the receipt (the citizen's clock) for the corrected category and
channel; triage is cleared.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING

from crm.categories import CATEGORIES
from crm.complaint import Complaint, ComplaintEvent, Status, last_step
from crm.skpd import SKPDS, kelurahan_office
from geo.jurisdiction import Jurisdiction

if TYPE_CHECKING:
    from crm.intake import Intake  # its locate, rules and clock; the pipeline itself is not run here

CORRECTED_PREFIX = "koreksi:"
NOT_A_COMPLAINT = "bukan_pengaduan"
MERGED = "digabung"
SET_ASIDE = frozenset({NOT_A_COMPLAINT, MERGED})
OPERATOR_POINT = "titik_operator"  # location_precision of a point an operator picked on the map
KELURAHAN = "kelurahan"  # location_precision of a kelurahan chosen by code: its representative point
# Before any unit owns it: Menunggu, or passed on (Koordinasi, Disposisi) but not yet taken up.
CORRECTABLE = frozenset({Status.MENUNGGU, Status.KOORDINASI, Status.DISPOSISI})
# What a text that is no complaint is, with its label in the history.
NOT_A_COMPLAINT_KINDS = MappingProxyType({"spam": "spam", "salam": "salam atau ucapan", "pertanyaan": "pertanyaan",
                                          "lainnya": "tanpa keterangan"})

# A kelurahan code -> its representative point (lon, lat), or None for an unknown code.
KelurahanPoint = Callable[[str], tuple[float, float] | None]


class CorrectionError(ValueError):
    """A correction that was not made; the complaint is unchanged. `status` is the HTTP status."""

    status = 400
    field: str | None = None


class NotCorrectable(CorrectionError):
    """The complaint is past the point where intake's decisions may be redone (a unit owns it, or it is closed)."""

    status = 409

    def __init__(self, complaint: Complaint) -> None:
        allowed = ", ".join(s for s in Status if s in CORRECTABLE)
        super().__init__(f"pengaduan berstatus {complaint.status} tidak dapat dikoreksi; hanya yang berstatus "
                         f"{allowed} / a complaint in {complaint.status} cannot be corrected")


class BadMerge(CorrectionError):
    """`duplicate_of` names no complaint this one can be merged into."""

    status = 409
    field = "duplicate_of"


class BadCorrection(CorrectionError):
    """A field that is missing, unknown or does not fit the others; `field` names it."""

    status = 422

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        super().__init__(f"{field}: {reason}")


@dataclass(frozen=True, slots=True)
class Correction:
    """One correction asked for by `actor` (seen publicly as `unit`) at `at` (aware). `point` is (lon, lat)."""

    actor: str
    at: datetime
    note: str
    unit: str = ""
    category: str | None = None
    point: tuple[float, float] | None = None
    kode_kelurahan: str | None = None
    skpd: str | None = None
    not_a_complaint: str | None = None  # a key of NOT_A_COMPLAINT_KINDS
    duplicate_of: int | str | None = None  # the open complaint this one repeats: its id or ticket


def correct(complaint: Complaint, request: Correction, *, intake: Intake, kelurahan_point: KelurahanPoint,
            target: Complaint | None = None) -> Complaint:
    """The complaint after `request`; the input is untouched. `target` is the stored complaint
    `duplicate_of` names (None if no complaint has that id or ticket). Raises a CorrectionError."""
    if complaint.status not in CORRECTABLE:
        raise NotCorrectable(complaint)
    _check_common(complaint, request)
    if request.not_a_complaint is not None:
        kind = NOT_A_COMPLAINT_KINDS[request.not_a_complaint]
        return _close(complaint, request, NOT_A_COMPLAINT, f"Bukan pengaduan ({kind})", complaint.duplicate_of)
    if request.duplicate_of is not None:
        root, ticket = _merge_root(complaint, request.duplicate_of, target)
        return _close(complaint, request, MERGED, f"Digabung ke pengaduan {ticket}; ikuti tiket itu", root)
    return _redo(complaint, request, intake, kelurahan_point)


def set_aside(complaint: Complaint) -> bool:
    """Closed by an operator without any unit's follow-up: no complaint, or merged into another."""
    last = last_step(complaint)
    return complaint.status is Status.SELESAI and last is not None and last.kind in SET_ASIDE


def correction_kind(source: str, target: str) -> str:
    """The event kind of a correction that leaves the complaint with `target` (after `source`)."""
    return f"{CORRECTED_PREFIX}{source}:{target}"


def corrected_holders(kind: str) -> tuple[str, str] | None:
    """(before, after) holder of a correction event's kind; None for any other kind."""
    if not kind.startswith(CORRECTED_PREFIX):
        return None
    source, _, target = kind.removeprefix(CORRECTED_PREFIX).partition(":")
    return source, target


def _check_common(complaint: Complaint, request: Correction) -> None:
    """The checks every correction passes, in the order a form shows its fields."""
    if request.at.tzinfo is None or request.at.utcoffset() is None:
        raise BadCorrection("at", "waktu harus punya zona waktu / time must be timezone-aware")
    if complaint.history and request.at < complaint.history[-1].at:
        raise BadCorrection("at", "waktu sebelum kejadian terakhir di riwayat / time is before the last event")
    if not request.actor.strip():
        raise BadCorrection("actor", "pelaku wajib diisi / actor is required")
    if not request.note.strip():
        raise BadCorrection("note", "tulis alasan koreksi / a note saying why is required")
    fixes = {"category": request.category is not None, "lat": request.point is not None,
             "kode_kelurahan": request.kode_kelurahan is not None, "skpd": request.skpd is not None}
    for closing in ("not_a_complaint", "duplicate_of"):
        if getattr(request, closing) is not None:
            alongside = [name for name, given in fixes.items() if given]
            if closing == "not_a_complaint" and request.duplicate_of is not None:
                alongside.append("duplicate_of")
            if alongside:
                raise BadCorrection(closing, f"tidak bisa bersama {', '.join(alongside)}: pengaduan ini "
                                             f"ditutup / cannot be combined with {', '.join(alongside)}")
    if request.not_a_complaint is not None and request.not_a_complaint not in NOT_A_COMPLAINT_KINDS:
        raise BadCorrection("not_a_complaint", f"pilih salah satu: {', '.join(NOT_A_COMPLAINT_KINDS)} "
                                               f"/ one of: {', '.join(NOT_A_COMPLAINT_KINDS)}")
    if request.point is not None and request.kode_kelurahan is not None:
        raise BadCorrection("kode_kelurahan", "kirim lat+lon atau kode_kelurahan, bukan keduanya "
                                              "/ send lat+lon or kode_kelurahan, not both")
    if request.category is not None and request.category not in CATEGORIES:
        raise BadCorrection("category", f"kategori tidak dikenal: {request.category!r} "
                                        "(lihat crm/categories.py) / unknown category")


def _redo(complaint: Complaint, request: Correction, intake: Intake, kelurahan_point: KelurahanPoint) -> Complaint:
    """Category and place as the operator says, then routing and the SLA clock as intake would."""
    category = request.category or complaint.category
    lon, lat, where, precision = _placed(complaint, request, intake, kelurahan_point)
    moved = (category, where) != (complaint.category, complaint.jurisdiction)
    holder = request.skpd or (intake.rules.route(category, where) if moved else complaint.skpd)
    if request.skpd is not None:
        _check_skpd(request.skpd, where)
    due = intake.sla.deadlines(channel=complaint.channel, category=category, received_at=complaint.received_at)
    changed = replace(complaint, category=category, lon=lon, lat=lat, jurisdiction=where, location_precision=precision,
                      category_confidence=None if request.category is not None else complaint.category_confidence,
                      skpd=holder, triage=None, first_action_due=due.first_action, completion_due=due.completion)
    event = ComplaintEvent(correction_kind(complaint.skpd, holder), request.at, complaint.status,
                           request.actor.strip(), _note(complaint, changed, request), request.unit)
    return replace(changed, history=[*complaint.history, event])


def _placed(complaint: Complaint, request: Correction, intake: Intake,
            kelurahan_point: KelurahanPoint) -> tuple[float | None, float | None, Jurisdiction | None, str | None]:
    """(lon, lat, jurisdiction, precision): the operator's point or kelurahan, else the complaint's own."""
    if request.point is not None:
        lon, lat = request.point
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise BadCorrection("lat", "lat dan lon harus angka / lat and lon must be numbers")
        where = intake.locate(lon, lat)
        if where is None:
            raise BadCorrection("lat", f"titik ({lat:.5f}, {lon:.5f}) di luar DKI Jakarta; pilih titik di dalam "
                                       "wilayah / the point is outside DKI Jakarta")
        return lon, lat, where, OPERATOR_POINT
    if request.kode_kelurahan is not None:
        point = kelurahan_point(request.kode_kelurahan)
        where = None if point is None else intake.locate(*point)
        if point is None or where is None or where.kode_kelurahan != request.kode_kelurahan:
            raise BadCorrection("kode_kelurahan", f"kode kelurahan tidak dikenal: {request.kode_kelurahan!r} "
                                                  "(contoh: 31.71.01.1001) / unknown kelurahan code")
        return point[0], point[1], where, KELURAHAN
    return complaint.lon, complaint.lat, complaint.jurisdiction, complaint.location_precision


def _check_skpd(code: str, where: Jurisdiction | None) -> None:
    """Any catalogue SKPD, or the kelurahan office of the complaint's (corrected) place."""
    own = kelurahan_office(where).code if where is not None else None
    if code not in SKPDS and code != own:
        hint = f" atau {own}" if own else ""
        raise BadCorrection("skpd", f"SKPD tidak dikenal: {code!r}; pakai kode dari GET /api/v1/skpd{hint} "
                                    "/ unknown SKPD")


def _merge_root(complaint: Complaint, wanted: int | str, target: Complaint | None) -> tuple[int, str]:
    """The id to link to, and the target's ticket. The link goes to the target's own original when
    the target is a repeat itself (a cluster is a star, crm/duplicates.py); never to this complaint,
    never into a closed one."""
    if target is None or target.id is None:
        raise BadMerge(f"duplicate_of: pengaduan {wanted} tidak ditemukan / complaint {wanted} not found")
    if target.id == complaint.id:
        raise BadMerge("duplicate_of: pengaduan tidak bisa digabung ke dirinya sendiri / cannot merge into itself")
    if target.status is Status.SELESAI:
        raise BadMerge(f"duplicate_of: pengaduan {target.ticket} sudah Selesai; gabungkan hanya ke pengaduan yang "
                       f"masih terbuka / {target.ticket} is closed")
    root = target.duplicate_of or target.id
    if root == complaint.id:
        raise BadMerge(f"duplicate_of: {target.ticket} adalah laporan ulang dari pengaduan ini / "
                       f"{target.ticket} repeats this complaint")
    return root, target.ticket


def _close(complaint: Complaint, request: Correction, kind: str, said: str, duplicate_of: int | None) -> Complaint:
    event = ComplaintEvent(kind, request.at, Status.SELESAI, request.actor.strip(), f"{said}. {request.note.strip()}",
                           request.unit)
    return replace(complaint, status=Status.SELESAI, closed_at=request.at, triage=None, duplicate_of=duplicate_of,
                   history=[*complaint.history, event])


def _note(before: Complaint, after: Complaint, request: Correction) -> str:
    """What the operator changed, for people: category, place and holder, then their note."""
    changes = []
    if after.category != before.category:
        changes.append(f"kategori {before.category} menjadi {after.category}")
    if (after.lon, after.lat, after.jurisdiction) != (before.lon, before.lat, before.jurisdiction):
        where = after.jurisdiction
        changes.append(f"lokasi {where.kelurahan}, Kec. {where.kecamatan}, {where.kota}" if where else "lokasi diubah")
    if after.skpd != before.skpd:
        changes.append(f"dipindahkan dari {before.skpd} ke {after.skpd}")
    said = f"Dikoreksi operator: {'; '.join(changes)}" if changes else "Diperiksa operator: tetap seperti semula"
    return f"{said}. {request.note.strip()}"
