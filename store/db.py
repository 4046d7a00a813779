"""Engines, sessions and schema upgrades for SQLite (embedded default) and PostGIS (production)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    URL,
    ColumnElement,
    Connection,
    Engine,
    Float,
    cast,
    create_engine,
    event,
    extract,
    func,
    make_url,
    text,
)
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000
WRITE_INTENT = "pantau_write_intent"
MIGRATION_LOCK = 0x70616E7461750001  # pg advisory lock key: "pantau" + 1, held while migrating
AT_HEAD = "at_head"  # data steps migrations leave for when the schema is complete (migrations/env.py)


def make_engine(url: str) -> Engine:
    """An engine for a sqlite:// or postgresql:// URL, tuned for a live command centre."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed)
    if backend == "postgresql":
        if parsed.drivername == "postgresql":  # SQLAlchemy would pick psycopg2, which we don't ship
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True)
    raise ValueError(f"unsupported database {parsed.drivername!r}: use sqlite:// or postgresql://")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions for the repositories; `with factory.begin() as session:` commits or rolls back."""
    return sessionmaker(engine)


@contextmanager
def writing(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose transaction reads and then writes; commits at the end, rolls back on error.

    On SQLite it begins IMMEDIATE, taking the write lock first: a deferred transaction that read
    and then tries to write fails at once with "database is locked" if another writer got in
    between, instead of waiting its turn. PostgreSQL needs nothing special.
    """
    with sessions() as session:
        session.connection(execution_options={WRITE_INTENT: True})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def upgrade(engine: Engine) -> None:
    """Run the Alembic migrations to head in one transaction; a no-op when already at head.

    On PostgreSQL the transaction first takes an advisory lock, so processes starting together
    (web workers, the worker, a compose `migrate`) upgrade one after another: without it two of
    them raced to create the same types on a fresh database (UniqueViolation on pg_type). On SQLite
    the transaction begins IMMEDIATE (`writing`), which lets one migrating process in at a time.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    with engine.connect().execution_options(**{WRITE_INTENT: True}) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def refresh_statistics(sessions: sessionmaker[Session]) -> None:
    """ANALYZE: after a bulk load the planner's row estimates are stale. With a million imported
    complaints, PostgreSQL counted a 30-day kota drill-down by scanning the whole table (295 ms);
    after ANALYZE, by the received_at index (14 ms)."""
    with sessions() as session:
        session.execute(text("ANALYZE"))
        session.commit()


def epoch_seconds(session: Session) -> Callable[[ColumnElement[Any]], ColumnElement[float]]:
    """A column's time as epoch seconds, computed by the database: turning each value into a
    datetime in Python costs more than the whole aggregate that needs it (rankings, medians)."""
    if session.get_bind().dialect.name == "sqlite":
        return lambda column: (func.julianday(column) - 2440587.5) * 86400.0  # UtcDateTime: naive UTC text
    return lambda column: cast(extract("epoch", column), Float)


def _sqlite_engine(url: URL) -> Engine:
    """A file database needs its folder, and SQLite needs telling to behave like a real database."""
    if url.database and url.database != ":memory:" and not url.query.get("uri"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets the dashboard read while ingest writes; writers wait rather than fail at once.

    The driver's own transaction handling (pre-3.12 sqlite3) ignores SELECT and SAVEPOINT, so it is
    switched off here and `_sqlite_on_begin` emits BEGIN, as the SQLAlchemy SQLite docs advise.
    """
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_on_begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get(WRITE_INTENT, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
