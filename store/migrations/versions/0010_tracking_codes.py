"""Reopening needs proof of being the reporter: each complaint keeps the sha256 of the tracking code
its reporter was given on receipt. Complaints from before have none and cannot be reopened by code.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("complaints", sa.Column("tracking_hash", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("complaints") as batch:  # SQLite: Alembic drops a column by copying the table
        batch.drop_column("tracking_hash")
