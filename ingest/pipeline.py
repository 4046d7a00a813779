"""Build the intake pipeline from its parts, the same way in the web process and in a worker.

A worker that only ingests calls `make_intake` with a write-only emitter's publisher and never
imports Dash (tests/live/test_redis.py checks that).
"""
from __future__ import annotations

from crm.classifier import Classifier
from geo.gazetteer import Gazetteer
from sqlalchemy.orm import Session, sessionmaker

from crm.intake import Announce, Intake
from crm.routing import RoutingRules
from geo.locate import Locator
from store import complaints


def make_intake(locator: Locator, sessions: sessionmaker[Session], announce: Announce, *,
                threshold: float) -> Intake:
    """The intake with the default routing rules, classifier and a gazetteer of the locator's boundaries."""
    return Intake(
        locate=locator.locate,
        rules=RoutingRules.default(),
        save=lambda batch: complaints.add_many(sessions, complaints=batch),
        announce=announce,
        classify=Classifier.default().classify,
        find_place=Gazetteer.from_boundaries(locator.boundaries).find,
        threshold=threshold,
    )
