"""`pantau import FILE`: past complaints with their whole status histories, so rankings run over
real history instead of starting empty on the day Pantau goes live.

Every history is replayed through the domain, step by step (`crm.lifecycle.advance` and
`reopen`), on a complaint built by the intake's own `crm.intake.build_complaint` (located by the
Locator, routed by `crm/routing.py` unless the file names the first holder, ticket, SLA deadlines,
desk hours and "received" note), after the same field checks as the HTTP doors
(`ingest.schemas.PastComplaintIn`, of the field types `ReportIn` is made of). So an imported
complaint is one the CRM could have produced: an impossible history (Menunggu ->
Selesai) is refused with the domain's own message, and the holder after Koordinasi or
Disposisi, `first_action_at`, `closed_at`, `reopened` and the completion deadline come out
exactly as live follow-up would set them. Nothing is published: this is history, not news.
The formats, JSON lines and CSV, are read by ingest/history_files.py.

Each complaint is checked alone: a bad one never stops the import. It is written to
`FILE.ditolak.jsonl` as `{"line", "error", "record"}`, the record verbatim as text (the rows of a
CSV complaint, without the header) with its first line's number, and the import goes on; that
file describes the last run only (an older one is removed). A file that cannot be read at all
is refused at once and nothing is written. Complaints are stored with `store.complaints.add_many` a batch
at a time; it dedupes on (channel, external_id), so the same file imported twice stores nothing
new, and a complaint appearing twice in one file is stored once.
"""
from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np
from pydantic import ValidationError

from crm.complaint import PRECISE, Complaint
from crm.intake import Placed, build_complaint
from crm.lifecycle import advance, reopen
from crm.routing import RoutingRules
from crm.skpd import SKPDS, kelurahan_office
from crm.sla import SlaClock
from crm.transitions import TransitionRequest
from geo.jurisdiction import Jurisdiction
from geo.locate import Locator
from ingest.history_files import HistoryFile, Raw, RecordError
from ingest.schemas import PastComplaintIn, field_errors
from store import complaints as store_complaints
from store.db import refresh_statistics, writing

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

BATCH = 2000  # complaints per add_many: one transaction and one locate_many each
SHOWN_ERRORS = 10  # refusals kept in the summary for the screen; all go to the rejects file
REJECTS_SUFFIX = ".ditolak.jsonl"

IMPORTED = "Diimpor dari riwayat"  # after the intake's "received" note


@dataclass
class Summary:
    """How an import went: counts, the rejects file, and the first refusals as (line, error)."""

    rejects: Path
    imported: int = 0
    present: int = 0
    refused: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def rejects_path(path: Path) -> Path:
    return path.with_name(path.name + REJECTS_SUFFIX)


def import_history(source: HistoryFile, *, sessions: sessionmaker[Session], locator: Locator, rules: RoutingRules,
                   sla: SlaClock, batch: int = BATCH, progress: Callable[[int], None] | None = None) -> Summary:
    """Import every complaint of `source`, `batch` at a time; `progress(bytes read)` after each batch."""
    summary = Summary(rejects=rejects_path(source.path))
    summary.rejects.unlink(missing_ok=True)
    rejects: IO[str] | None = None
    try:
        for chunk in _batched(source, batch):
            built, refused = _build_batch(chunk, locator, rules, sla)
            for raw, error in sorted(refused, key=lambda item: item[0].line):  # in the file's order
                rejects = rejects or summary.rejects.open("w", encoding="utf-8")
                rejects.write(json.dumps({"line": raw.line, "error": error, "record": raw.text},
                                         ensure_ascii=False) + "\n")
                summary.refused += 1
                if len(summary.errors) < SHOWN_ERRORS:
                    summary.errors.append((raw.line, error))
            if built:
                with writing(sessions) as session:
                    stored = store_complaints.add_many(session, complaints=built)
                for _, created in stored:
                    summary.imported += created
                    summary.present += not created
            if progress is not None:
                progress(source.bytes_read)
    finally:
        if rejects is not None:
            rejects.close()
    if summary.imported:
        refresh_statistics(sessions)
    return summary


def _build_batch(chunk: list[Raw], locator: Locator, rules: RoutingRules,
                 sla: SlaClock) -> tuple[list[Complaint], list[tuple[Raw, str]]]:
    """The batch's complaints, placed with one vectorised lookup and replayed, and its refusals."""
    parsed: list[tuple[Raw, PastComplaintIn]] = []
    refused: list[tuple[Raw, str]] = []
    for raw in chunk:
        try:
            if raw.fields is None:
                raise RecordError(raw.error)
            parsed.append((raw, parse(raw.fields)))
        except RecordError as exc:
            refused.append((raw, str(exc)))
    if not parsed:
        return [], refused
    found = locator.locate_many(np.array([p.lon for _, p in parsed]), np.array([p.lat for _, p in parsed]))
    built = []
    for (raw, past), index, flag in zip(parsed, found.index.tolist(), found.flag.tolist()):
        try:
            built.append(build(past, locator.jurisdiction(index, flag), rules, sla))
        except RecordError as exc:
            refused.append((raw, str(exc)))
    return built, refused


def parse(fields: dict[str, Any]) -> PastComplaintIn:
    """A record's fields checked as the HTTP doors check theirs; RecordError names every bad one."""
    try:
        return PastComplaintIn.model_validate(fields)
    except ValidationError as exc:
        raise RecordError("; ".join(f"{_where(e['field'])}: {e['message']}" for e in field_errors(exc))) from None


def build(past: PastComplaintIn, jurisdiction: Jurisdiction | None, rules: RoutingRules, sla: SlaClock) -> Complaint:
    """The complaint as the intake builds it, then every step of its history replayed."""
    complaint = build_complaint(past.to_report(), category=past.category, rules=rules, sla=sla, skpd=past.skpd,
                                placed=Placed(past.lon, past.lat, jurisdiction, PRECISE), notes=(IMPORTED,))
    own_office = kelurahan_office(jurisdiction).code if jurisdiction else None
    if complaint.skpd not in SKPDS and complaint.skpd != own_office:
        raise RecordError(f"skpd: SKPD tidak dikenal di tempat ini: {complaint.skpd!r} / unknown SKPD for this place")
    for n, step in enumerate(past.history, 1):
        where = f"{_step(n)} ({step.status or 'dibuka ulang'}): "
        if step.at < complaint.history[-1].at:
            raise RecordError(f"{where}waktu {step.at.isoformat()} sebelum langkah sebelumnya "
                              f"/ time is before the previous step or received_at")
        try:
            if step.status is None:
                complaint = reopen(complaint, at=step.at, reason=step.reopened, sla=sla)
            else:
                request = TransitionRequest(to=step.status, actor=step.actor, at=step.at, note=step.note,
                                            evidence=step.evidence, ews=step.ews, to_skpd=step.to_skpd)
                complaint = advance(complaint, request, sla)
        except ValueError as exc:  # TransitionError, or the SLA clock refusing an EWS before receipt
            raise RecordError(f"{where}{exc}") from None
    return complaint


def _step(n: int) -> str:
    return f"langkah ke-{n} / step {n}"


def _where(field: str) -> str:
    """A field as the file's reader counts it: `history.0.at` is `langkah ke-1 / step 1: at`."""
    head, _, rest = field.partition(".")
    if head != "history" or not rest:
        return field
    index, _, name = rest.partition(".")
    return _step(int(index) + 1) + (f": {name}" if name else "")


def _batched(records: Iterable[Raw], size: int) -> Iterator[list[Raw]]:
    iterator = iter(records)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


