"""`pantau import`: past complaints with whole histories, replayed through the domain, stored once
each on a real database; refused records kept with their line and reason; the history generator's
output imports cleanly."""
from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

import cli
from benchmarks.generate_history import Histories, records
from crm.classifier import Classifier
from crm.complaint import Status
from crm.intake import Intake, Report
from crm.lifecycle import REOPENED
from crm.routing import RoutingRules
from crm.sla import SlaClock
from geo.gazetteer import Gazetteer
from geo.locate import Locator
from ingest.history_files import COMPLAINT_FIELDS, STEP_FIELDS, UnreadableFile, open_history
from ingest.history_import import Summary, import_history, rejects_path
from store import complaints
from store.db import make_sessionmaker, upgrade

MONAS = {"lon": 106.8272, "lat": -6.1754}  # Kelurahan Gambir, Jakarta Pusat
GAMBIR_OFFICE = "KEL-3171011001"
PHOTO = "ab" * 32  # a sha256 hex digest


def fixed(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def repaired_and_reopened(external_id: str) -> dict[str, Any]:
    """A pothole at Monas: routed to Sudin Bina Marga Jakarta Pusat, fixed, reopened, fixed again."""
    return {"channel": "qlue", "external_id": external_id, "received_at": "2026-03-02T08:15:00+07:00",
            "text": "jalan berlubang depan Monas", "category": "jalan", **MONAS, "reporter_name": "Rina Santoso",
            "history": [
                {"at": "2026-03-02T09:00:00+07:00", "status": "Proses", "actor": "budi.binamarga-jp"},
                {"at": "2026-03-04T10:00:00+07:00", "status": "Menunggu Validasi", "actor": "budi.binamarga-jp",
                 "note": "Lubang sudah ditambal", "evidence": [PHOTO]},
                {"at": "2026-03-04T15:00:00+07:00", "status": "Selesai", "actor": "validator.sari"},
                {"at": "2026-03-07T07:00:00+07:00", "reopened": "Lubangnya muncul lagi"},
                {"at": "2026-03-09T11:00:00+07:00", "status": "Menunggu Validasi", "actor": "agus.binamarga-jp",
                 "note": "Diaspal ulang", "evidence": [PHOTO]},
                {"at": "2026-03-09T16:30:00+07:00", "status": "Selesai", "actor": "validator.sari"},
            ]}


def passed_on(external_id: str) -> dict[str, Any]:
    """Rubbish at Monas: the kelurahan office passes it to Dinas LH, which disposes it to its Sudin."""
    return {"channel": "lapor", "external_id": external_id, "received_at": "2026-03-03T10:00:00+07:00",
            "text": "Sampah menumpuk di trotoar", "category": "sampah", **MONAS,
            "history": [
                {"at": "2026-03-03T11:00:00+07:00", "status": "Koordinasi", "actor": "nur.kel-gambir",
                 "to_skpd": "DLH", "note": "Sampah liar skala besar"},
                {"at": "2026-03-03T13:00:00+07:00", "status": "Disposisi", "actor": "sari.dlh", "to_skpd": "DLH-JP"},
                {"at": "2026-03-03T14:00:00+07:00", "status": "Proses", "actor": "andi.dlh-jp"},
            ]}


def just_received(external_id: str) -> dict[str, Any]:
    return {"channel": "twitter", "external_id": external_id, "received_at": "2026-03-05T21:00:00+07:00",
            "text": "@DKIJakarta lampu jalan mati", "category": "lampu_jalan", **MONAS}


def write_jsonl(path: Path, items: list[dict[str, Any] | str]) -> Path:
    path.write_text("".join((item if isinstance(item, str) else json.dumps(item)) + "\n" for item in items),
                    encoding="utf-8")
    return path


def write_csv(path: Path, items: list[dict[str, Any]], delimiter: str = ",") -> Path:
    """One row per step, the complaint's columns repeated: how officials' spreadsheets export it."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=[*COMPLAINT_FIELDS, *STEP_FIELDS], delimiter=delimiter)
        writer.writeheader()
        for item in items:
            complaint = {k: v for k, v in item.items() if k != "history"}
            if delimiter == ";":  # Indonesian Excel: decimal commas
                complaint |= {k: str(complaint[k]).replace(".", ",") for k in ("lon", "lat")}
            for step in item.get("history") or [{}]:
                writer.writerow(complaint | step | {"evidence": " ".join(step.get("evidence", []))})
    return path


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    upgrade(engine)
    return make_sessionmaker(engine)


def run(path: Path, sessions: sessionmaker[Session], locator: Locator) -> Summary:
    with open_history(path) as source:
        return import_history(source, sessions=sessions, locator=locator, rules=RoutingRules.default(),
                              sla=SlaClock.default(), batch=2)  # small batches: several add_many calls


def stored(sessions: sessionmaker[Session], channel: str, external_id: str):
    with sessions() as session:
        return complaints.get_by_external(session, channel=channel, external_id=external_id)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "csv;"])
def test_histories_are_replayed_and_stored_with_their_clock_fields(fmt, tmp_path, sessions, locator):
    items = [repaired_and_reopened("R-1"), passed_on("P-1"), just_received("T-1")]
    if fmt == "jsonl":
        path = write_jsonl(tmp_path / "riwayat.jsonl", items)
    else:
        path = write_csv(tmp_path / "riwayat.csv", items, delimiter=fmt[3:] or ",")

    summary = run(path, sessions, locator)
    assert (summary.imported, summary.present, summary.refused) == (3, 0, 0)
    assert not rejects_path(path).exists()

    fixed_twice = stored(sessions, "qlue", "R-1")
    assert fixed_twice.status is Status.SELESAI and fixed_twice.skpd == "BINAMARGA-JP"
    assert fixed_twice.jurisdiction.kode_kelurahan == "31.71.01.1001"
    assert fixed_twice.first_action_at == fixed("2026-03-02T09:00:00+07:00")
    assert fixed_twice.closed_at == fixed("2026-03-09T16:30:00+07:00")
    assert fixed_twice.reopened == 1
    assert fixed_twice.reporter_name == "Rina Santoso"
    assert [e.kind for e in fixed_twice.history].count(REOPENED) == 1
    assert len(fixed_twice.history) == 7  # received + six steps
    assert fixed_twice.completion_due > fixed("2026-03-07T07:00:00+07:00")  # restarted by the reopening

    moved = stored(sessions, "lapor", "P-1")
    assert moved.status is Status.PROSES and moved.skpd == "DLH-JP" and moved.closed_at is None
    assert moved.first_action_at == fixed("2026-03-03T11:00:00+07:00")
    assert [e.kind for e in moved.history][1:3] == [f"pindah:{GAMBIR_OFFICE}:DLH", "pindah:DLH:DLH-JP"]

    waiting = stored(sessions, "twitter", "T-1")
    assert waiting.status is Status.MENUNGGU and waiting.skpd and len(waiting.history) == 1
    assert waiting.first_action_due is not None and waiting.first_action_at is None


def test_an_imported_complaint_is_built_as_the_intake_builds_the_same_report(tmp_path, sessions, locator):
    """Ticket, holder, SLA deadlines, desk hours and the received note come from the intake's own build."""
    late_tweet = just_received("T-1")
    run(write_jsonl(tmp_path / "riwayat.jsonl", [late_tweet]), sessions, locator)
    imported = stored(sessions, "twitter", "T-1")
    intake = Intake(locate=locator.locate, rules=RoutingRules.default(), sla=SlaClock.default(),
                    save=lambda batch: [(c, True) for c in batch], classify=Classifier.default().classify,
                    find_place=Gazetteer.from_boundaries(locator.boundaries).search)
    live = intake.build(Report(channel="twitter", external_id="T-1", text=late_tweet["text"], category="lampu_jalan",
                               lon=MONAS["lon"], lat=MONAS["lat"], reported_at=fixed(late_tweet["received_at"])))
    same = ("skpd", "jurisdiction", "first_action_due", "completion_due", "outside_desk_hours", "location_precision")
    assert [getattr(imported, name) for name in same] == [getattr(live, name) for name in same]
    assert imported.ticket[:11] == live.ticket[:11]  # JKT-<WIB date>-
    assert imported.history[0].note == f"{live.history[0].note}. Diimpor dari riwayat"


def test_importing_the_same_file_twice_stores_nothing_new(tmp_path, sessions, locator):
    path = write_jsonl(tmp_path / "riwayat.jsonl", [repaired_and_reopened("R-1"), passed_on("P-1"),
                                                    just_received("T-1"), just_received("T-1")])
    first = run(path, sessions, locator)
    assert (first.imported, first.present, first.refused) == (3, 1, 0)  # a repeat within the file: once
    again = run(path, sessions, locator)
    assert (again.imported, again.present, again.refused) == (0, 4, 0)
    with sessions() as session:
        assert len(complaints.list_complaints(session, limit=100)) == 3


def test_bad_records_go_to_the_rejects_file_with_their_line_and_the_rest_is_stored(tmp_path, sessions, locator):
    impossible = just_received("BAD-1") | {"history": [
        {"at": "2026-03-05T22:00:00+07:00", "status": "Selesai", "actor": "validator.sari"}]}
    naive = just_received("BAD-2") | {"received_at": "2026-03-05T21:00:00"}
    too_early = just_received("BAD-3") | {"history": [
        {"at": "2026-03-05T20:00:00+07:00", "status": "Proses", "actor": "budi.binamarga-jp"}]}
    unknown = just_received("BAD-4") | {"category": "jalan_rusak"}
    lines = [repaired_and_reopened("R-1"), impossible, "{not json", naive, too_early, unknown, passed_on("P-1")]
    path = write_jsonl(tmp_path / "riwayat.jsonl", lines)

    summary = run(path, sessions, locator)
    assert (summary.imported, summary.present, summary.refused) == (2, 0, 5)
    rejects = [json.loads(line) for line in rejects_path(path).read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in rejects] == [2, 3, 4, 5, 6]
    assert [r["record"] for r in rejects] == path.read_text(encoding="utf-8").splitlines()[1:6]
    errors = [r["error"] for r in rejects]
    assert "tidak bisa dari status Menunggu ke Selesai" in errors[0]
    assert "JSON" in errors[1]
    assert "received_at" in errors[2] and "timezone" in errors[2]  # the HTTP door's (pydantic's) wording
    assert "sebelum langkah sebelumnya" in errors[3]
    assert "jalan_rusak" in errors[4]
    assert summary.errors[0][0] == 2
    assert stored(sessions, "qlue", "R-1") is not None and stored(sessions, "lapor", "P-1") is not None

    write_jsonl(path, [repaired_and_reopened("R-1")])
    assert run(path, sessions, locator).refused == 0
    assert not rejects_path(path).exists()  # the rejects file describes the last run only


def test_a_bad_csv_complaint_is_refused_whole_with_its_rows_verbatim(tmp_path, sessions, locator):
    broken = repaired_and_reopened("R-2")
    broken["history"] = [broken["history"][0], {**broken["history"][2]}]  # Proses -> Selesai: no validation step
    path = write_csv(tmp_path / "riwayat.csv", [passed_on("P-1"), broken, just_received("T-1")])
    summary = run(path, sessions, locator)
    assert (summary.imported, summary.refused) == (2, 1)
    (reject,) = [json.loads(line) for line in rejects_path(path).read_text(encoding="utf-8").splitlines()]
    rows = path.read_text(encoding="utf-8").splitlines()
    assert reject["line"] == 5  # header, then three rows of P-1
    assert reject["record"].splitlines() == rows[4:6]
    assert "langkah ke-2" in reject["error"] and "Proses ke Selesai" in reject["error"]
    assert stored(sessions, "qlue", "R-2") is None


@pytest.mark.parametrize("written", ["nan", "1e2", "inf", "١٢"])
def test_a_csv_point_that_is_no_decimal_number_is_refused(written, tmp_path, sessions, locator):
    path = write_csv(tmp_path / "riwayat.csv", [just_received("T-1") | {"lat": written}, just_received("T-2")])
    summary = run(path, sessions, locator)
    assert (summary.imported, summary.refused) == (1, 1)
    assert "lat" in summary.errors[0][1] and "desimal" in summary.errors[0][1]


def test_a_jsonl_point_written_as_a_string_or_a_boolean_is_refused(tmp_path, sessions, locator):
    path = write_jsonl(tmp_path / "riwayat.jsonl", [just_received("T-1") | {"lat": "-6.1754"},
                                                   just_received("T-2") | {"lon": True}, just_received("T-3")])
    summary = run(path, sessions, locator)
    assert (summary.imported, summary.refused) == (1, 2)
    assert [line for line, _ in summary.errors] == [1, 2]


@pytest.mark.parametrize("name, content, message", [
    ("hilang.jsonl", None, "tidak ditemukan"),
    ("riwayat.xlsx", "x", "bukan berkas"),
    ("riwayat.csv", "channel,external_id,received_at,text,category,lon,lat,at\n", "status"),
    ("riwayat.csv", "channel,external_id,received_at,text,category,lon,lat,at,status,warna\n", "warna"),
    ("riwayat.jsonl", "channel,external_id\nqlue,Q-1\n", "baris 1"),
])
def test_an_unreadable_file_fails_at_once_and_writes_nothing(name, content, message, tmp_path):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(UnreadableFile, match=message):
        open_history(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ([name] if content is not None else [])


def test_the_command_reports_counts_and_exits_1_when_something_was_refused(tmp_path, locator, monkeypatch):
    monkeypatch.setattr(cli, "_locator", lambda: locator)  # the real one, built once for the session
    env = {"PANTAU_DATABASE_URL": f"sqlite:///{tmp_path}/pantau.db"}
    impossible = just_received("BAD-1") | {"history": [
        {"at": "2026-03-05T22:00:00+07:00", "status": "Selesai", "actor": "validator.sari"}]}
    path = write_jsonl(tmp_path / "riwayat.jsonl", [repaired_and_reopened("R-1"), impossible])

    result = CliRunner(env=env).invoke(cli.main, ["import", str(path)])
    assert result.exit_code == 1, result.output
    assert "diimpor 1, sudah ada 0, ditolak 1" in result.output
    assert "baris 2: " in result.output and str(rejects_path(path)) in result.output

    write_jsonl(path, [repaired_and_reopened("R-1")])
    again = CliRunner(env=env).invoke(cli.main, ["import", str(path)])
    assert again.exit_code == 0, again.output
    assert "diimpor 0, sudah ada 1, ditolak 0" in again.output

    missing = CliRunner(env=env).invoke(cli.main, ["import", str(tmp_path / "tidak-ada.jsonl")])
    assert missing.exit_code == 1 and "tidak ditemukan" in missing.output


END = datetime(2026, 3, 1, tzinfo=UTC)


def test_the_generator_is_deterministic_and_its_units_differ(locator):
    first = list(records(300, seed=7, end=END, locator=locator))
    assert first == list(records(300, seed=7, end=END, locator=locator))
    assert first != list(records(300, seed=8, end=END, locator=locator))
    assert all(fixed(r["received_at"]) <= END and all(fixed(s["at"]) <= END for s in r["history"]) for r in first)
    speeds = [Histories(7, 0).unit(code).speed for code in ("BINAMARGA-JP", "DSDA-JU", "DLH-JB", "DISHUB-JS")]
    assert max(speeds) > 1.2 * min(speeds)


def test_generated_history_imports_cleanly(tmp_path, sessions, locator):
    path = write_jsonl(tmp_path / "riwayat.jsonl", list(records(1500, seed=3, end=END, locator=locator)))
    with open_history(path) as source:
        summary = import_history(source, sessions=sessions, locator=locator, rules=RoutingRules.default(),
                                 sla=SlaClock.default())
    assert (summary.imported, summary.refused) == (1500, 0), summary.errors
    with sessions() as session:
        statuses = {c.status for c in complaints.list_complaints(session, limit=2000)}
    assert {Status.SELESAI, Status.PROSES} <= statuses
