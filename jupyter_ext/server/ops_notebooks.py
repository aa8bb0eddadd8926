"""Operations on a task's notebook: execution history, snapshot versions, provenance, re-runs, diffs."""
from __future__ import annotations

from typing import Any

from jupyter_ext import errors
from jupyter_ext.server.call import Call
from jupyter_ext.wire import codec


def record_cell_run(call: Call) -> dict[str, Any]:
    task_id = call.path["task_id"]
    call.backend.record_cell_run(task_id, call.body)
    call.announce("task", task_id, ["notebook"])
    return {"recorded": int(call.body["seq"])}


def get_cell_runs(call: Call) -> dict[str, Any]:
    items = codec.rows_out(call.backend.get_cell_runs(call.path["task_id"]))
    return {"items": items, "total": len(items)}


def add_notebook_snapshot(call: Call) -> dict[str, Any]:
    task_id = call.path["task_id"]
    row = call.backend.add_notebook_snapshot(task_id, call.body)
    call.announce("task", task_id, ["notebook"])
    return codec.row_out(row)


def get_notebook_snapshots(call: Call) -> dict[str, Any]:
    items = codec.rows_out(call.backend.get_notebook_snapshots(call.path["task_id"]))
    return {"items": items, "total": len(items)}


def _version(text: str | None) -> int | None:
    if text in (None, "", "latest"):
        return None
    try:
        value = int(str(text))
    except ValueError:
        raise errors.InvalidArgument(f"a snapshot version is a number from 1 (or 'latest'), got {text!r}") from None
    if value < 1:
        raise errors.InvalidArgument(f"snapshot versions count from 1, got {value}")
    return value


def get_notebook_snapshot(call: Call) -> dict[str, Any]:
    from jupyter_ext.client import notebooks

    task_id = call.path["task_id"]
    version = notebooks.resolve_version(call.backend, task_id, _version(call.path["version"]))
    fmt = call.q("format") or "ipynb"
    number = version
    if fmt == "ipynb":
        return {"version": number, "notebook": notebooks.snapshot_notebook(call.backend, task_id, version)}
    if fmt == "open":
        return {"version": number, "notebook": notebooks.notebook_to_open(call.backend, task_id, version)}
    if fmt == "html":
        return {"version": number, "html": notebooks.marked_html(call.backend, task_id, version)}
    raise errors.InvalidArgument(f"format is ipynb, html or open, not {fmt!r}")


def open_notebook(call: Call) -> dict[str, Any]:
    import os
    import re

    from jupyter_ext.client import notebooks

    root = call.services.workspace
    if not root:
        raise errors.InvalidArgument("this server has no workspace to write to; GET "
                                     ".../notebook/snapshots/latest?format=open and save the notebook yourself")
    task_id, body = call.path["task_id"], call.body
    folder = os.path.realpath(os.path.join(root, str(body.get("folder") or "")))
    if os.path.commonpath([folder, os.path.realpath(root)]) != os.path.realpath(root) or not os.path.isdir(folder):
        raise errors.InvalidArgument(f"folder {body.get('folder')!r} is not a folder of the workspace")
    version = body.get("version")
    nb = notebooks.notebook_to_open(call.backend, task_id, int(version) if version else None)
    stem = re.sub(r"[^\w.-]+", "-", str(body.get("name") or call.backend.get_task(task_id).name)).strip("-.") or "run"
    number = nb["metadata"]["jupyter_track"]["version"]
    base = f"{stem}-{task_id[:8]}-v{number}"
    for i in range(1000):
        path = os.path.join(folder, f"{base}{f'-{i}' if i else ''}.ipynb")
        if not os.path.exists(path):
            break
    else:
        raise errors.Conflict(f"no free name for {base}.ipynb in {folder}")
    notebooks.write_notebook(nb, path)
    return {"path": os.path.relpath(path, os.path.realpath(root)).replace(os.sep, "/"), "version": number}


def get_notebook_provenance(call: Call) -> dict[str, Any]:
    return codec.times_to_iso(call.backend.get_notebook_provenance(call.path["task_id"]))  # type: ignore[no-any-return]


def rerun_notebook(call: Call) -> dict[str, Any]:
    from jupyter_ext.client import notebooks

    body = call.body
    parameters = body.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise errors.InvalidArgument("parameters is an object {name: value}")
    row = notebooks.rerun(call.backend, call.path["task_id"], queue=body.get("queue"), parameters=parameters,
                          version=body.get("version"), name=body.get("name"))
    call.announce("task", row.id, ["status"])
    return codec.task_out(row)


def diff_notebooks(call: Call) -> dict[str, Any]:
    from jupyter_ext.client import notebook_diff, notebooks

    a, b = call.q("a"), call.q("b")
    if not a or not b:
        raise errors.InvalidArgument("give two task ids: ?a=<id>&b=<id>")
    nb_a = notebooks.snapshot_notebook(call.backend, a, _version(call.q("a_version")))
    nb_b = notebooks.snapshot_notebook(call.backend, b, _version(call.q("b_version")))
    return {"a": a, "b": b, **notebook_diff.diff(nb_a, nb_b)}


OPERATIONS = {f.__name__: f for f in (
    record_cell_run, get_cell_runs, add_notebook_snapshot, get_notebook_snapshots, get_notebook_snapshot,
    get_notebook_provenance, rerun_notebook, diff_notebooks, open_notebook,
)}
