"""The one rule of "overdue" (crm/overdue.py), and that no second copy of it has crept back.

Its SQL twin is held to the same answers in tests/store/test_overdue_sql.py.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from crm.complaint import Complaint, Status
from crm.overdue import is_open, is_overdue, overdue, passed, passed_at
from crm.public_view import public_complaint, public_tracking

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 12, 3, 16, 59, 59, tzinfo=UTC)  # 23:59:59 WIB: the end of a deadline's day
HOMES = {"crm/overdue.py", "store/overdue.py"}
# A deadline compared with a moment, either way round: what only the two homes may write.
COMPARED = re.compile(r"(completion_due|first_action_due)[\w\])\"']*\s*[<>]|[<>]=?\s*[\w.\[\]\"'()]*(completion_due|first_action_due)")


def complaint(status: Status, due: datetime | None) -> Complaint:
    return Complaint(ticket="JKT-1", channel="sms", external_id="1", received_at=NOW - timedelta(days=20),
                     text="Sampah", category="sampah", lon=None, lat=None, jurisdiction=None, skpd="DLH",
                     status=status, completion_due=due, id=1)


def test_open_means_every_status_but_selesai():
    assert [s for s in Status if not is_open(s)] == [Status.SELESAI]
    assert is_open("Proses") and not is_open("Selesai")


def test_a_deadline_passes_strictly_after_its_moment():
    assert not passed(NOW, NOW) and passed(NOW, NOW + timedelta(microseconds=1))
    assert not passed(None, NOW + timedelta(days=999))


def test_overdue_is_open_and_past_the_completion_deadline_whatever_the_age():
    """Working-day deadlines: 20 days after receipt with the deadline still ahead is on time."""
    assert not overdue(complaint(Status.PROSES, NOW + timedelta(hours=1)), NOW)
    assert not overdue(complaint(Status.PROSES, NOW), NOW)
    assert overdue(complaint(Status.PROSES, NOW - timedelta(seconds=1)), NOW)
    assert not overdue(complaint(Status.SELESAI, NOW - timedelta(days=3)), NOW)
    assert not overdue(complaint(Status.MENUNGGU, None), NOW)
    assert is_overdue(status="TL Ditolak", completion_due=NOW - timedelta(days=1), now=NOW)


def test_the_array_form_gives_the_same_answers_as_the_rule():
    offsets = [None, -86400.0, -1.0, 0.0, 1.0, 86400.0]
    due = np.array([np.nan if o is None else NOW.timestamp() + o for o in offsets])
    assert passed_at(due, NOW.timestamp()).tolist() == [
        passed(None if o is None else NOW + timedelta(seconds=o), NOW) for o in offsets]
    at = np.array([np.nan, *[NOW.timestamp()] * 5])  # a row without a moment never passes either
    assert passed_at(due, at).tolist() == [False, True, True, False, False, False]


def test_the_public_payload_carries_the_flag_of_its_moment():
    late = complaint(Status.PROSES, NOW)
    assert public_complaint(late, NOW)["overdue"] is False
    assert public_complaint(late, NOW + timedelta(seconds=1))["overdue"] is True
    assert public_tracking(complaint(Status.PROSES, NOW - timedelta(days=1)))["overdue"] is True


def sources() -> list[tuple[str, str]]:
    found = []
    for package in ("crm", "store", "dashboard", "live", "opendata", "followup", "ingest", "services", "web"):
        found += [(str(p.relative_to(ROOT)), p.read_text()) for p in (ROOT / package).rglob("*.py")]
    found += [(str(p.relative_to(ROOT)), p.read_text()) for p in (ROOT / "assets").glob("*.js")]
    return found


def test_no_other_module_compares_a_deadline_with_a_moment():
    copies = [(path, m.group(0)) for path, text in sources() if path not in HOMES
              for m in COMPARED.finditer(text)]
    assert copies == []
    assert COMPARED.search("ComplaintRow.completion_due < now") and COMPARED.search("now >= row['completion_due']")


def test_the_browser_and_the_pages_have_no_overdue_rule_of_their_own():
    assert [path for path, text in sources() if re.search(r"OVERDUE_AFTER|overdue_after", text)] == []
    assert [path for path, text in sources() if path.startswith("assets/") and "completion_due" in text] == []
