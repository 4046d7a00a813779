"""Live event log: every published event with its id, so a reconnecting screen can catch up.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)
NOW = sa.func.current_timestamp()


def upgrade() -> None:
    op.create_table(
        "live_events",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kode_kota", sa.String(), nullable=True),
        sa.Column("skpd", sa.String(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC_TIME, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_live_events"),
        sqlite_autoincrement=True,  # an event id is never handed out twice
    )


def downgrade() -> None:
    op.drop_table("live_events")
