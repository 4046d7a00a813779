"""A realistic complaint history to load with `pantau import`, so rankings can be built and timed
on years of data before the real archive arrives.

    python benchmarks/generate_history.py --count 1000000 --out history.jsonl [--seed 1] [--end ISO]

Writes JSON lines in the format of ingest/history_files.py; `records(count, seed=, end=)` yields
the same records in-process. The same seed, end and data files give the same file, byte for byte.

What it models, and why:
- Volume: about 685 complaints a day (Jakarta's CRM saw 500-800), fewer at weekends, quiet at
  night, spread back from `--end` (default now): a million complaints are four years.
- Complaints: the demo simulator's channel and category mix and texts (ingest/simulator.py,
  ingest/demo_text.py), at real places (ingest/demo_places.py: near gazetteer landmarks, else
  inside the kelurahan polygons), located by the real Locator and first held by the unit the
  real routing rules name, as the CRM would route them.
- Histories: mostly Proses -> Menunggu Validasi -> Selesai; about 10% first pass through
  Koordinasi to another unit ("bukan wewenang"); a Dinas holding a complaint mostly disposes it
  to its Suku Dinas; heavy works sometimes set an Estimasi Waktu Selesai; about 8% of proposed
  completions are rejected (TL Ditolak) and go back to Proses; about 3% are reopened by the
  citizen. Steps after `end` are cut, so the last days are a backlog, and some complaints are
  never finished: open and overdue.
- Units differ, or a ranking would have nothing to find: each unit has its own speed factor,
  rejection and reopening propensity, drawn from the seed. A few units game the figures: they
  file complaints under an official's own name and close them within minutes (reporter_name is
  then the closing actor), or close others a few minutes after receipt.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from itertools import accumulate
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crm.complaint import Status, utc_now  # noqa: E402
from crm.desks import is_open  # noqa: E402
from crm.routing import RoutingRules  # noqa: E402
from crm.skpd import SKPDS, kelurahan_office, sudin_for  # noqa: E402
from geo.boundaries import load_boundaries  # noqa: E402
from geo.jurisdiction import Jurisdiction  # noqa: E402
from geo.locate import Locator  # noqa: E402
from ingest.demo_payloads import person  # noqa: E402
from ingest.demo_places import Places, load_places  # noqa: E402
from ingest.demo_text import LINES, compose  # noqa: E402
from ingest.simulator import CHANNEL_CATEGORIES, CHANNEL_WEIGHTS  # noqa: E402
from settings import load_settings  # noqa: E402

DAILY = 685  # complaints a day on average
WEEKEND = 0.75  # a Saturday or Sunday brings this share of a weekday's complaints
# Relative arrivals per WIB hour: quiet at night, a morning peak, another after work.
HOURLY = (2, 1, 1, 1, 2, 4, 7, 9, 10, 10, 9, 8, 8, 8, 8, 8, 8, 9, 9, 9, 8, 6, 4, 3)
CHUNK = 5000  # complaints located in one locate_many call

NAMED = 0.4  # reporters who leave a name
KOORDINASI = 0.10  # first holder says "bukan wewenang" and passes it on
VIA_DINAS = 0.3  # of those, passed to the Dinas rather than straight to its unit in the kota
DISPOSISI = 0.8  # a Dinas holding a complaint disposes it to its Suku Dinas
HEAVY = frozenset({"jalan", "galian_proyek", "banjir", "saluran_air", "bangunan_terbengkalai", "taman"})
EWS = 0.15  # heavy works that set an Estimasi Waktu Selesai
FORGOTTEN = 0.005  # taken into Proses and never finished
REJECTION = 0.08  # mean chance a proposed completion is rejected
REOPEN = 0.03  # mean chance the citizen reopens a finished complaint
GAMING_UNITS = 0.03  # units that game their figures
GAMING = 0.03  # share of a gaming unit's complaints closed within minutes (as many again self-filed)

# The unit a complaint of a category goes to when its first holder says it is not theirs;
# categories not listed go to the kelurahan office of the place.
PARTNERS = {"jalan": "DSDA", "saluran_air": "DSDA", "banjir": "BINAMARGA", "pohon": "BINAMARGA",
            "sampah": "DLH", "pencemaran": "DLH", "galian_proyek": "CKTRP", "lampu_jalan": "DISHUB",
            "pkl": "SATPOLPP", "parkir_liar": "SATPOLPP", "ketenteraman_ketertiban": "SATPOLPP",
            "reklame": "SATPOLPP", "fasilitas_umum": "CKTRP", "kabel_utilitas": "DISKOMINFOTIK"}
VALIDATORS = ("validator.sari", "validator.rudi", "validator.maya", "validator.yoga")
STAFF = ("budi", "siti", "agus", "dewi", "andi", "putri", "rizky", "wulan", "fajar", "hendra", "nur", "rina")
DONE = ("Sudah ditangani petugas", "Perbaikan selesai", "Lokasi sudah dibersihkan", "Sudah ditertibkan")
REJECTED = ("Foto bukti tidak sesuai lokasi", "Pekerjaan belum tuntas", "Foto bukti sama dengan laporan lain")
REOPENED = ("Masalahnya muncul lagi", "Belum diperbaiki sama sekali", "Hanya ditambal sementara")

CATEGORIES = tuple(LINES)
CATEGORY_WEIGHTS = tuple(accumulate(lines.weight for lines in LINES.values()))  # cumulative, for choices()
WIB = timezone(timedelta(hours=7))  # Asia/Jakarta has no daylight saving: a fixed offset is exact and fast
MINUTE, HOUR, DAY = 60, 3600, 86400


@dataclass(frozen=True, slots=True)
class Unit:
    """How one unit behaves: `speed` multiplies its delays; the rest are chances."""

    speed: float
    rejection: float
    reopen: float
    gaming: float
    staff: tuple[str, ...]


class Histories:
    """The steps of each complaint, from the behaviour of the units that hold it in turn."""

    def __init__(self, seed: int, end: int) -> None:
        self.seed = seed
        self.end = end
        self._units: dict[str, Unit] = {}

    def unit(self, code: str) -> Unit:
        """The unit's behaviour, drawn from the seed and its code alone (so the same in every run)."""
        if code not in self._units:
            rng = random.Random(f"{self.seed}/{code}")
            self._units[code] = Unit(
                speed=rng.lognormvariate(0, 0.5),
                rejection=min(0.4, REJECTION * rng.lognormvariate(-0.245, 0.7)),  # mean about REJECTION
                reopen=min(0.2, REOPEN * rng.lognormvariate(-0.245, 0.7)),
                gaming=GAMING if rng.random() < GAMING_UNITS else 0.0,
                staff=tuple(f"{name}.{code.lower()}" for name in rng.sample(STAFF, 3)))
        return self._units[code]

    def steps(self, rng: random.Random, received: int, category: str, holder: str,
              where: Jurisdiction) -> tuple[list[dict[str, Any]], str | None]:
        """(steps up to `end`, the reporter's name when an official filed it) for one complaint."""
        story = _Story(rng, received)
        unit = self.unit(holder)
        if rng.random() < 2 * unit.gaming:
            official = rng.choice(unit.staff)
            closer = official if rng.random() < 0.5 else rng.choice(VALIDATORS)
            story.step(Status.PROSES, official, 3 * MINUTE * rng.random())
            story.step(Status.MENUNGGU_VALIDASI, official, 3 * MINUTE * rng.random(), note=rng.choice(DONE),
                       evidence=[story.digest()])
            story.step(Status.SELESAI, closer, 5 * MINUTE * rng.random())
            return story.until(self.end), official if closer == official else None
        delay = _hours(rng, 2) * unit.speed
        if rng.random() < KOORDINASI:
            target = _partner(category, holder, where, rng)
            story.step(Status.KOORDINASI, rng.choice(unit.staff), delay, to_skpd=target,
                       note=f"Bukan wewenang {holder}; dikoordinasikan ke {target}")
            holder, unit = target, self.unit(target)
            delay = _hours(rng, 3) * unit.speed
        sudin = sudin_for(holder, where.kode_kota) if holder in SKPDS else None
        if sudin is not None and rng.random() < DISPOSISI:
            story.step(Status.DISPOSISI, rng.choice(unit.staff), delay, to_skpd=sudin)
            holder, unit = sudin, self.unit(sudin)
            delay = _hours(rng, 2) * unit.speed
        story.step(Status.PROSES, rng.choice(unit.staff), delay, note="Sedang ditindaklanjuti")
        if rng.random() < FORGOTTEN:
            return story.until(self.end), None
        work = _hours(rng, 48, 0.9) * unit.speed
        if category in HEAVY and rng.random() < EWS:
            days = rng.randint(14, 45)
            story.step(Status.ESTIMASI_WAKTU_SELESAI, rng.choice(unit.staff), _hours(rng, 4))
            story.steps[-1]["ews"] = (story.day() + timedelta(days=days)).isoformat()  # after the step's own day
            work = days * DAY * rng.uniform(0.5, 1.1) * unit.speed
        self._finish(story, unit, work)
        if rng.random() < unit.reopen:
            story.reopen(rng.uniform(1, 14) * DAY, rng.choice(REOPENED))
            self._finish(story, unit, _hours(rng, 48, 0.9) * unit.speed)
        return story.until(self.end), None

    def _finish(self, story: _Story, unit: Unit, work: float) -> None:
        """Menunggu Validasi, then Selesai, or TL Ditolak and another round of work (at most three)."""
        rng = story.rng
        for rejections in range(4):
            story.step(Status.MENUNGGU_VALIDASI, rng.choice(unit.staff), work, note=rng.choice(DONE),
                       evidence=[story.digest()])
            if rejections == 3 or rng.random() >= unit.rejection:
                story.step(Status.SELESAI, rng.choice(VALIDATORS), _hours(rng, 8), note="Tervalidasi")
                return
            story.step(Status.TL_DITOLAK, rng.choice(VALIDATORS), _hours(rng, 8), note=rng.choice(REJECTED))
            story.step(Status.PROSES, rng.choice(unit.staff), _hours(rng, 4) * unit.speed, note="Dikerjakan ulang")
            work = _hours(rng, 24, 0.9) * unit.speed


