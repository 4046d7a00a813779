"""Sessions that end: a person's session cookie names the session version it was issued under, and
signing out or being disabled moves the version on, so every older cookie stops working at once.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("session_version", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:  # SQLite: Alembic drops a column by copying the table
        batch.drop_column("session_version")
