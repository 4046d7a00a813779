"""Follow-up: people and their roles, tokens, the audit log, evidence photos, and SLA fields.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)
NOW = sa.func.current_timestamp()


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("skpd", sa.String(), nullable=True),
        sa.Column("area", sa.String(), nullable=True),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=True),
        sa.Column("created_at", UTC_TIME, server_default=NOW, nullable=False),
        sa.Column("disabled_at", UTC_TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("name", name="uq_users_name"),
        sa.UniqueConstraint("token_hash", name="uq_users_token_hash"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("target", sa.String(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "evidence",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("complaint_id", BIG_ID, nullable=False),
        sa.Column("event_id", BIG_ID, nullable=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("media_type", sa.String(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(), nullable=False),
        sa.Column("uploaded_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_evidence"),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaints.id"], name="fk_evidence_complaint_id_complaints"),
    )
    op.create_index("ix_evidence_complaint_id", "evidence", ["complaint_id"])
    op.create_index("ix_evidence_sha256", "evidence", ["sha256"])
    for column in (
        sa.Column("first_action_due", UTC_TIME, nullable=True),
        sa.Column("completion_due", UTC_TIME, nullable=True),
        sa.Column("first_action_at", UTC_TIME, nullable=True),
        sa.Column("closed_at", UTC_TIME, nullable=True),
        sa.Column("reopened", sa.Integer(), server_default="0", nullable=False),
    ):
        op.add_column("complaints", column)
    op.create_index("ix_complaints_completion_due", "complaints", ["completion_due"])


def downgrade() -> None:
    op.drop_index("ix_complaints_completion_due", table_name="complaints")
    for column in ("reopened", "closed_at", "first_action_at", "completion_due", "first_action_due"):
        op.drop_column("complaints", column)
    op.drop_table("evidence")
    op.drop_table("audit_log")
    op.drop_table("users")
