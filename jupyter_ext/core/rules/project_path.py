"""Creating a project path: each missing ancestor made in turn, from the root down."""
from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from jupyter_ext.store.rows import ProjectRow


def ensure_path(full: str, find: Callable[[str], ProjectRow | None],
                insert: Callable[[ProjectRow], None]) -> ProjectRow:
    """The project named ``full`` ("a/b/c"), made with any missing ancestors through ``insert``."""
    found = find(full)
    if found is not None:
        return found
    parent_id = None
    parts = full.split("/")
    row = None
    for depth in range(1, len(parts) + 1):
        path = "/".join(parts[:depth])
        row = find(path)
        if row is None:
            now = time.time()
            row = ProjectRow(id=uuid.uuid4().hex, name=path, parent_id=parent_id, description="",
                             default_output_uri=None, created=now, last_update=now)
            insert(row)
        parent_id = row.id
    assert row is not None
    return row
