"""Group commit: concurrent callers share transactions, each gets its own results, one caller's
failure stays its own, and the real intake under many threads stores every report once."""
from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from crm.intake import Report
from ingest.group_commit import GroupCommit
from store.models import ComplaintRow

MONAS = {"lon": 106.8272, "lat": -6.1754}


class Recorder:
    """A `save` that records each group it was given and can be held shut, as a slow commit is."""

    def __init__(self) -> None:
        self.groups: list[list[int]] = []
        self.open = threading.Event()
        self.open.set()
        self.entered = threading.Event()

    def __call__(self, items: Sequence[int]) -> list[int]:
        self.entered.set()
        self.open.wait(10)
        if any(item < 0 for item in items):
            raise ValueError("negatif")
        self.groups.append(list(items))
        return [item * 10 for item in items]


def queued(commit: GroupCommit, n: int) -> None:
    """Wait until n callers are queued behind the commit being held."""
    deadline = time.monotonic() + 10
    while len(commit._queue) < n:  # noqa: SLF001 - the test watches the queue it fills
        assert time.monotonic() < deadline, f"{len(commit._queue)} of {n} queued"  # noqa: SLF001
        time.sleep(0.01)


def test_callers_queued_while_a_commit_runs_share_the_next_one_and_get_their_own_results():
    save = Recorder()
    commit = GroupCommit(save)
    save.open.clear()
    with ThreadPoolExecutor(8) as pool:
        first = pool.submit(commit, [1])
        assert save.entered.wait(10)  # the writer is inside the first commit, held there
        rest = [pool.submit(commit, [n, n + 100]) for n in range(2, 8)]
        queued(commit, 6)
        save.open.set()
        assert first.result(10) == [10]
        assert [f.result(10) for f in rest] == [[n * 10, (n + 100) * 10] for n in range(2, 8)]
    assert save.groups[0] == [1] and len(save.groups) == 2 and len(save.groups[1]) == 12
    assert commit.largest == 6


def test_a_failing_callers_error_is_its_own_and_the_others_are_stored():
    save = Recorder()
    commit = GroupCommit(save)
    save.open.clear()
    with ThreadPoolExecutor(4) as pool:
        holder = pool.submit(commit, [1])
        assert save.entered.wait(10)
        good, bad, other = pool.submit(commit, [2]), pool.submit(commit, [-3]), pool.submit(commit, [4])
        queued(commit, 3)
        save.open.set()
        assert (holder.result(10), good.result(10), other.result(10)) == ([10], [20], [40])
        with pytest.raises(ValueError, match="negatif"):
            bad.result(10)
    assert [2] in save.groups and [4] in save.groups and all(-3 not in g for g in save.groups)


def test_no_group_is_larger_than_max_group():
    save = Recorder()
    commit = GroupCommit(save, max_group=3)
    save.open.clear()
    with ThreadPoolExecutor(8) as pool:
        pool.submit(commit, [0])
        assert save.entered.wait(10)
        waiting = [pool.submit(commit, [n]) for n in range(1, 8)]
        queued(commit, 7)
        save.open.set()
        assert [f.result(10) for f in waiting] == [[n * 10] for n in range(1, 8)]
    assert max(len(g) for g in save.groups) == 3 and sorted(sum(save.groups, [])) == list(range(8))


def test_the_real_intake_under_twenty_threads_stores_every_report_once_in_fewer_transactions(engine, locator):
    from app import create_app
    from settings import Settings

    pantau = create_app(Settings(database_url=engine.url.render_as_string(hide_password=False)),
                        locator=locator, background=False)
    run = uuid.uuid4().hex[:8]
    reports = [Report(channel="qlue", external_id=f"{run}-{n}", text="Jalan berlubang besar", **MONAS)
               for n in range(200)]
    with ThreadPoolExecutor(20) as pool:
        stored = list(pool.map(lambda r: pantau.intake(r), reports + reports[:50]))  # 50 retried deliveries
    with pantau.sessions() as session:
        rows = session.query(ComplaintRow).filter(ComplaintRow.external_id.like(f"{run}-%")).count()
    assert rows == 200 and len({complaint.id for complaint, _ in stored}) == 200
    assert sum(created for _, created in stored) == 200  # each retried delivery answered with the first
    assert pantau.intake.save.groups < 250


def test_an_idle_writer_ends_and_the_next_caller_starts_another(monkeypatch: pytest.MonkeyPatch):
    """A writer kept forever would keep its app's engine and pooled connections alive."""
    monkeypatch.setattr("ingest.group_commit.IDLE_SECONDS", 0.05)
    commit = GroupCommit(Recorder())
    assert commit([1]) == [10]
    first = commit._writer  # noqa: SLF001 - the thread is what the test is about
    assert first is not None
    first.join(5)
    assert not first.is_alive() and commit._writer is None  # noqa: SLF001
    assert commit([2]) == [20] and commit.groups == 2
