"""Alembic environment.

store.db.upgrade() hands over its connection in config.attributes["connection"]; from the command
line, `alembic -c store/alembic.ini -x url=sqlite:///data/pantau.db upgrade head` works too.
"""
from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from store.db import make_engine
from store.models import Base
from store.postgis import include_object


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite can't ALTER most things
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url")
    if not url:
        raise SystemExit("pass the database URL: alembic -c store/alembic.ini -x url=... <command>")
    engine = make_engine(url)
    with engine.begin() as own_connection:
        run_migrations(own_connection)
    engine.dispose()
