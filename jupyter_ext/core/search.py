"""One search box over projects, tasks, models and dataset versions: by name (any case), by an
id's beginning, or by a tag."""
from __future__ import annotations

from collections.abc import Collection
from typing import Any

from jupyter_ext.core.task_filters import PART_TAGS
from jupyter_ext.errors import InvalidArgument
from jupyter_ext.store import search as search_rows
from jupyter_ext.store.meta import MetaStore

KINDS = ("projects", "tasks", "models", "datasets")


def search(store: MetaStore, text: str, limit: int = 8, *,
           within_projects: Collection[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Up to ``limit`` of each kind; tasks backing a dataset version or a pipeline step are found
    as datasets (or not at all), as they are not experiments of their own. ``within_projects``:
    only what lies in these projects (what a team server's caller may see); None: everywhere."""
    text = text.strip()
    if not text:
        raise InvalidArgument("give a text to search for: ?q=<name, id or tag>")
    if len(text) > 200:
        raise InvalidArgument(f"a search text is at most 200 characters (got {len(text)})")
    with store.read() as conn:
        return {
            "projects": search_rows.projects_matching(conn, text, limit, within_projects),
            "tasks": search_rows.tasks_matching(conn, text, limit, PART_TAGS, within_projects),
            "models": search_rows.models_matching(conn, text, limit, within_projects),
            "datasets": search_rows.datasets_matching(conn, text, limit, within_projects),
        }
