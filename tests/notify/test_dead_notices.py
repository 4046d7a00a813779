"""Outbound dead letters handled by an operator (followup/notice_steps.py), on SQLite and PostGIS: a
notice the SMS gateway refused is sent again and the dispatcher delivers it; a dismissal is final;
both are audited with the operator; a step that fails writes nothing, and only intake's repairers
may take either."""
from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from crm.notices import NoticeRule
from crm.roles import Person, Role
from followup import notice_steps
from followup.notice_steps import NoSuchNotice, NotAllowed, Settled
from live.publish import Publisher, make_socketio
from notify.dispatch import Dispatcher
from notify.sms_gateway import SmsGatewaySender
from services.unit_of_work import unit_of_work
from store import complaints, notices
from store.models import AuditRow
from tests.notify.servers import http_gateway
from tests.store.conftest import make_complaint, sessions  # noqa: F401  (a migrated store, a complaint factory)

OPERATOR = Person("operator_rina", Role.OPERATOR)
TOKEN = "rahasia-gateway"


@pytest.fixture
def publisher(sessions):  # noqa: F811
    return Publisher(make_socketio(Flask(__name__), channel="test-dead-notices"), sessions)


@pytest.fixture
def dead_notice(sessions, make_complaint, publisher):  # noqa: F811
    """An SMS complaint whose receipt the gateway refused for good (422): one dead notice; its id."""
    rule = NoticeRule.default("https://pantau.jakarta.go.id")
    with unit_of_work(sessions, publisher) as work:
        [(stored, _)] = complaints.add_many(work.session, complaints=[make_complaint(
            channel="sms", reporter_contact="6281234567890")])
        work.notices.extend(rule.notices(None, stored))
    with http_gateway(422) as (url, _):
        assert Dispatcher(sessions, {"sms": SmsGatewaySender(url, TOKEN)}).round() == 0
    with sessions() as session:
        [dead] = notices.dead(session)
    assert (dead.state, dead.attempts) == ("dead", 1)
    return dead.id


def audit_rows(sessions, action):  # noqa: F811
    with sessions() as session:
        rows = session.scalars(select(AuditRow).where(AuditRow.action == action))
        return [(r.actor, r.target, r.detail) for r in rows]


def stored(sessions, notice_id):  # noqa: F811
    with sessions() as session:
        return notices.get(session, notice_id=notice_id)


def test_a_retried_notice_is_pending_due_now_and_the_dispatcher_sends_it(sessions, publisher, dead_notice):  # noqa: F811
    after = notice_steps.retry(sessions, publisher, OPERATOR, dead_notice)
    assert (after.state, after.attempts) == ("pending", 0)  # the whole backoff ladder again
    with sessions() as session:
        assert notices.dead(session) == []
    with http_gateway(202) as (url, gateway):
        assert Dispatcher(sessions, {"sms": SmsGatewaySender(url, TOKEN)}).round() == 1
    [request] = gateway.requests
    sent = stored(sessions, dead_notice)
    assert request.headers["Idempotency-Key"] == sent.key and request.body["to"] == "6281234567890"
    assert (sent.state, sent.attempts, sent.last_error) == ("sent", 1, None)
    [(actor, target, detail)] = audit_rows(sessions, notice_steps.RETRY)
    assert (actor, target) == (OPERATOR.name, str(dead_notice))
    assert detail["attempts"] == 1 and "422" in detail["last_error"] and detail["channel"] == "sms"


def test_a_dismissed_notice_is_final(sessions, publisher, dead_notice):  # noqa: F811
    assert notice_steps.dismiss(sessions, publisher, OPERATOR, dead_notice).state == "dismissed"
    with http_gateway(202) as (url, gateway):
        assert Dispatcher(sessions, {"sms": SmsGatewaySender(url, TOKEN)}).round() == 0
    assert gateway.requests == []
    with pytest.raises(Settled):
        notice_steps.retry(sessions, publisher, OPERATOR, dead_notice)
    assert stored(sessions, dead_notice).state == "dismissed"
    assert [(a, t) for a, t, _ in audit_rows(sessions, notice_steps.DISMISSAL)] == [(OPERATOR.name, str(dead_notice))]


def test_a_failing_step_writes_nothing(sessions, publisher, dead_notice):  # noqa: F811
    notice_steps.retry(sessions, publisher, OPERATOR, dead_notice)
    # The audit row is written before the change, which finds the notice no longer dead: both go.
    with pytest.raises(Settled):
        notice_steps.dismiss(sessions, publisher, Person("operator_budi", Role.OPERATOR), dead_notice)
    with pytest.raises(NoSuchNotice):
        notice_steps.retry(sessions, publisher, OPERATOR, dead_notice + 1000)
    assert audit_rows(sessions, notice_steps.DISMISSAL) == []
    assert [a for a, _, _ in audit_rows(sessions, notice_steps.RETRY)] == [OPERATOR.name]
    assert stored(sessions, dead_notice).state == "pending"


@pytest.mark.parametrize("person", [Person("staf", Role.SKPD_STAFF, skpd="BINAMARGA-JP"),
                                    Person("validator", Role.VALIDATOR)])
def test_only_intake_repairers_may_retry_or_dismiss(sessions, publisher, dead_notice, person):  # noqa: F811
    for step in (notice_steps.retry, notice_steps.dismiss):
        with pytest.raises(NotAllowed):
            step(sessions, publisher, person, dead_notice)
    assert stored(sessions, dead_notice).state == "dead"
    assert audit_rows(sessions, notice_steps.RETRY) == audit_rows(sessions, notice_steps.DISMISSAL) == []
