"""A public view for GIS users: `public_complaints` holds what anyone may see of a complaint, the
text masked (crm/public_view.py) and no personal column (reporter, officer, desk, external id,
tracking code). QGIS users open it instead of `complaints`; on PostGIS it carries the point `geom`.

Each complaint keeps its masked text in `public_text`, written with the complaint; the ones stored
before are masked once the schema is complete (store/migrations/env.py).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.orm import Session

from store.db import AT_HEAD

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

VIEW = "public_complaints"
PUBLIC_COLUMNS = ("id", "ticket", "channel", "received_at", "public_text AS text", "category", "lon", "lat",
                  "kode_kelurahan", "kelurahan", "kode_kecamatan", "kecamatan", "kode_kota", "kota",
                  "location_flag", "location_precision", "skpd", "status", "duplicate_of", "first_action_due",
                  "completion_due", "closed_at", "reopened")
BATCH = 5000


def upgrade() -> None:
    op.add_column("complaints", sa.Column("public_text", sa.Text, nullable=False, server_default=""))
    columns = PUBLIC_COLUMNS + (("geom",) if op.get_bind().dialect.name == "postgresql" else ())
    op.execute(f"CREATE VIEW {VIEW} AS SELECT {', '.join(columns)} FROM complaints")
    context.config.attributes.setdefault(AT_HEAD, []).append(_mask_stored_texts)


def _mask_stored_texts(session: Session) -> None:
    from crm.public_view import public_text

    last = 0
    while rows := session.execute(sa.text("SELECT id, text FROM complaints WHERE id > :last ORDER BY id LIMIT :n"),
                                  {"last": last, "n": BATCH}).all():
        session.execute(sa.text("UPDATE complaints SET public_text = :masked WHERE id = :id"),
                        [{"id": row.id, "masked": public_text(row.text)} for row in rows])
        last = rows[-1].id


def downgrade() -> None:
    op.execute(f"DROP VIEW {VIEW}")
    with op.batch_alter_table("complaints") as batch:  # SQLite: Alembic drops a column by copying the table
        batch.drop_column("public_text")
