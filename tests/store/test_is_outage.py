"""store.outage.is_outage on errors real drivers raise: a store that cannot be reached is an outage;
a broken query, a constraint or a missing table is not. And ping on a reachable store."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError, OperationalError

from store.db import make_engine, make_sessionmaker, upgrade
from store.outage import is_outage, ping
from tests.processes import free_port


def failure(engine: Engine, sql: str = "SELECT 1") -> Exception:
    with pytest.raises(Exception) as caught:
        with engine.begin() as connection:
            connection.execute(text(sql))
    engine.dispose()
    return caught.value


def test_a_postgresql_server_nobody_listens_for_is_an_outage() -> None:
    error = failure(make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/pantau"))
    assert isinstance(error, OperationalError) and is_outage(error)


def test_an_sqlite_file_that_cannot_be_opened_is_an_outage(tmp_path: Path) -> None:
    (tmp_path / "pantau.db").mkdir()  # a folder where the database file should be
    assert is_outage(failure(make_engine(f"sqlite:///{tmp_path}/pantau.db")))


def test_an_error_raised_from_an_outage_is_one() -> None:
    unreachable = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/pantau"
    wrapped = RuntimeError("a caller's own error, raised from the driver's")
    wrapped.__cause__ = failure(make_engine(unreachable))
    assert is_outage(wrapped)
    try:
        try:
            raise failure(make_engine(unreachable))
        except OperationalError:
            raise LookupError("raised while handling the outage") from None
    except LookupError as during:
        assert is_outage(during)


def test_errors_of_a_reachable_store_are_not_outages(engine: Engine) -> None:
    upgrade(engine)
    assert not is_outage(failure(engine, "SELECT * FROM no_such_table"))
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO api_keys (name, key_hash) VALUES ('a', 'h')"))
    duplicate = failure(engine, "INSERT INTO api_keys (name, key_hash) VALUES ('a', 'h')")
    assert isinstance(duplicate, IntegrityError) and not is_outage(duplicate)
    assert not is_outage(ValueError("not a database error at all"))


def test_ping_answers_on_a_reachable_store(engine: Engine) -> None:
    ping(make_sessionmaker(engine), timeout_ms=500)  # raises if it cannot
