"""A run's notebook brought back: to open again (outputs kept, the task's parameters injected),
as HTML with each cell marked with what it reported, or cloned and enqueued with edited values.

The notebook's parameters are the section ``Notebook`` of the task's parameters: recorded from
the cell tagged ``parameters`` (papermill's convention) when a snapshot is stored or the agent
runs it, and injected after that cell, in a cell tagged ``injected-parameters``, when it runs
again or is opened.
"""
from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Mapping
from typing import Any

from jupyter_ext.client.backend import Backend
from jupyter_ext.core.rules import notebook_history as history
from jupyter_ext.errors import InvalidArgument

SECTION = "Notebook"


def stored_parameters(backend: Backend, task_id: str) -> dict[str, Any]:
    return {p.name: p.value for p in backend.get_parameters(task_id) if p.section == SECTION}


def record_defaults(backend: Backend, task_id: str, defaults: Mapping[str, Any]) -> dict[str, Any]:
    """Store the values of the notebook's ``parameters`` cell (``defaults``,
    :func:`history.parameters_of`) that the task does not hold yet (stored values, e.g. edited
    ones, always win); the task's values after that."""
    from jupyter_ext.core.rules.param_types import rows_from_mapping

    stored = stored_parameters(backend, task_id)
    new = {k: v for k, v in defaults.items() if k not in stored}
    if new:
        backend.set_parameters(task_id, rows_from_mapping(SECTION, new))
        stored.update(new)
    return stored


def snapshot_notebook(backend: Backend, task_id: str, version: int | None = None) -> dict[str, Any]:
    from jupyter_ext.core.notebook_runs import parse_notebook

    return parse_notebook(backend.read_notebook_snapshot(task_id, version, "ipynb"))


def resolve_version(backend: Backend, task_id: str, version: int | None) -> int:
    """``version``, or the one shown by default (:func:`history.default_version`)."""
    from jupyter_ext.errors import NotFound

    if version is not None:
        return version
    row = history.default_version(backend.get_notebook_snapshots(task_id))
    if row is None:
        raise NotFound(f"task {task_id} has no notebook snapshot")
    return int(row.version)


def notebook_to_open(backend: Backend, task_id: str, version: int | None = None) -> dict[str, Any]:
    """The snapshot with its outputs, the task's stored parameters injected, and where it came from."""
    version = resolve_version(backend, task_id, version)
    nb = snapshot_notebook(backend, task_id, version)
    history.inject_parameters(nb, stored_parameters(backend, task_id))
    meta = nb.setdefault("metadata", {})
    meta["jupyter_track"] = {"task_id": task_id, "version": version}
    return nb


