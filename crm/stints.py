"""A complaint's history cut into stints: one unit's turn holding it, with what that unit did.

The ranking charges time to the unit that held the complaint, so it never reads a complaint as a
whole: a unit that received a report after three days at the wrong Dinas is judged from the
moment it got it. A stint starts at `received_at` (the first holder) or at a hand-over
(`pindah:<from>:<to>`, crm/transitions.py) and ends at the next hand-over or at Selesai. A
citizen reopening a Selesai complaint gives it back to the unit that closed it: that stint
resumes and carries the reopening.

An operator's correction that re-routes a complaint (`koreksi:<from>:<to>`, crm/corrections.py)
ends the old holder's turn and drops it: that unit held the complaint only because intake
misplaced it, and had not acted (only a complaint no unit owns yet is corrected). The new holder's
turn starts at the correction. A complaint set aside by an operator (no complaint, or merged into
another) has no stints at all: it counts for and against no unit.

Each stint holds the unit's own deadlines: the first-action and completion spans of the SLA
(crm/sla.py), counted from the stint's start, never shorter than the complaint's own deadlines.
Where the complaint was reopened, its completion deadline is the fresh one the reopening set.

The two flags for gaming are plain facts here; crm/ranking.py decides what they mean:
`fast_close` (asked for validation sooner than FAST_CLOSE after getting the complaint: no field
work is that quick) and `self_closed` (the person who reported it, or the desk officer who filed it, is the person who
asked for validation or validated it).

The reporter's rating of a closure (crm/verdict.py) belongs to the stint that closed it: the newest
rating replaces an earlier one, and a reopening clears it with the closure it judged.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from crm.complaint import Complaint, Status
from crm.corrections import corrected_holders, set_aside
from crm.lifecycle import REOPENED
from crm.sla import FIRST_ACTION_HOURS
from crm.transitions import MOVED_PREFIX, TRANSITION
from crm.verdict import points, rating_in

FAST_CLOSE = timedelta(minutes=15)
FIRST_ACTION_SPAN = timedelta(hours=FIRST_ACTION_HOURS)  # for a complaint without its own first-action deadline


@dataclass(frozen=True, slots=True)
class Stint:
    """One unit's turn with one complaint. `end` is None while the unit still holds it."""

    complaint_id: int
    seq: int
    skpd: str
    kode_kota: str | None
    kode_kecamatan: str | None
    kode_kelurahan: str | None
    category: str
    start: datetime
    end: datetime | None
    first_action_at: datetime | None
    first_action_due: datetime
    completion_due: datetime | None
    closed_at: datetime | None = None  # the unit finished it (Selesai); None if handed over or open
    handed_over: bool = False
    validations: int = 0  # times the unit asked for validation (Menunggu Validasi)
    rejections: int = 0  # times the validator rejected the follow-up (TL Ditolak)
    closures: int = 0  # times it reached Selesai in this stint (more than one after a reopening)
    reopens: int = 0
    fast_close: bool = False
    self_closed: bool = False
    reused_photos: int = 0  # filled by the store, which knows other complaints' evidence
    ratings: int = 0  # 1 when the reporter rated this stint's closure (crm/verdict.py), else 0
    rating_points: float = 0.0  # that rating as a share, 0.0 (1 of 5) to 1.0 (5 of 5)


def stints_of(complaint: Complaint) -> list[Stint]:
    """The complaint's stints, oldest first; the complaint must be stored (it has an id)."""
    assert complaint.id is not None, "stints are kept for stored complaints"
    if set_aside(complaint):
        return []
    reporters = {name.strip().casefold() for name in (complaint.reporter_name, complaint.officer) if name}
    first_span = _span(complaint.first_action_due, complaint.received_at) or FIRST_ACTION_SPAN
    completion_span = _span(complaint.completion_due, complaint.received_at)
    where = complaint.jurisdiction

    def opened(seq: int, skpd: str, at: datetime) -> Stint:
        completion_due = complaint.completion_due
        if at > complaint.received_at and completion_due is not None and completion_span is not None:
            completion_due = max(completion_due, at + completion_span)
        return Stint(complaint.id, seq, skpd, where and where.kode_kota, where and where.kode_kecamatan,
                     where and where.kode_kelurahan, complaint.category, start=at, end=None, first_action_at=None,
                     first_action_due=at + first_span, completion_due=completion_due)

    first_holder = next((change[0] for change in (_holders(e.kind) for e in complaint.history) if change),
                        complaint.skpd)
    done: list[Stint] = []
    stint = opened(0, first_holder, complaint.received_at)
    for event in complaint.history:
        corrected = corrected_holders(event.kind)
        if corrected is not None:
            if corrected[1] != stint.skpd:  # the misplaced turn is dropped, not ended
                stint = opened(len(done), corrected[1], event.at)
            continue
        acted = event.kind == TRANSITION or event.kind.startswith(MOVED_PREFIX)
        if acted and stint.first_action_at is None:
            stint = replace(stint, first_action_at=event.at)
        if event.kind.startswith(MOVED_PREFIX):
            done.append(replace(stint, end=event.at, handed_over=True))
            stint = opened(len(done), event.kind.split(":")[2], event.at)
        elif event.kind == REOPENED:
            stint = replace(stint, end=None, closed_at=None, reopens=stint.reopens + 1, ratings=0, rating_points=0.0)
        elif (rating := rating_in(event.kind)) is not None:  # the newest replaces an earlier one
            stint = replace(stint, ratings=1, rating_points=points(rating))
        elif acted:
            stint = _step(stint, event.status, event.at, event.actor.strip().casefold() in reporters)
    return [*done, stint]


def _holders(kind: str) -> tuple[str, str] | None:
    """(before, after) holder of a hand-over or a re-routing correction; None for any other event."""
    if kind.startswith(MOVED_PREFIX):
        source, target = kind.removeprefix(MOVED_PREFIX).split(":")
        return source, target
    return corrected_holders(kind)


def _step(stint: Stint, status: Status, at: datetime, by_reporter: bool) -> Stint:
    """The stint after one of its unit's own steps (not a hand-over)."""
    if status == Status.MENUNGGU_VALIDASI:
        return replace(stint, validations=stint.validations + 1,
                       fast_close=stint.fast_close or at - stint.start < FAST_CLOSE,
                       self_closed=stint.self_closed or by_reporter)
    if status == Status.TL_DITOLAK:
        return replace(stint, rejections=stint.rejections + 1)
    if status == Status.SELESAI:
        return replace(stint, end=at, closed_at=at, closures=stint.closures + 1,
                       self_closed=stint.self_closed or by_reporter)
    return stint


def _span(due: datetime | None, since: datetime) -> timedelta | None:
    return None if due is None else max(due - since, timedelta(0))
