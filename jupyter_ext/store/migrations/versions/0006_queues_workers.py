"""Execution queues, their entries, and workers; tasks remember their queue and worker

Revision ID: 0006
Revises: 0005
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("queue", sa.Text, nullable=True))
        batch.add_column(sa.Column("worker", sa.Text, nullable=True))
    op.create_table(
        "queues",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("tags", sa.Text, nullable=False),
        sa.Column("created", sa.Float, nullable=False),
    )
    op.create_table(
        "queue_entries",
        sa.Column("task_id", sa.Text, sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("queue_id", sa.Text, sa.ForeignKey("queues.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Float, nullable=False),
        sa.Column("added", sa.Float, nullable=False),
    )
    op.create_index("ix_queue_entries_queue_position", "queue_entries", ["queue_id", "position"])
    op.create_table(
        "workers",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("queues", sa.Text, nullable=False),
        sa.Column("task_id", sa.Text, nullable=True),
        sa.Column("info", sa.Text, nullable=False),
        sa.Column("stats", sa.Text, nullable=False),
        sa.Column("registered", sa.Float, nullable=False),
        sa.Column("last_seen", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("workers")
    op.drop_index("ix_queue_entries_queue_position", table_name="queue_entries")
    op.drop_table("queue_entries")
    op.drop_table("queues")
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("worker")
        batch.drop_column("queue")
