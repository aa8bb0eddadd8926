"""initial schema: projects, tasks, parameters, configurations, metrics, plots, blobs, console

Revision ID: 0001
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("parent_id", sa.Text, sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=True),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("default_output_uri", sa.Text, nullable=True),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("last_update", sa.Float, nullable=False),
    )
    op.create_table(
        "tasks",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("project_id", sa.Text, sa.ForeignKey("projects.id"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("status_message", sa.Text, nullable=False),
        sa.Column("status_reason", sa.Text, nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("parent_id", sa.Text, nullable=True),
        sa.Column("user", sa.Text, nullable=False),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("started", sa.Float, nullable=True),
        sa.Column("completed", sa.Float, nullable=True),
        sa.Column("last_update", sa.Float, nullable=False),
        sa.Column("last_iteration", sa.BigInteger, nullable=False),
        sa.Column("archived", sa.Boolean, nullable=False),
        sa.Column("system_tags", sa.Text, nullable=False),
        sa.Column("script", sa.Text, nullable=False),
        sa.Column("runtime", sa.Text, nullable=False),
        sa.Column("output_uri", sa.Text, nullable=True),
    )
    op.create_index("ix_tasks_project", "tasks", ["project_id"])
    op.create_index("ix_tasks_created", "tasks", ["created"])
    op.create_table(
        "task_tags",
        sa.Column("task_id", sa.Text, sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("tag", sa.Text, primary_key=True),
    )
    op.create_index("ix_task_tags_tag", "task_tags", ["tag"])
    op.create_table(
        "params",
        sa.Column("task_id", sa.Text, sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("section", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_table(
        "configurations",
        sa.Column("task_id", sa.Text, sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
    )
    op.create_table(
        "metrics",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("task_id", sa.Text, sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("series", sa.Text, nullable=False),
        sa.Column("count", sa.BigInteger, nullable=False),
        sa.Column("first_value", sa.Float, nullable=True),
        sa.Column("last_value", sa.Float, nullable=True),
        sa.Column("last_iter", sa.BigInteger, nullable=True),
        sa.Column("min_value", sa.Float, nullable=True),
        sa.Column("min_iter", sa.BigInteger, nullable=True),
        sa.Column("max_value", sa.Float, nullable=True),
        sa.Column("max_iter", sa.BigInteger, nullable=True),
        sa.Column("last_time", sa.Float, nullable=True),
        sa.UniqueConstraint("task_id", "title", "series", name="uq_metrics_task_title_series"),
    )
    op.create_table(
        "scalar_chunks",
        sa.Column("metric_id", sa.Integer, sa.ForeignKey("metrics.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("iter_min", sa.BigInteger, nullable=False),
        sa.Column("iter_max", sa.BigInteger, nullable=False),
        sa.Column("iters", sa.LargeBinary, nullable=False),
        sa.Column("values", sa.LargeBinary, nullable=False),
        sa.Column("times", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "single_values",
        sa.Column("task_id", sa.Text, sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("time", sa.Float, nullable=False),
    )
    op.create_table(
        "plots",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("task_id", sa.Text, sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("series", sa.Text, nullable=False),
        sa.Column("iteration", sa.BigInteger, nullable=False),
        sa.Column("figure", sa.Text, nullable=False),
        sa.Column("time", sa.Float, nullable=False),
    )
    op.create_index("ix_plots_task", "plots", ["task_id", "title", "series"])
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.Text, primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("created", sa.Float, nullable=False),
    )
    op.create_table(
        "debug_samples",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("task_id", sa.Text, sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("series", sa.Text, nullable=False),
        sa.Column("iteration", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("blob_sha256", sa.Text, sa.ForeignKey("blobs.sha256"), nullable=True),
        sa.Column("url", sa.Text, nullable=True),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("content_type", sa.Text, nullable=False),
        sa.Column("time", sa.Float, nullable=False),
    )
    op.create_index("ix_debug_samples_task", "debug_samples", ["task_id", "title", "series"])
    op.create_table(
        "console",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("task_id", sa.Text, sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("time", sa.Float, nullable=False),
    )
    op.create_index("ix_console_task", "console", ["task_id", "id"])


def downgrade() -> None:
    for table in ("console", "debug_samples", "blobs", "plots", "single_values", "scalar_chunks",
                  "metrics", "configurations", "params", "task_tags", "tasks", "projects"):
        op.drop_table(table)
