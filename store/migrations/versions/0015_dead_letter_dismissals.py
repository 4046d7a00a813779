"""A dismissed dead letter says so in its own row: `dismissed_at` and `dismissed_by` (who set it
aside, as the audit log names them), so reading a list of letters needs no look-up in the audit log
and the refusal's `status` stays the HTTP status it was.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("dead_letters", sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("dead_letters", sa.Column("dismissed_by", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dead_letters") as batch:  # SQLite: Alembic drops a column by copying the table
        batch.drop_column("dismissed_by")
        batch.drop_column("dismissed_at")
