"""Initial schema: complaints, their history, API keys; on PostGIS a generated point geometry.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)
NOW = sa.func.current_timestamp()


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("ticket", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("external_id", sa.String(), nullable=False),
        sa.Column("received_at", UTC_TIME, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("category", sa.String(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("kode_kelurahan", sa.String(), nullable=True),
        sa.Column("kelurahan", sa.String(), nullable=True),
        sa.Column("kode_kecamatan", sa.String(), nullable=True),
        sa.Column("kecamatan", sa.String(), nullable=True),
        sa.Column("kode_kota", sa.String(), nullable=True),
        sa.Column("kota", sa.String(), nullable=True),
        sa.Column("location_flag", sa.String(), nullable=True),
        sa.Column("skpd", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("reporter_contact", sa.String(), nullable=True),
        sa.Column("created_at", UTC_TIME, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_complaints"),
        sa.UniqueConstraint("ticket", name="uq_complaints_ticket"),
        sa.UniqueConstraint("channel", "external_id", name="uq_complaints_channel_external_id"),
    )
    for column in ("kode_kelurahan", "skpd", "status", "received_at"):
        op.create_index(f"ix_complaints_{column}", "complaints", [column])

    op.create_table(
        "complaint_events",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("complaint_id", BIG_ID, nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_complaint_events"),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaints.id"], name="fk_complaint_events_complaint_id_complaints"
        ),
    )
    op.create_index("ix_complaint_events_complaint_id", "complaint_events", ["complaint_id"])

    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UTC_TIME, server_default=NOW, nullable=False),
        sa.Column("revoked_at", UTC_TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("name", name="uq_api_keys_name"),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
    )

    if op.get_bind().dialect.name == "postgresql":
        # Filled by PostGIS from lon/lat on every write (NULL without a point); QGIS reads it
        # from geometry_columns. SQLite has no geometry type, so it never gets this column.
        op.add_column(
            "complaints",
            sa.Column(
                "geom",
                Geometry("POINT", 4326, spatial_index=False),
                sa.Computed("ST_SetSRID(ST_MakePoint(lon, lat), 4326)", persisted=True),
            ),
        )
        op.create_index(
            "ix_complaints_geom", "complaints", ["geom"], postgresql_using="gist"
        )


def downgrade() -> None:
    op.drop_table("api_keys")
    op.drop_table("complaint_events")
    op.drop_table("complaints")
