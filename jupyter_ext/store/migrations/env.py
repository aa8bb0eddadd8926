"""Alembic environment: always runs on the connection handed over by runner.py."""
from __future__ import annotations

from alembic import context

from jupyter_ext.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable from the alembic CLI
    raise RuntimeError("run migrations through jupyter_ext.store.migrations.runner")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
