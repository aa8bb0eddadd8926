"""Teams: users, groups, per-project grants, key scopes and the audit log

Revision ID: 0010
Revises: 0009
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("scope", sa.Text, nullable=False, server_default="full"))
    op.create_table(
        "users",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("display_name", sa.Text, nullable=False),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("admin", sa.Boolean, nullable=False),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("disabled", sa.Float, nullable=True),
    )
    op.create_table(
        "group_members",
        sa.Column("group_name", sa.Text, primary_key=True),
        sa.Column("user_name", sa.Text, sa.ForeignKey("users.name", ondelete="CASCADE"), primary_key=True),
    )
    op.create_table(
        "grants",
        sa.Column("project_id", sa.Text, sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("principal", sa.Text, primary_key=True),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("granted_by", sa.Text, nullable=False),
        sa.Column("created", sa.Float, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_at", "audit_log")
    op.drop_table("audit_log")
    op.drop_table("grants")
    op.drop_table("group_members")
    op.drop_table("users")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("scope")
