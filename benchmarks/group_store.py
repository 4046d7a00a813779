"""The writer's side of the group commit, in one process: a group of single reports built by the
real intake (classify, locate, route, SLA) and stored and announced as the group commit does it
(ingest/pipeline.py's save), on a fresh PostGIS database holding `--stored` earlier complaints.

This is the serial part of `pantau serve`'s ingest: one writer per process runs it while the
request threads parse and wait, so its CPU per report bounds the rate. Prints, per group size,
wall and CPU milliseconds per group and per report, and the statements SQLAlchemy sent per group
(its events do not see the COPYs that store/inserts.py sends around it on PostgreSQL).

    python benchmarks/group_store.py [--groups 200] [--stored 20000]
"""
from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from sqlalchemy import event  # noqa: E402

from ingest_throughput import fresh_postgis  # noqa: E402
from serve_ingest import TEXTS, points  # noqa: E402

SIZES = (1, 4, 16, 32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=200, help="groups stored per size")
    parser.add_argument("--stored", type=int, default=20000, help="complaints stored before measuring")
    args = parser.parse_args()

    from app import create_app
    from crm.intake import Report
    from settings import load_settings

    spots = points()
    rng = random.Random(7)

    def report(n: int) -> Report:
        lon, lat = rng.choice(spots)
        return Report(channel="qlue", external_id=f"g{uuid.uuid4().hex}-{n}", text=TEXTS[n % len(TEXTS)],
                      lon=lon + rng.uniform(-0.0025, 0.0025), lat=lat + rng.uniform(-0.0025, 0.0025))

    with fresh_postgis() as url:
        if url is None:
            sys.exit("needs PostGIS at PANTAU_TEST_POSTGIS_URL")
        pantau = create_app(load_settings().model_copy(update={"database_url": url, "redis_url": None}),
                            background=False)
        intake = pantau.intake
        save = intake.save._save  # the writer's save, without the group commit's thread hand-off
        for start in range(0, args.stored, 500):
            save([intake.build(report(n)) for n in range(start, min(args.stored, start + 500))])
        with pantau.sessions() as session:
            session.connection().exec_driver_sql("ANALYZE")
        statements = [0]
        event.listen(session.get_bind(), "before_cursor_execute", lambda *_: statements.__setitem__(0, statements[0] + 1))
        print(f"PostGIS, {args.stored:,} complaints stored, {args.groups} groups per size")
        print(f"{'group':>5} {'ms/group':>9} {'cpu ms/group':>12} {'cpu ms/report':>13} {'sqla stmts':>10}")
        for size in SIZES:
            groups = [[intake.build(report(n)) for n in range(size)] for _ in range(args.groups)]
            save(groups.pop())  # warm: statement caches and prepared plans for this size
            statements[0] = 0
            wall, cpu = time.perf_counter(), time.process_time()
            for group in groups:
                save(group)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            n = len(groups)
            print(f"{size:5d} {1000 * wall / n:9.2f} {1000 * cpu / n:12.2f} {1000 * cpu / (n * size):13.3f} "
                  f"{statements[0] / n:10.1f}")


if __name__ == "__main__":
    main()
