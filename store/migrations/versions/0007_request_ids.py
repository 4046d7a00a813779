"""Request ids: the audit log and dead letters name the HTTP request (X-Request-ID) that wrote them,
so a log line, an audit row and a kept delivery can be found from one another.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = ("audit_log", "dead_letters")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("request_id", sa.String(128), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:  # SQLite: Alembic drops a column by copying the table
            batch.drop_column("request_id")
