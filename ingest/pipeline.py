"""Build the intake pipeline from its parts, the same way in the web process and in a worker.

Saving goes through a group commit (ingest/group_commit.py): the reports of requests that arrive
together are stored and announced in one transaction.

A worker that only ingests calls `make_intake` with a write-only emitter's publisher and never
imports Dash (tests/live/test_redis.py checks that).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from crm.classifier import Classifier
from crm.complaint import Complaint
from crm.events import complaint_routed
from crm.intake import Intake
from crm.routing import RoutingRules
from crm.sla import SlaClock
from geo.gazetteer import Gazetteer
from geo.locate import Locator
from ingest.group_commit import GroupCommit
from live.publish import Publisher
from services.unit_of_work import unit_of_work
from store import complaints
from web.metrics import count_ingested

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker


def make_intake(locator: Locator, sessions: sessionmaker[Session], publisher: Publisher, *,
                threshold: float, sla: SlaClock | None = None) -> Intake:
    """The intake with the default routing rules, classifier and a gazetteer of the locator's boundaries."""

    def save_and_announce(batch: Sequence[Complaint]) -> list[tuple[Complaint, bool]]:
        with unit_of_work(sessions, publisher) as work:
            stored = complaints.add_many(work.session, complaints=batch)
            work.announce(*(complaint_routed(complaint) for complaint, created in stored if created))
            for complaint, created in stored:
                if created:
                    work.tell(None, complaint)
        return count_ingested(stored)

    return Intake(
        locate=locator.locate,
        rules=RoutingRules.default(),
        save=GroupCommit(save_and_announce),
        classify=Classifier.default().classify,
        find_place=Gazetteer.from_boundaries(locator.boundaries).search,
        sla=sla or SlaClock.default(),
        threshold=threshold,
    )
