"""The application's services: one unit of work for every write, and the handles built for pages.

Follow-up steps, tracking, the SLA and surge watches and the intake write through
`services.unit_of_work`, so "change, audit, queue the events, commit, then publish" has one home.
`Services` is what the composition root hands the pages and APIs that act on complaints.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from crm.sla import SlaClock
    from followup.corrections import Corrector
    from followup.verdict import Verdicts
    from ingest.dead_letter_steps import DeadLetterSteps
    from ingest.receive import Receiver
    from live.ranking import RankingBoard
    from live.publish import Publisher
    from web.throttle import Attempts


@dataclass(frozen=True)
class Services:
    """The store, the live publisher, the SLA clock, the channels' receiver, the attempt counters, the
    dead-letter steps, the operators' corrector, the reporters' verdicts and the live ranking of one
    app, built once by app.py: pages read with `sessions` and change complaints through followup/
    with the rest."""

    sessions: sessionmaker[Session]
    publisher: Publisher
    sla: SlaClock
    receiver: Receiver
    attempts: Attempts
    letters: DeadLetterSteps
    corrector: Corrector
    verdicts: Verdicts
    ranking: RankingBoard
