"""Is the store unreachable, and can it answer now? The one place that knows which SQLAlchemy and
driver errors mean "the database is down" (rather than a bug), so the web layer answers 503 with
Retry-After instead of a 500, and readiness can ask without importing SQLAlchemy itself.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import exc, text

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

MESSAGE = ("Basis data sedang tidak dapat dijangkau; coba lagi dalam beberapa detik. / "
           "The database is unreachable; retry in a few seconds.")
# PostgreSQL SQLSTATEs of a server that cannot serve: class 08 is "connection exception"; 57P01-03
# are shutting down (admin, crash) and "cannot connect now" (starting up); 53300 too many connections.
UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300"})
MAX_CHAIN = 10  # how far along __cause__/__context__ an outage is looked for


def is_outage(error: BaseException) -> bool:
    """True when `error` (or what caused it) says the store cannot be reached.

    A dropped connection SQLAlchemy noticed (connection_invalidated), a connection that could not be
    made (psycopg's client-side errors carry no SQLSTATE), a server shutting down or starting up, an
    exhausted pool, or an SQLite file that cannot be opened. Not: a lock timeout, a cancelled
    statement, a constraint: those are answered as what they are.
    """
    seen = 0
    while error is not None and seen < MAX_CHAIN:
        if _unreachable(error):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def ping(sessions: sessionmaker[Session], *, timeout_ms: int = 2000) -> None:
    """`SELECT 1` on the store; raises what the driver raises when it cannot. On PostgreSQL the
    statement is bounded by `timeout_ms` (the caller bounds the connect time)."""
    with sessions() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text(f"SET LOCAL statement_timeout = {int(timeout_ms)}"))
        session.execute(text("SELECT 1"))


def _unreachable(error: BaseException) -> bool:
    if isinstance(error, exc.DisconnectionError | exc.TimeoutError):  # TimeoutError: the pool is exhausted
        return True
    if not isinstance(error, exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, exc.OperationalError):
        return False
    orig = error.orig
    if hasattr(orig, "sqlstate"):  # psycopg
        sqlstate = orig.sqlstate
        return sqlstate is None or sqlstate.startswith("08") or sqlstate in UNAVAILABLE_SQLSTATES
    return getattr(orig, "sqlite_errorname", None) == "SQLITE_CANTOPEN"
