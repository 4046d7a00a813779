"""The citizen's verdict (crm/verdict.py): each stint's rating for the ranking's `kepuasan_warga`,
the replies taken from reporters (once per channel message), and the index an SMS reply finds its
notice thread by.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("ranking_stints") as table:
        table.add_column(sa.Column("ratings", sa.Integer(), server_default="0", nullable=False))
        table.add_column(sa.Column("rating_points", sa.Float(), server_default="0", nullable=False))
    op.create_table(
        "citizen_replies",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("complaint_id", BIG_ID, nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("external_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("received_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_citizen_replies"),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaints.id"], name="fk_citizen_replies_complaint_id_complaints"),
        sa.UniqueConstraint("channel", "external_id", name="uq_citizen_replies_channel_external_id"),
    )
    op.create_index("ix_citizen_replies_complaint_id", "citizen_replies", ["complaint_id"])
    op.create_index("ix_notices_recipient", "notices", ["channel", "recipient"])


def downgrade() -> None:
    op.drop_index("ix_notices_recipient", table_name="notices")
    op.drop_table("citizen_replies")
    with op.batch_alter_table("ranking_stints") as table:
        table.drop_column("rating_points")
        table.drop_column("ratings")
