"""A model's own plots (tables, line plots, histograms, … reported on an OutputModel)

Revision ID: 0009
Revises: 0008
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One row per figure; the key makes a second report of the same plot replace the first.
    op.create_table(
        "model_plots",
        sa.Column("model_id", sa.Text, sa.ForeignKey("models.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("title", sa.Text, primary_key=True),
        sa.Column("series", sa.Text, primary_key=True),
        sa.Column("iteration", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("figure", sa.Text, nullable=False),
        sa.Column("reported", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("model_plots")
