"""The store's complaint writes, each in its own write transaction, as services/unit_of_work.py
opens one around them: for tests of the store and of what reads it."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from crm.complaint import Complaint
from store import complaints as store
from store.db import writing


def add_many(sessions: sessionmaker[Session], *, complaints: Sequence[Complaint]) -> list[tuple[Complaint, bool]]:
    with writing(sessions) as session:
        return store.add_many(session, complaints=complaints)


def change(sessions: sessionmaker[Session], *, complaint_id: int, step: Callable[[Complaint], Complaint],
           **kwargs: Any) -> Complaint | None:
    with writing(sessions) as session:
        return store.change(session, complaint_id=complaint_id, step=step, **kwargs)

