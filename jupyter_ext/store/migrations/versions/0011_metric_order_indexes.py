"""Indexes for a task table sorted by a metric column's last, minimum or maximum value

Revision ID: 0011
Revises: 0010
"""
from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_INDEXES = {"ix_metrics_series_last": "last_value", "ix_metrics_series_min": "min_value",
            "ix_metrics_series_max": "max_value"}


def upgrade() -> None:
    # (title, series, value, task): one page of 100,000 tasks in metric order is read off the
    # index in order, with the task id at hand, instead of one lookup and a sort of every task.
    for name, column in _INDEXES.items():
        op.create_index(name, "metrics", ["title", "series", column, "task_id"])


def downgrade() -> None:
    for name in _INDEXES:
        op.drop_index(name, table_name="metrics")
