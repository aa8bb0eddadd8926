"""artifacts, the model registry (models, versions, tags, task links) and blob copies

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blob_copies",
        sa.Column("location", sa.Text, primary_key=True),
        sa.Column("sha256", sa.Text, primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("created", sa.Float, nullable=False),
    )
    op.create_table(
        "artifacts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("task_id", sa.Text, sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("mode", sa.Text, nullable=False),
        sa.Column("location", sa.Text, nullable=False),
        sa.Column("blob_sha256", sa.Text, nullable=True),
        sa.Column("url", sa.Text, nullable=True),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("content_type", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("preview", sa.Text, nullable=False),
        sa.Column("metadata", sa.Text, nullable=False),
        sa.Column("user", sa.Text, nullable=False),
        sa.Column("time", sa.Float, nullable=False),
        sa.UniqueConstraint("task_id", "name", name="uq_artifacts_task_name"),
    )
    op.create_table(
        "models",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("project_id", sa.Text, sa.ForeignKey("projects.id"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("framework", sa.Text, nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("task_id", sa.Text, nullable=True),
        sa.Column("parent_id", sa.Text, nullable=True),
        sa.Column("labels", sa.Text, nullable=False),
        sa.Column("design", sa.Text, nullable=False),
        sa.Column("metadata", sa.Text, nullable=False),
        sa.Column("published", sa.Boolean, nullable=False),
        sa.Column("archived", sa.Boolean, nullable=False),
        sa.Column("latest_version", sa.Integer, nullable=False),
        sa.Column("user", sa.Text, nullable=False),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("last_update", sa.Float, nullable=False),
    )
    op.create_index("ix_models_project_name", "models", ["project_id", "name"])
    op.create_table(
        "model_tags",
        sa.Column("model_id", sa.Text, sa.ForeignKey("models.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("tag", sa.Text, primary_key=True),
    )
    op.create_table(
        "model_versions",
        sa.Column("model_id", sa.Text, sa.ForeignKey("models.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("location", sa.Text, nullable=False),
        sa.Column("blob_sha256", sa.Text, nullable=True),
        sa.Column("url", sa.Text, nullable=True),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("is_package", sa.Boolean, nullable=False),
        sa.Column("iteration", sa.BigInteger, nullable=True),
        sa.Column("created", sa.Float, nullable=False),
    )
    op.create_table(
        "task_models",
        sa.Column("task_id", sa.Text, sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("model_id", sa.Text, sa.ForeignKey("models.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("mode", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("task_models", "model_versions", "model_tags", "models", "artifacts", "blob_copies"):
        op.drop_table(table)