def write_notebook(nb: Mapping[str, Any], path: str, *, overwrite: bool = False) -> str:
    """Write ``nb`` to ``path`` (a folder: a name is chosen there), atomically; the path written."""
    if os.path.isdir(path):
        meta = (nb.get("metadata") or {}).get("jupyter_track") or {}
        path = os.path.join(path, f"run-{str(meta.get('task_id', 'notebook'))[:8]}-v{meta.get('version', '')}.ipynb")
    if os.path.exists(path) and not overwrite:
        raise InvalidArgument(f"{path} exists; choose another --to path (or remove it first)")
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(nb, fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    os.replace(tmp, path)
    return path


_CELL_DIV = re.compile(r'<div\b[^>]*\bid="cell-id=([^"]+)"[^>]*>')


def marked_html(backend: Backend, task_id: str, version: int | None = None) -> str:
    """The snapshot's HTML with, at the top of each cell, what that cell reported."""
    text = backend.read_notebook_snapshot(task_id, version, "html").decode("utf-8", "replace")
    doc = backend.get_notebook_provenance(task_id)
    nb = snapshot_notebook(backend, task_id, version)
    cells = history.cells_of(nb)
    runs = doc.get("runs") or []
    positions = history.locate(runs, cells)
    by_seq = {int(r["seq"]): pos for r, pos in zip(runs, positions, strict=True)}
    reported: dict[int, list[str]] = {}

    def add(seq: Any, what: str) -> None:
        pos = by_seq.get(seq) if seq is not None else None
        if pos is not None and what not in reported.setdefault(pos, []):
            reported[pos].append(what)

    for s in doc.get("scalars") or []:
        for span in s["spans"]:
            add(span["origin"], f"scalar {s['title']} / {s['series']}")
    for p in doc.get("plots") or []:
        add(p["origin"], f"plot {p['title']}")
    for d in doc.get("debug_samples") or []:
        add(d["origin"], f"debug sample {d['title']} / {d['series']}")
    for name, seq in (doc.get("artifacts") or {}).items():
        add(seq, f"artifact {name}")
    for model_id, seq in (doc.get("models") or {}).items():
        add(seq, f"model {model_id[:8]}")
    for c in doc.get("console") or []:
        add(c["origin"], "console output")
    ids = {c["id"]: c["index"] for c in cells if c["id"]}

    def mark(match: re.Match[str]) -> str:
        pos = ids.get(html.unescape(match.group(1)))
        items = reported.get(pos, []) if pos is not None else []
        if not items:
            return match.group(0)
        badge = "".join(f'<span class="je-reported-item">{html.escape(i)}</span>' for i in items)
        return (match.group(0) + f'<div class="je-reported" data-cell-index="{pos}">'
                                 f'<span class="je-reported-label">reported</span>{badge}</div>')

    style = ("<style>.je-reported{font:12px sans-serif;margin:2px 0 2px 70px;display:flex;flex-wrap:wrap;gap:4px}"
             ".je-reported-label{color:#666}.je-reported-item{background:#e8f0fe;color:#174ea6;border-radius:8px;"
             "padding:0 6px}.je-focus{outline:2px solid #f9ab00;outline-offset:2px}</style>")
    marked = _CELL_DIV.sub(mark, text)
    return marked.replace("</head>", style + "</head>", 1) if "</head>" in marked else style + marked


def rerun(backend: Backend, task_id: str, *, queue: str | None, parameters: Mapping[str, Any],
          version: int | None = None, name: str | None = None) -> Any:
    """Clone the run with its notebook (outputs cleared) as the code to run, the ``Notebook``
    parameters edited, and enqueue the clone; its row."""
    from jupyter_ext.core.rules.param_types import rows_from_mapping

    source = backend.get_task(task_id)
    nb = snapshot_notebook(backend, task_id, version)
    stored = record_defaults(backend, task_id, history.parameters_of(nb))
    unknown = sorted(set(parameters) - set(stored))
    if unknown:
        raise InvalidArgument(f"the notebook has no parameter {', '.join(map(repr, unknown))}; "
                              f"its parameters are: {', '.join(sorted(stored)) or 'none (tag a cell `parameters`)'}")
    for cell in nb.get("cells") or []:
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    history.inject_parameters(nb, {})  # an injected cell of the last run goes; the agent injects anew
    path = str((source.script.get("notebook") or {}).get("path") or source.script.get("entry_point") or "")
    entry = os.path.basename(path) if path.endswith(".ipynb") else "notebook.ipynb"
    script = {"entry_point": entry, "working_dir": str(source.script.get("working_dir") or ""), "argv": [entry],
              "binary": "python3", "diff": json.dumps(nb, indent=1),
              "requirements": source.script.get("requirements") or "",
              "notebook": {"path": path, "found_by": "rerun", "from_task": task_id, "version": version}}
    clone = backend.clone_task(task_id, name=name or f"{source.name} (rerun)",
                               comment=f"Notebook of task {task_id} run again with edited parameters")
    backend.update_task(clone.id, {"script": script})
    values = {**stored, **{k: _like(stored[k], v) for k, v in parameters.items()}}
    backend.set_parameters(clone.id, rows_from_mapping(SECTION, values))
    return backend.enqueue_task(clone.id, queue)


def _like(old: Any, new: Any) -> Any:
    """A value typed into a form (text) read as the kind of value the notebook had."""
    if not isinstance(new, str) or isinstance(old, str):
        return new
    try:
        value = json.loads(new)
    except ValueError:
        import ast

        try:
            value = ast.literal_eval(new)
        except (ValueError, SyntaxError):
            return new
    if isinstance(old, float) and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value
