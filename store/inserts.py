"""Inserts of many rows in one constant statement, whatever their number.

On PostgreSQL the group-commit writer's inserts were its largest cost (benchmarks/group_store.py):
a multi-row INSERT ... RETURNING is a new statement text for every number of rows, which psycopg
parses afresh once it is longer than 4 KB (a 36-column complaint row is nearly that) and
PostgreSQL plans afresh; the pipelined executemany that replaced it still spent more in Python per
row than the rows cost to store. So on PostgreSQL rows go in by COPY, their values passed through
each column's SQLAlchemy type as an INSERT would (UTC datetimes, JSON), and ids that the caller
needs are taken from the table's sequence first, in one statement. SQLite (the embedded store,
one writer) uses SQLAlchemy's own multi-row insert and INSERT ... RETURNING, which it answers cheaply.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, insert, text
from sqlalchemy.exc import IntegrityError

if TYPE_CHECKING:
    from sqlalchemy import Dialect
    from sqlalchemy.orm import Session

NEXT_IDS = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)")


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (each with the same columns) into `table` inside the caller's transaction."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        _copy(session, table, rows)
    else:
        session.execute(insert(table), list(rows))


def insert_with_ids(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert `rows` into `table` inside the caller's transaction; their new ids, in order."""
    if not rows:
        return []
    if session.get_bind().dialect.name != "postgresql":
        return list(session.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True), list(rows)))
    ids = list(session.scalars(NEXT_IDS, {"table": table.name, "count": len(rows)}))  # ascending, in order
    _copy(session, table, [{**row, "id": row_id} for row, row_id in zip(rows, ids)])
    return ids


def _copy(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    names = tuple(rows[0])
    connection = session.connection()
    processors = _bind_processors(table, names, connection.dialect)
    quoted = ", ".join(connection.dialect.identifier_preparer.quote(name) for name in names)
    statement = f"COPY {table.name} ({quoted}) FROM STDIN"
    driver = connection.connection.driver_connection
    assert driver is not None  # a live connection of this session's transaction
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([value if process is None else process(value)
                                for value, process in zip((row[name] for name in names), processors)])
    except connection.dialect.loaded_dbapi.IntegrityError as error:  # as SQLAlchemy raises it for an INSERT,
        raise IntegrityError(statement, None, error) from error  # so callers' retries (a ticket taken) still work


@cache
def _bind_processors(table: Table, names: tuple[str, ...], dialect: Dialect) -> list[Callable[[Any], Any] | None]:
    """Each column's bind processor, as SQLAlchemy applies it to an INSERT's parameters."""
    return [table.c[name].type._cached_bind_processor(dialect) for name in names]  # noqa: SLF001
