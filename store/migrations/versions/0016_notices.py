"""Notices to reporters (crm/notices.py): an outbox written in the transaction of the change that calls
for each, sent by the dispatcher (notify/dispatch.py) with retries; a dead one is an outbound dead letter.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("complaint_id", BIG_ID, nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("in_reply_to", sa.Text(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("secret", sa.String(40), nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", UTC_TIME, nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("sent_at", UTC_TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_notices"),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaints.id"], name="fk_notices_complaint_id_complaints"),
        sa.UniqueConstraint("key", name="uq_notices_key"),
    )
    op.create_index("ix_notices_complaint_id", "notices", ["complaint_id"])
    op.create_index("ix_notices_due", "notices", ["state", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("notices")
