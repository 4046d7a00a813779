"""The boundaries as tables GIS users join: `kelurahan`, `kecamatan` and `kota`, keyed on their
Kemendagri codes, each with its name and its parents' codes; on PostGIS each row carries its outline
`geom` (MultiPolygon, EPSG:4326, GIST-indexed). SQLite has no geometry type, so there they hold
codes, names and parents only.

The rows come from the boundary file (PANTAU_BOUNDARIES), which migrations never read: `pantau db
upgrade` fills the empty tables after migrating, `pantau boundaries load` replaces them (store/boundary_tables.py).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

PARENTS_FIRST = ("kota", "kecamatan", "kelurahan")


def upgrade() -> None:
    op.create_table(
        "kota",
        sa.Column("kode_kota", sa.String(), nullable=False),
        sa.Column("kota", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("kode_kota", name="pk_kota"),
    )
    op.create_table(
        "kecamatan",
        sa.Column("kode_kecamatan", sa.String(), nullable=False),
        sa.Column("kecamatan", sa.String(), nullable=False),
        sa.Column("kode_kota", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("kode_kecamatan", name="pk_kecamatan"),
        sa.ForeignKeyConstraint(["kode_kota"], ["kota.kode_kota"], name="fk_kecamatan_kode_kota_kota"),
    )
    op.create_table(
        "kelurahan",
        sa.Column("kode_kelurahan", sa.String(), nullable=False),
        sa.Column("kelurahan", sa.String(), nullable=False),
        sa.Column("kode_kecamatan", sa.String(), nullable=False),
        sa.Column("kode_kota", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("kode_kelurahan", name="pk_kelurahan"),
        sa.ForeignKeyConstraint(["kode_kecamatan"], ["kecamatan.kode_kecamatan"],
                                name="fk_kelurahan_kode_kecamatan_kecamatan"),
        sa.ForeignKeyConstraint(["kode_kota"], ["kota.kode_kota"], name="fk_kelurahan_kode_kota_kota"),
    )
    if op.get_bind().dialect.name == "postgresql":
        for table in PARENTS_FIRST:
            op.add_column(table, sa.Column("geom", Geometry("MULTIPOLYGON", 4326, spatial_index=False), nullable=False))
            op.create_index(f"ix_{table}_geom", table, ["geom"], postgresql_using="gist")


def downgrade() -> None:
    for table in reversed(PARENTS_FIRST):
        op.drop_table(table)
