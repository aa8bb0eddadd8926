"""Alembic migrations of the metadata schema.

``HEAD_REVISION`` lets an up-to-date database open without importing Alembic at all;
a test checks that it names Alembic's real head.
"""
HEAD_REVISION = "0012"
