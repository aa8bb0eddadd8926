"""Run Alembic programmatically on an open connection (no alembic.ini needed)."""
from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPT_LOCATION = os.path.dirname(os.path.abspath(__file__))


@contextlib.contextmanager
def quiet_alembic() -> Iterator[None]:
    """Alembic reports at INFO (its plugins on import, each step as it runs): a user whose root
    logger is at INFO would see our store's upgrade on their console. Unless they set the
    ``alembic`` logger's level themselves, it is held at WARNING meanwhile."""
    logger = logging.getLogger("alembic")
    saved = logger.level
    if saved == logging.NOTSET:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(saved)


def alembic_config(connection: Connection | None = None) -> Config:
    with quiet_alembic():
        from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    cfg.attributes["connection"] = connection
    return cfg


def upgrade_to_head(connection: Connection) -> None:
    with quiet_alembic():
        from alembic import command

        command.upgrade(alembic_config(connection), "head")


def script_head() -> str | None:
    with quiet_alembic():
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(alembic_config()).get_current_head()
