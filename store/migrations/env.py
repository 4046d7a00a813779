"""Alembic environment.

store.db.upgrade() hands over its connection in config.attributes["connection"]; from the command
line, `alembic -c store/alembic.ini -x url=sqlite:///data/pantau.db upgrade head` works too.

A migration that must fill data with today's rules (which read through today's models) leaves a
step in config.attributes[AT_HEAD]; the steps run in the same transaction once the schema is at
head, never halfway, where today's models would ask for columns not yet made.
"""
from __future__ import annotations

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from store.db import AT_HEAD, make_engine
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
        steps = context.config.attributes.pop(AT_HEAD, [])
        if steps and context.get_context().get_current_revision() == context.get_head_revision():
            with Session(bind=connection) as session:
                for step in steps:
                    step(session)
                session.flush()


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
