"""Drill-down: complaints of one kota or kecamatan within a time window, by index.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""
from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_complaints_kode_kota_received_at", "complaints", ["kode_kota", "received_at"])
    op.create_index("ix_complaints_kode_kecamatan_received_at", "complaints", ["kode_kecamatan", "received_at"])


def downgrade() -> None:
    op.drop_index("ix_complaints_kode_kecamatan_received_at", table_name="complaints")
    op.drop_index("ix_complaints_kode_kota_received_at", table_name="complaints")
