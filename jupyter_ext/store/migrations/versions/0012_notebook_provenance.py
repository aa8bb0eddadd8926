"""A notebook run's cell executions (execution history and results' origins) and its snapshot versions

Revision ID: 0012
Revises: 0011
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cell_runs",
        sa.Column("task_id", sa.Text, sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("cell_id", sa.Text, nullable=False),
        sa.Column("execution_count", sa.Integer, nullable=True),
        sa.Column("source_sha", sa.Text, nullable=False),
        sa.Column("kernel", sa.Text, nullable=False),
        sa.Column("started", sa.Float, nullable=False),
        sa.Column("duration", sa.Float, nullable=True),
        sa.Column("raised", sa.Text, nullable=True),
    )
    op.create_table(
        "notebook_snapshots",
        sa.Column("task_id", sa.Text, sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("taken", sa.Float, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("digest", sa.Text, nullable=False),
        sa.Column("location", sa.Text, nullable=False),
        sa.Column("ipynb_sha256", sa.Text, nullable=False),
        sa.Column("ipynb_size", sa.BigInteger, nullable=False),
        sa.Column("html_sha256", sa.Text, nullable=True),
        sa.Column("html_size", sa.BigInteger, nullable=False),
        sa.Column("cells", sa.Integer, nullable=False),
        sa.Column("executed", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("notebook_snapshots")
    op.drop_table("cell_runs")
