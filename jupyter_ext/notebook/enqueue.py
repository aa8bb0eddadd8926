"""``%track ... --queue Q``: hand the notebook to an agent instead of tracking it here.

The notebook as saved (outputs cleared, secrets masked) becomes the script of a new draft task,
which is enqueued; an agent runs it top to bottom in a kernel of its own (nbclient), where the
same ``%track`` line attaches to that task instead of enqueueing again. This kernel goes on
untracked: unlike ClearML's ``execute_remotely``, nothing here is stopped.
"""
from __future__ import annotations

import json
import os
from typing import Any

from jupyter_ext.errors import InvalidArgument


def enqueue_notebook(*, project: str | None, name: str | None, task_type: str, tags: list[str], queue: str,
                     shell: Any = None) -> Any:
    """Create the task holding the notebook and enqueue it in ``queue``; its row."""
    from jupyter_ext.core.rules import names
    from jupyter_ext.notebook.run import _default_project
    from jupyter_ext.notebook.snapshot import notebook_file
    from jupyter_ext.notebook.snapshot import path as notebook_path
    from jupyter_ext.sdk import _session as session

    path, _found_by = notebook_path.detect(getattr(shell, "user_ns", None))
    if not path or not os.path.isfile(path):
        raise InvalidArgument("%track --queue needs the notebook's file, and it was not found: save the notebook, "
                              "or set JUPYTER_TRACK_NOTEBOOK_PATH to its path")
    nb = notebook_file.redact(notebook_file.read(path))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    stem = os.path.splitext(os.path.basename(path))[0]
    project_name = names.normalize_project_name(project or _default_project(path))
    task_name = names.check_task_name(name or stem)
    backend = session.backend()
    if queue != "default":
        backend.get_queue(queue)  # a wrong name fails before anything is written
    script = {"entry_point": os.path.basename(path), "working_dir": os.path.dirname(path),
              "argv": [os.path.basename(path)], "binary": "python3", "diff": json.dumps(nb, indent=1),
              "requirements": _requirements(), "notebook": {"path": path, "found_by": "queued"}}
    row = backend.create_task({"project": project_name, "name": task_name, "type": task_type, "tags": tags,
                               "user": session.getpid_user(), "script": script})
    return backend.enqueue_task(row.id, queue)


def _requirements() -> str:
    try:
        from jupyter_ext.capture.environment import collect_packages, requirements_text

        return str(requirements_text(collect_packages()))
    except Exception:  # noqa: BLE001 - only `agent --venv` needs them; the task can still run without
        return ""
