"""Indexes for one page of a project's task table, newest or last updated first

Revision ID: 0005
Revises: 0004
"""
from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # (project, order key, id): a page of one project is read off the index in order, with
    # no sort of the project's other tasks and no read of their rows.
    op.create_index("ix_tasks_project_last_update", "tasks", ["project_id", "last_update", "id"])
    op.create_index("ix_tasks_project_created", "tasks", ["project_id", "created", "id"])


def downgrade() -> None:
    op.drop_index("ix_tasks_project_created", table_name="tasks")
    op.drop_index("ix_tasks_project_last_update", table_name="tasks")
