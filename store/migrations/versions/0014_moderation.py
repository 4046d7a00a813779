"""Moderation (crm/moderation.py): `complaints.public_hidden` (an operator hid it from the public)
and `complaints.public_edit` (an operator's wording for the public; `text` stays the citizen's, and
`public_text` is then that wording, masked). The `public_complaints` view leaves hidden complaints
out; who moderated, when and why is in the audit log (`complaint.moderate`).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

VIEW = "public_complaints"
PUBLIC_COLUMNS = ("id", "ticket", "channel", "received_at", "public_text AS text", "category", "lon", "lat",
                  "kode_kelurahan", "kelurahan", "kode_kecamatan", "kecamatan", "kode_kota", "kota",
                  "location_flag", "location_precision", "skpd", "status", "duplicate_of", "first_action_due",
                  "completion_due", "closed_at", "reopened")  # as 0011 made it


def upgrade() -> None:
    op.add_column("complaints", sa.Column("public_hidden", sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column("complaints", sa.Column("public_edit", sa.Text, nullable=True))
    op.execute(f"DROP VIEW {VIEW}")
    _create_view("WHERE NOT public_hidden")


def downgrade() -> None:
    op.execute(f"DROP VIEW {VIEW}")
    # Plain ALTER TABLE DROP COLUMN (SQLite 3.35+): a batch copy of `complaints` would be refused by
    # the foreign keys of its history rows once there are any.
    op.drop_column("complaints", "public_edit")
    op.drop_column("complaints", "public_hidden")
    _create_view("")


def _create_view(where: str) -> None:
    columns = PUBLIC_COLUMNS + (("geom",) if op.get_bind().dialect.name == "postgresql" else ())
    op.execute(f"CREATE VIEW {VIEW} AS SELECT {', '.join(columns)} FROM complaints {where}".rstrip())
