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

Formats (chosen by the file's suffix; UTF-8):

JSON lines (`.jsonl`, `.ndjson`), one complaint per line:

    {"channel": "qlue", "external_id": "Q-123", "received_at": "2026-03-01T08:15:00+07:00",
     "text": "...", "category": "jalan", "lon": 106.8, "lat": -6.2,
     "skpd": "BINAMARGA-JP", "reporter_name": "...",                  <- both optional
     "history": [{"at": "2026-03-01T09:00:00+07:00", "status": "Proses", "actor": "budi.binamarga",
                  "note": "...", "to_skpd": ..., "ews": "2026-03-20", "evidence": ["<sha256 hex>"]},
                 {"at": "...", "reopened": "alasan pelapor"}]}

  `channel` is a code of crm/channels.py, `category` of crm/categories.py; `lon`/`lat` are
  numbers (WGS84); `skpd` is the first holder (a catalogue code or the place's `KEL-` office;
  absent: routed like the intake). A step is either a status change (`status`, `actor`, and
  `note`, `to_skpd`, `ews`, `evidence` where crm/transitions.py needs them) or a reopening by
  the citizen (`reopened`: the reason). Evidence is the photos' sha256 digests: they satisfy the
  chain's need for evidence, the photos themselves are not imported. Every time carries a zone
  (a naive one could be UTC or WIB, so it is refused); steps are in time order, none before
  `received_at` and none in the future.

CSV (`.csv`, comma or semicolon as Indonesian Excel saves it), one row per history step, as
officials' spreadsheets export it. The header names these columns, in any order:

    channel, external_id, received_at, text, category, lon, lat, skpd, reporter_name,
    at, status, actor, note, to_skpd, ews, evidence, reopened

  The first nine describe the complaint and repeat on each of its rows, the rows of one
  complaint consecutive; the rest are one step with the JSON meanings (`evidence`: digests
  separated by spaces, `reopened`: the reason, on a row without `status`). Empty cells are
  absent fields; a complaint with no step yet has one row with the step cells empty. `skpd`,
  `reporter_name` and the step columns but `at` and `status` may be left out of the header.

Each complaint is checked alone: a bad one never stops the import. It is written to
`FILE.ditolak.jsonl` as `{"line", "error", "record"}`, the record verbatim as text (the rows of a
CSV complaint, without the header) with its first line's number, and the import goes on; that
file describes the last run only (an older one is removed). A file that cannot be read at all
(missing, another format, a bad CSV header, a first line that is not a JSON object) is refused
at once and nothing is written. Complaints are stored with `store.complaints.add_many` a batch
at a time; it dedupes on (channel, external_id), so the same file imported twice stores nothing
new, and a complaint appearing twice in one file is stored once.
"""
from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Self

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
from ingest.schemas import PastComplaintIn, PastStepIn, field_errors
from store import complaints as store_complaints
from store.db import refresh_statistics, writing

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

BATCH = 2000  # complaints per add_many: one transaction and one locate_many each
SHOWN_ERRORS = 10  # refusals kept in the summary for the screen; all go to the rejects file
REJECTS_SUFFIX = ".ditolak.jsonl"
JSON_LINES = (".jsonl", ".ndjson")

IMPORTED = "Diimpor dari riwayat"  # after the intake's "received" note

COMPLAINT_FIELDS = tuple(name for name in PastComplaintIn.model_fields if name != "history")
STEP_FIELDS = tuple(PastStepIn.model_fields)
CSV_REQUIRED = (*(name for name, f in PastComplaintIn.model_fields.items() if f.is_required()), "at", "status")


class UnreadableFile(Exception):
    """The whole file cannot be imported; nothing was written."""


class RecordError(ValueError):
    """One complaint of the file cannot be imported; the message says which field and why."""


@dataclass(frozen=True, slots=True)
class Raw:
    """One complaint as the file holds it: its first line, its text verbatim, and its fields or
    why they cannot be read."""

    line: int
    text: str
    fields: dict[str, Any] | None
    error: str | None = None


@dataclass
class Summary:
    """How an import went: counts, the rejects file, and the first refusals as (line, error)."""

    rejects: Path
    imported: int = 0
    present: int = 0
    refused: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


class HistoryFile:
    """An opened, readable history file: its complaints in order, and how many bytes are read."""

    def __init__(self, path: Path, file: IO[bytes], records: Iterator[Raw]) -> None:
        self.path = path
        self.size = path.stat().st_size
        self._file = file
        self._records = records

    def __iter__(self) -> Iterator[Raw]:
        return self._records

    @property
    def bytes_read(self) -> int:
        return self._file.tell()

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_history(path: Path) -> HistoryFile:
    """The file, checked as far as it can be before importing: exists, a known format, a usable
    header (CSV) or a JSON object on its first line (JSON lines); UnreadableFile if not."""
    if not path.is_file():
        raise UnreadableFile(f"{path}: berkas tidak ditemukan / file not found")
    suffix = path.suffix.lower()
    if suffix not in (*JSON_LINES, ".csv"):
        raise UnreadableFile(f"{path}: bukan berkas .jsonl, .ndjson atau .csv / not a JSON lines or CSV file")
    file = path.open("rb")
    records = _json_lines(file, path) if suffix in JSON_LINES else _csv_complaints(file, path)
    try:
        first = next(records, None)  # each reader checks the file's start before its first record
    except UnreadableFile:
        file.close()
        raise
    return HistoryFile(path, file, itertools.chain([first] if first else [], records))


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


def _json_lines(file: IO[bytes], path: Path) -> Iterator[Raw]:
    first = True
    for number, line in enumerate(file, 1):
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8").rstrip("\r\n")
            fields = json.loads(text)
            error = None if isinstance(fields, dict) else "bukan objek JSON / not a JSON object"
        except UnicodeDecodeError:
            text, fields, error = line.decode("utf-8", "replace").rstrip("\r\n"), None, "bukan UTF-8 / not UTF-8"
        except ValueError as exc:
            fields, error = None, f"bukan JSON yang sah / not valid JSON: {exc}"
        if error is not None and first:
            raise UnreadableFile(f"{path}: baris {number} bukan objek JSON; berkas JSON lines berisi satu pengaduan "
                                 f"per baris / line {number} is not a JSON object")
        first = False
        yield Raw(number, text, fields if error is None else None, error)


class _Lines:
    """The file's lines as text for csv.reader, keeping the current row's lines verbatim."""

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file
        self.count = 0
        self.taken: list[str] = []
        self.undecodable = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        raw = next(self._file)
        self.count += 1
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", "replace")
            self.undecodable = True
        self.taken.append(text)
        return text

    def take(self) -> tuple[str, bool]:
        """The lines read since the last call, and whether one was not UTF-8."""
        text, undecodable = "".join(self.taken), self.undecodable
        self.taken, self.undecodable = [], False
        return text, undecodable


def _csv_complaints(file: IO[bytes], path: Path) -> Iterator[Raw]:
    """Consecutive rows with the same (channel, external_id), one Raw each."""
    lines = _Lines(file)
    header_line = next(lines, "").removeprefix("\ufeff")
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    header = [c.strip().lower() for c in next(csv.reader([header_line], delimiter=delimiter), [])]
    missing = [c for c in CSV_REQUIRED if c not in header]
    unknown = [c for c in header if c not in (*COMPLAINT_FIELDS, *STEP_FIELDS)]
    if missing or unknown or len(set(header)) != len(header):
        problem = (f"kolom wajib tidak ada: {', '.join(missing)}" if missing else
                   f"kolom tidak dikenal: {', '.join(unknown)}" if unknown else "ada kolom ganda")
        raise UnreadableFile(f"{path}: baris judul salah ({problem}); kolom yang dikenal: "
                             f"{','.join((*COMPLAINT_FIELDS, *STEP_FIELDS))} / bad header")
    lines.take()
    reader = csv.reader(lines, delimiter=delimiter)
    group: list[tuple[int, dict[str, str]]] = []
    texts: list[str] = []
    errors: list[str] = []
    start = lines.count + 1
    for row in reader:
        text, undecodable = lines.take()
        line, start = start, lines.count + 1
        if not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(header, (c.strip() for c in row)))
        if group and _key(cells) != _key(group[0][1]):
            yield _csv_raw(group, texts, errors)
            group, texts, errors = [], [], []
        group.append((line, cells))
        texts.append(text)
        if undecodable:
            errors.append(f"baris {line}: bukan UTF-8 / not UTF-8")
        if len(row) != len(header):
            errors.append(f"baris {line}: harus {len(header)} kolom, ada {len(row)} / wrong number of columns")
    if group:
        yield _csv_raw(group, texts, errors)


def _key(cells: dict[str, str]) -> tuple[str, str]:
    return cells.get("channel", ""), cells.get("external_id", "")


def _csv_raw(group: list[tuple[int, dict[str, str]]], texts: list[str], errors: list[str]) -> Raw:
    """One complaint's rows as the JSON lines record they mean."""
    line, first = group[0]
    text = "".join(texts).rstrip("\r\n")
    try:
        if errors:
            raise RecordError("; ".join(errors))
        fields: dict[str, Any] = {name: first[name] for name in COMPLAINT_FIELDS if first.get(name)}
        for name in ("lon", "lat"):
            if name in fields:
                fields[name] = _csv_number(fields[name], name)
        history = []
        for row_line, cells in group:
            if any(cells.get(name) != first.get(name) for name in COMPLAINT_FIELDS):
                raise RecordError(f"baris {row_line}: kolom pengaduan berbeda dari baris {line} "
                                  f"/ complaint columns differ from the complaint's first row")
            step: dict[str, Any] = {name: cells[name] for name in STEP_FIELDS if cells.get(name)}
            if "evidence" in step:
                step["evidence"] = step["evidence"].split()
            if step:
                history.append(step)
        fields["history"] = history
    except RecordError as exc:
        return Raw(line, text, None, str(exc))
    return Raw(line, text, fields)


def _csv_number(cell: str, name: str) -> float:
    """A number as a spreadsheet writes it, with a decimal point or (Indonesian locale) comma."""
    try:
        return float(cell.replace(",", "."))
    except ValueError:
        raise RecordError(f"{name}: bukan angka / not a number: {cell!r}") from None