class _Story:
    """One history being written: steps at increasing epoch seconds."""

    def __init__(self, rng: random.Random, received: int) -> None:
        self.rng = rng
        self.at = received
        self.steps: list[dict[str, Any]] = []

    def step(self, status: Status, actor: str, delay: float, **fields: Any) -> None:
        self.at += max(MINUTE, int(delay))
        self.steps.append({"at": self.at, "status": status.value, "actor": actor, **fields})

    def reopen(self, delay: float, reason: str) -> None:
        self.at += int(delay)
        self.steps.append({"at": self.at, "reopened": reason})

    def day(self) -> date:
        return datetime.fromtimestamp(self.at, WIB).date()

    def digest(self) -> str:
        return f"{self.rng.getrandbits(256):064x}"

    def until(self, end: int) -> list[dict[str, Any]]:
        return [step | {"at": _iso(step["at"])} for step in self.steps if step["at"] <= end]


def records(count: int, *, seed: int = 1, end: datetime | None = None,
            locator: Locator | None = None) -> Iterator[dict[str, Any]]:
    """`count` complaints with their histories, oldest first, the last received just before `end`."""
    end = end or utc_now()
    if end.tzinfo is None:
        raise ValueError("end harus punya zona waktu / end must be timezone-aware")
    locator = locator or Locator(load_boundaries(load_settings().boundaries))
    places = load_places(locator.boundaries)
    rules = RoutingRules.default()
    histories = Histories(seed, int(end.timestamp()))
    rng = random.Random(seed)
    times = _arrivals(count, int(end.timestamp()), rng)
    serial = 0
    while chunk := [next(times) for _ in range(min(CHUNK, count - serial))]:
        drafts = [_draft(received, rng, places) for received in chunk]
        found = locator.locate_many([d["lon"] for d in drafts], [d["lat"] for d in drafts])
        for draft, received, index, flag in zip(drafts, chunk, found.index.tolist(), found.flag.tolist()):
            serial += 1
            where = locator.jurisdiction(index, flag)
            assert where is not None  # the places lie inside kelurahan
            holder = rules.route(draft["category"], where)
            history, official = histories.steps(rng, received, draft["category"], holder, where)
            name = official or (person(rng).name if rng.random() < NAMED else None)
            channel = draft.pop("channel")
            yield {"channel": channel, "external_id": f"{channel.upper()}-{seed}-{serial:07d}",
                   "received_at": _iso(received), **draft, "skpd": holder,
                   **({"reporter_name": name} if name else {}), "history": history}


