"""A notebook run's execution history, snapshot versions and the provenance of its results.

Nothing is recorded per reported result: each result's origin (the cell execution it came from)
is found when asked, from its time and the executions' start times (core/rules/notebook_history.py).
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Connection

from jupyter_ext.core.rules import notebook_history as history
from jupyter_ext.errors import InvalidArgument, NotFound
from jupyter_ext.store import artifacts as artifact_rows
from jupyter_ext.store import events as event_rows
from jupyter_ext.store import models as model_rows
from jupyter_ext.store import notebook_runs as rows
from jupyter_ext.store import scalars as scalar_rows
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.rows import CellRunRow, NotebookSnapshotRow

MAX_RAISED = 500


def _task(conn: Connection, task_id: str) -> None:
    from jupyter_ext.core import tasks

    tasks._get(conn, task_id)


def record_cell_run(store: MetaStore, task_id: str, run: Mapping[str, Any]) -> None:
    """Record (or complete) one execution: ``seq`` and whatever of its fields are known."""
    try:
        seq = int(run["seq"])
    except (KeyError, TypeError, ValueError):
        raise InvalidArgument("a cell run needs its 'seq' (1, 2, … in the order cells ran)") from None
    if seq < 1:
        raise InvalidArgument(f"a cell run's seq counts from 1, got {seq}")
    fields = {k: v for k, v in run.items() if v is not None or k in ("duration", "raised", "execution_count")}
    if fields.get("raised"):
        fields["raised"] = str(fields["raised"])[:MAX_RAISED]
    with store.write() as conn:
        _task(conn, task_id)
        if "started" not in fields and not rows.has_run(conn, task_id, seq):
            raise InvalidArgument(f"cell run {seq} of task {task_id} is new: give its 'started' time")
        rows.upsert_run(conn, task_id, seq, fields)


def cell_runs(store: MetaStore, task_id: str) -> list[CellRunRow]:
    with store.read() as conn:
        _task(conn, task_id)
        return rows.runs(conn, task_id)


def add_snapshot(store: MetaStore, task_id: str, fields: Mapping[str, Any]) -> NotebookSnapshotRow:
    """The next version; a copy equal to the newest version (same bytes) is that version again."""
    if not fields.get("ipynb_sha256"):
        raise InvalidArgument("a notebook snapshot names its stored .ipynb (ipynb_sha256)")
    with store.write() as conn:
        _task(conn, task_id)
        known = rows.snapshots(conn, task_id)
        if known and known[-1].ipynb_sha256 == fields["ipynb_sha256"]:
            return known[-1]
        return rows.add_snapshot(conn, task_id, fields)


def snapshots(store: MetaStore, task_id: str) -> list[NotebookSnapshotRow]:
    with store.read() as conn:
        _task(conn, task_id)
        return rows.snapshots(conn, task_id)


def snapshot(store: MetaStore, task_id: str, version: int | None) -> NotebookSnapshotRow:
    """The snapshot ``version`` of the task (the newest when None)."""
    with store.read() as conn:
        _task(conn, task_id)
        found = rows.snapshots(conn, task_id)
    if not found:
        raise NotFound(f"task {task_id} has no notebook snapshot")
    if version is None:
        return found[-1]
    for row in found:
        if row.version == version:
            return row
    raise NotFound(f"task {task_id} has no notebook snapshot version {version} (it has 1..{found[-1].version})")


def provenance(store: MetaStore, task_id: str, cells: list[dict[str, Any]] | None) -> dict[str, Any]:
    """Every execution (with the snapshot version it belongs to and its cell there), the
    warnings, and the origin (an execution's ``seq``) of each result. ``cells`` are the newest
    snapshot's cells (:func:`history.cells_of`), when there is one."""
    with store.read() as conn:
        _task(conn, task_id)
        runs = rows.runs(conn, task_id)
        versions = rows.snapshots(conn, task_id)
        doc: dict[str, Any] = {"runs": [], "snapshots": [v.to_dict() for v in versions], "warnings": {},
                               "scalars": [], "plots": [], "debug_samples": [], "artifacts": {}, "models": {},
                               "console": []}
        if not runs:
            return doc
        starts = [r.started for r in runs]
        seqs = [r.seq for r in runs]

        def origin(when: float | None) -> int | None:
            i = history.origin_index(starts, float(when)) if when is not None else None
            return None if i is None else seqs[i]

        doc["scalars"] = _scalar_spans(conn, task_id, starts, seqs)
        doc["plots"] = [{"id": p["id"], "title": p["title"], "series": p["series"], "iteration": p["iteration"],
                         "origin": origin(p["time"])} for p in event_rows.get_plots(conn, task_id)]
        doc["debug_samples"] = [{"id": d["id"], "title": d["title"], "series": d["series"],
                                 "iteration": d["iteration"], "origin": origin(d["time"])}
                                for d in event_rows.get_debug_samples(conn, task_id)]
        # The snapshots' own files are stored by a thread, whatever cell runs then: no origin of theirs.
        snapshot_files = {v.ipynb_sha256 for v in versions} | {v.html_sha256 for v in versions}
        doc["artifacts"] = {a.name: origin(a.time) for a in artifact_rows.for_task(conn, task_id)
                            if a.blob_sha256 not in snapshot_files}
        for link in model_rows.links_of_task(conn, task_id):
            if link["mode"] != "output":
                continue
            made = model_rows.versions(conn, link["model_id"])
            model = model_rows.get(conn, link["model_id"])
            when = made[-1].created if made else (model.created if model is not None else None)
            doc["models"][link["model_id"]] = origin(when)
        doc["console"] = _console_spans(event_rows.get_console(conn, task_id), origin)
    taken = [(v.version, v.taken) for v in versions]
    positions = history.locate([r.to_dict() for r in runs], cells) if cells else [None] * len(runs)
    for run, pos in zip(runs, positions, strict=True):
        d = run.to_dict()
        ended = run.started + (run.duration or 0.0)
        d["snapshot_version"] = history.snapshot_version(ended, taken)
        d["cell_index"] = pos
        d["snapshot_cell_id"] = cells[pos]["id"] if cells and pos is not None else ""
        doc["runs"].append(d)
    if cells:
        doc["warnings"] = history.check([r.to_dict() for r in runs], cells)
        doc["warnings"].pop("positions", None)
    return doc


def _scalar_spans(conn: Connection, task_id: str, starts: list[float], seqs: list[int]) -> list[dict[str, Any]]:
    """Per series, the runs of consecutive points reported by one execution."""
    import numpy as np

    out = []
    start_arr = np.asarray(starts, dtype=np.float64)
    for metric_id, summary in scalar_rows.summaries(conn, task_id):
        it, _va, ti = scalar_rows.read_points(conn, metric_id, with_times=True)
        if not len(it):
            continue
        idx = np.searchsorted(start_arr, ti, side="right") - 1
        cuts = np.flatnonzero(np.diff(idx)) + 1
        spans = []
        for lo, hi in zip(np.concatenate(([0], cuts)), np.concatenate((cuts, [len(idx)])), strict=True):
            i = int(idx[lo])
            spans.append({"origin": seqs[i] if i >= 0 else None, "first_iter": int(it[lo]),
                          "last_iter": int(it[hi - 1]), "count": int(hi - lo)})
        out.append({"title": summary.title, "series": summary.series, "spans": spans})
    return out


def _console_spans(lines: list[dict[str, Any]], origin: Any) -> list[dict[str, Any]]:
    spans: list[dict[str, Any]] = []
    for line in lines:
        seq = origin(line["time"])
        if spans and spans[-1]["origin"] == seq:
            spans[-1]["last_id"] = line["id"]
            spans[-1]["count"] += 1
        else:
            spans.append({"origin": seq, "first_id": line["id"], "last_id": line["id"], "count": 1})
    return spans


def parse_notebook(data: bytes) -> dict[str, Any]:
    try:
        nb = json.loads(data)
    except ValueError as exc:
        raise InvalidArgument(f"the stored notebook is not JSON: {exc}") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise InvalidArgument("the stored notebook has no cells list (not nbformat 4)")
    return nb
