"""Channels: what intake learns about a report (confidence, triage, precision, duplicates, desks)
and the dead-letter store of deliveries no adapter could read.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)
NOW = sa.func.current_timestamp()


def upgrade() -> None:
    for column in (
        sa.Column("category_confidence", sa.Float(), nullable=True),
        sa.Column("triage", sa.String(), nullable=True),
        sa.Column("location_precision", sa.String(), nullable=True),
        sa.Column("duplicate_of", BIG_ID, nullable=True),
        sa.Column("reporter_name", sa.String(), nullable=True),
        sa.Column("media", sa.JSON(), server_default="[]", nullable=False),
        sa.Column("desk", sa.String(), nullable=True),
        sa.Column("officer", sa.String(), nullable=True),
        sa.Column("outside_desk_hours", sa.Boolean(), server_default=sa.false(), nullable=False),
    ):
        op.add_column("complaints", column)
    op.create_index("ix_complaints_duplicate_of", "complaints", ["duplicate_of"])
    op.create_index("ix_complaints_triage", "complaints", ["triage"])
    op.create_index("ix_complaints_category_received_at", "complaints", ["category", "received_at"])

    op.create_table(
        "dead_letters",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("content_type", sa.String(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("query", sa.JSON(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("body_truncated", sa.Boolean(), nullable=False),
        sa.Column("body_sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="1", nullable=False),
        sa.Column("first_received_at", UTC_TIME, nullable=False),
        sa.Column("last_received_at", UTC_TIME, nullable=False),
        sa.Column("replayed_at", UTC_TIME, nullable=True),
        sa.Column("complaint_ids", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_dead_letters"),
        sa.UniqueConstraint("channel", "body_sha256", name="uq_dead_letters_channel_body_sha256"),
    )


def downgrade() -> None:
    op.drop_table("dead_letters")
    for index in ("ix_complaints_category_received_at", "ix_complaints_triage", "ix_complaints_duplicate_of"):
        op.drop_index(index, table_name="complaints")
    for column in ("outside_desk_hours", "officer", "desk", "media", "duplicate_of", "location_precision",
                   "triage", "category_confidence", "reporter_name"):
        op.drop_column("complaints", column)
