"""Public history without names: each history entry keeps, beside the person who wrote it, the unit
or role the public sees ("Petugas BINAMARGA-JP"). Entries from before have none and show as "Petugas".

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("complaint_events", sa.Column("unit", sa.String, nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("complaint_events") as batch:  # SQLite: Alembic drops a column by copying the table
        batch.drop_column("unit")
