"""Migrations that change tables holding data, on both databases. 0007: audit rows and dead letters
stored before it keep their data and get no request id; new ones carry the request being served.
0008: people stored before it keep signing in, at session version 0. Both downgrade cleanly."""
from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect, select, text

from crm import request_ids
from store import dead_letters, users
from store.db import MIGRATIONS, make_sessionmaker, upgrade
from store.models import AuditRow, DeadLetterRow

AT = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)


def migrate(engine: Engine, revision: str, *, down: bool = False) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def columns(engine: Engine, table: str) -> set[str]:
    return {column["name"] for column in inspect(engine).get_columns(table)}


def test_rows_from_before_keep_their_data_and_new_rows_carry_the_request_id(engine: Engine) -> None:
    migrate(engine, "0006")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO audit_log (at, actor, action, target, detail)"
                                " VALUES ('2026-11-28 01:00:00', 'budi', 'login', 'budi', '{}')"))
    upgrade(engine)
    assert "request_id" in columns(engine, "audit_log") and "request_id" in columns(engine, "dead_letters")
    sessions = make_sessionmaker(engine)
    token = request_ids.bind("req-0007")
    try:
        with sessions.begin() as session:
            users.audit(session, actor="budi", action="logout", target="budi", detail={}, at=AT)
            letter = dead_letters.keep(session, channel="sms", content_type="text/plain", headers={}, query={},
                                       body=b"rusak", status=400, error="Kiriman rusak", errors=[], received_at=AT)
    finally:
        request_ids.unbind(token)
    with sessions() as session:
        assert session.execute(select(AuditRow.action, AuditRow.request_id).order_by(AuditRow.id)).all() == [
            ("login", None), ("logout", "req-0007")]
        assert session.scalar(select(DeadLetterRow.request_id).where(DeadLetterRow.id == letter)) == "req-0007"


def test_it_downgrades(engine: Engine) -> None:
    upgrade(engine)
    migrate(engine, "0006", down=True)
    assert "request_id" not in columns(engine, "audit_log") | columns(engine, "dead_letters")
    upgrade(engine)
    assert "request_id" in columns(engine, "audit_log")


def test_people_from_before_session_versions_sign_in_at_version_zero(engine: Engine) -> None:
    migrate(engine, "0007")
    sessions = make_sessionmaker(engine)
    with sessions.begin() as session:
        session.execute(text("INSERT INTO users (name, role, password_hash) VALUES ('budi', 'operator', 'x')"))
    upgrade(engine)
    with sessions() as session:
        assert users.session_version(session, name="budi") == 0
        assert users.by_session(session, name="budi", version=0).name == "budi"
    migrate(engine, "0007", down=True)
    assert "session_version" not in columns(engine, "users")
