"""Ranking and drill-down with a million complaints stored: one event's update beside a full recompute.

    python benchmarks/ranking.py [--count 1000000] [--db /tmp/pantau-1m.db] [--postgis URL]

The history comes from benchmarks/generate_history.py through `pantau import`'s own code
(ingest/history_import.py), once per database: a database that already holds `--count`
complaints is reused. Then, in one process:
- full recompute: read every stint a window can need and build the ledger (RankingBoard.rebuild),
  then score one table: the baseline;
- one event: an official takes a complaint to Proses through followup/steps.py (stored, audited,
  published), then the board applies it and scores the table again (what a screen waits for);
- drill-down: the /wilayah queries (store/areas.py) at each level over 30 days and a quarter.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crm.complaint import Status, utc_now  # noqa: E402
from crm.roles import Person  # noqa: E402
from crm.routing import RoutingRules  # noqa: E402
from crm.sla import SlaClock  # noqa: E402
from crm.windows import window_start  # noqa: E402
from followup.steps import take_step  # noqa: E402
from geo.boundaries import load_boundaries  # noqa: E402
from geo.locate import Locator  # noqa: E402
from ingest.history_files import open_history  # noqa: E402
from ingest.history_import import import_history  # noqa: E402
from live.publish import Publisher, make_socketio  # noqa: E402
from live.ranking import RankingBoard  # noqa: E402
from settings import load_settings  # noqa: E402
from store import areas  # noqa: E402
from store.db import make_engine, make_sessionmaker, upgrade  # noqa: E402
from store.models import ComplaintRow, StintRow  # noqa: E402

EVENTS = 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="complaints in the history (1,000,000)")
    parser.add_argument("--db", default="/tmp/pantau-ranking-1m.db", help="SQLite file, kept between runs")
    parser.add_argument("--postgis", metavar="URL", help="also run on this PostGIS database (imported once)")
    args = parser.parse_args()
    run("SQLite", f"sqlite:///{args.db}", args.count)
    if args.postgis:
        run("PostGIS", args.postgis, args.count)


def run(label: str, url: str, count: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    ensure_history(sessions, count)
    with sessions() as session:
        stored = session.scalar(select(func.count()).select_from(ComplaintRow))
        stint_count = session.scalar(select(func.count()).select_from(StintRow))
    print(f"\n== {label}: {stored:,} complaints, {stint_count:,} stints ==")

    board = RankingBoard(sessions)
    rebuilds = []
    for _ in range(3):
        started = time.perf_counter()
        board.rebuild()
        board.standings("skpd", "7d")
        rebuilds.append(time.perf_counter() - started)
    recompute = statistics.median(rebuilds)
    print(f"full recompute (read stints, build ledger, score 7-day SKPD table): median {recompute * 1000:,.0f} ms "
          f"of {len(rebuilds)} (min {min(rebuilds) * 1000:,.0f} ms)")

    publisher = Publisher(make_socketio(channel="bench-ranking"), sessions)
    publisher.listen(board.notice)
    writes, updates = [], []
    for complaint_id, skpd in waiting(sessions, EVENTS):
        person = Person(f"petugas.{skpd.lower()}", "skpd_staff", skpd=skpd)
        started = time.perf_counter()
        take_step(sessions, publisher, SlaClock.default(), person, complaint_id, to=Status.PROSES.value)
        stored_at = time.perf_counter()
        board.apply_pending()
        board.standings("skpd", "7d")
        updates.append(time.perf_counter() - stored_at)
        writes.append(stored_at - started)
    update = statistics.median(updates)
    print(f"one event -> ranking updated ({len(updates)} events): p50 {update * 1000:.1f} ms, "
          f"max {max(updates) * 1000:.1f} ms; the step itself (store, audit, publish) p50 "
          f"{statistics.median(writes) * 1000:.1f} ms")
    print(f"  ratio: a full recompute costs {recompute / update:,.0f}x one incremental update")

    now = utc_now()
    with sessions() as session:
        kota = session.scalar(select(ComplaintRow.kode_kota).where(ComplaintRow.kode_kota.is_not(None)).limit(1))
        kecamatan = session.scalar(select(ComplaintRow.kode_kecamatan).where(ComplaintRow.kode_kota == kota).limit(1))
        for window in ("30d", "quarter"):
            since = window_start(window, now)
            for name, parent in (("kota", None), ("kecamatan of a kota", kota), ("kelurahan of a kecamatan", kecamatan)):
                times = []
                for _ in range(3):
                    started = time.perf_counter()
                    areas.by_area(session, parent=parent, since=since, now=now)
                    times.append(time.perf_counter() - started)
                print(f"drill-down {window:>7} {name:<26} median {statistics.median(times) * 1000:6.0f} ms")


def waiting(sessions, n: int) -> list[tuple[int, str]]:
    """Complaints still Menunggu at a Suku Dinas, newest first, to take to Proses."""
    with sessions() as session:
        rows = session.execute(select(ComplaintRow.id, ComplaintRow.skpd)
                               .where(ComplaintRow.status == Status.MENUNGGU.value, ComplaintRow.skpd.contains("-"),
                                      ~ComplaintRow.skpd.startswith("KEL-"))
                               .order_by(ComplaintRow.received_at.desc()).limit(n)).all()
    if len(rows) < n:
        sys.exit(f"only {len(rows)} complaints wait in Menunggu; the history should leave a backlog")
    return [(row.id, row.skpd) for row in rows]


def ensure_history(sessions, count: int) -> None:
    """Generate and import the history unless the database already holds it."""
    with sessions() as session:
        stored = session.scalar(select(func.count()).select_from(ComplaintRow))
    if stored >= count:
        return
    from benchmarks.generate_history import records

    settings = load_settings()
    locator = Locator(load_boundaries(settings.boundaries))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.jsonl"
        started = time.perf_counter()
        with path.open("w", encoding="utf-8") as out:
            for record in records(count, seed=1, end=utc_now() - timedelta(minutes=5)):
                out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        print(f"generated {count:,} complaints in {time.perf_counter() - started:,.0f} s", flush=True)
        started = time.perf_counter()
        with open_history(path) as source:
            summary = import_history(source, sessions=sessions, locator=locator, rules=RoutingRules.default(),
                                     sla=SlaClock.default())
        took = time.perf_counter() - started
        print(f"imported {summary.imported:,} ({summary.refused:,} refused) in {took:,.0f} s: "
              f"{summary.imported / took:,.0f} complaints/s", flush=True)


if __name__ == "__main__":
    main()
