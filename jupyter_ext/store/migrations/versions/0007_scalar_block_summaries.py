"""Per-chunk block summaries of scalar points (min and max of every 64 points)

Revision ID: 0007
Revises: 0006
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A chart of a million points reads these (1/32 of the points' bytes) instead of the points.
    # Chunks written before stay without one and are read whole, as before.
    with op.batch_alter_table("scalar_chunks") as batch:
        batch.add_column(sa.Column("summary", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("scalar_chunks") as batch:
        batch.drop_column("summary")