def _arrivals(count: int, end: int, rng: random.Random) -> Iterator[int]:
    """Epoch seconds of `count` arrivals, ascending, in whole days back from `end`."""
    days = max(1, round(count / DAILY))
    start = end - days * DAY
    weights = [WEEKEND if datetime.fromtimestamp(start + d * DAY, WIB).weekday() >= 5 else 1.0 for d in range(days)]
    total, made, cumulative = sum(weights), 0, 0.0
    for d, weight in enumerate(weights):
        cumulative += weight
        today = round(count * cumulative / total) - made
        made += today
        yield from sorted(_time_of_day(start + d * DAY, rng) for _ in range(today))


def _time_of_day(day_start: int, rng: random.Random) -> int:
    """A second of the day from `day_start`, more likely in busy WIB hours (rejection sampling)."""
    busiest = max(HOURLY)
    while True:
        at = day_start + rng.randrange(DAY)
        if rng.random() * busiest < HOURLY[(at + 7 * HOUR) // HOUR % 24]:
            return at


def _draft(received: int, rng: random.Random, places: Places) -> dict[str, Any]:
    """Channel, category, text and point of one complaint, as the demo simulator makes them."""
    now = datetime.fromtimestamp(received, WIB)
    open_now = [channel for channel in CHANNEL_WEIGHTS if is_open(channel, now)]
    channel = rng.choices(open_now, weights=[CHANNEL_WEIGHTS[c] for c in open_now])[0]
    if channel in CHANNEL_CATEGORIES:
        category = rng.choice(CHANNEL_CATEGORIES[channel])
    else:
        category = rng.choices(CATEGORIES, cum_weights=CATEGORY_WEIGHTS)[0]
    place = places.pick(category, rng)
    return {"channel": channel, "text": compose(category, channel, place, rng), "category": category,
            "lon": round(place.lon, 6), "lat": round(place.lat, 6)}


def _partner(category: str, holder: str, where: Jurisdiction, rng: random.Random) -> str:
    """Where a complaint goes when its holder says it is not theirs: the category's partner Dinas
    (or its unit in the kota), else the kelurahan office, else the Biro Pemerintahan."""
    dinas = PARTNERS.get(category)
    candidates = [kelurahan_office(where).code, "BIROPEM"]
    if dinas is not None:
        sudin = sudin_for(dinas, where.kode_kota)
        candidates.insert(0, dinas if sudin is None or rng.random() < VIA_DINAS else sudin)
    return next(code for code in candidates if code != holder)


def _hours(rng: random.Random, median: float, sigma: float = 1.0) -> float:
    """Seconds of a delay with this median in hours, log-normally spread (a long tail of slow ones)."""
    return median * HOUR * rng.lognormvariate(0, sigma)


def _iso(at: int) -> str:
    return datetime.fromtimestamp(at, WIB).isoformat()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, required=True, help="how many complaints")
    parser.add_argument("--out", type=Path, required=True, help="the JSON lines file to write")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--end", type=datetime.fromisoformat, help="ISO time with a zone (default: now)")
    args = parser.parse_args()
    if args.end is not None and args.end.tzinfo is None:
        parser.error("--end needs a zone, e.g. 2026-03-01T00:00:00+07:00")
    started = time.perf_counter()
    locator = Locator(load_boundaries(load_settings().boundaries))
    ready = time.perf_counter()
    with args.out.open("w", encoding="utf-8") as out:
        for record in records(args.count, seed=args.seed, end=args.end, locator=locator):
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
    took = time.perf_counter() - ready
    print(f"{args.count} complaints written to {args.out} in {took:.1f} s "
          f"({args.count / max(took, 1e-9):,.0f}/s; locator built in {ready - started:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
