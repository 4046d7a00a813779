"""API keys with scopes (crm/scopes.py): each key lists what it may do, as JSON in `api_keys.scopes`.

Keys made before scopes existed could post for every channel, read exports, and read and replay
every dead letter. Running gateways must not break, so they keep the first two: every channel
that existed then (`channel:<kanal>`) and `exports`. They lose dead letters: those are raw bodies
with senders' personal data, and reading them is now granted on purpose (a new key with
`--scope dead_letters`, or an operator's own sign-in). The README says the same. The list below
is written out, not read from crm/channels.py, so a channel added later is never granted to an
old key by a rerun of this step.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

CHANNELS_THEN = ("qlue", "twitter", "facebook", "lapor", "email", "balai-warga", "website", "sms", "kecamatan",
                 "kelurahan", "pendopo", "inspektorat", "open311")
KEPT = sorted([f"channel:{code}" for code in CHANNELS_THEN] + ["exports"])


def upgrade() -> None:
    op.add_column("api_keys", sa.Column("scopes", sa.JSON(), server_default="[]", nullable=False))
    keys = sa.table("api_keys", sa.column("scopes", sa.JSON()))
    op.execute(keys.update().values(scopes=KEPT))


def downgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:  # SQLite: Alembic drops a column by copying the table
        batch.drop_column("scopes")
