"""Where a notebook run's results came from: the cell execution of each (``Artifact.origin``,
``task.get_reported_scalars(with_origin=True)``, ``task.get_notebook_history()``)."""
from __future__ import annotations

from typing import Any

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk import _session as session


def document(task_id: str) -> dict[str, Any]:
    if session.has_reporter():
        session.reporter().flush()
    return session.backend().get_notebook_provenance(task_id)


def origins(doc: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """``{seq: {"seq", "cell_id", "execution_count", "snapshot_version", "started", "duration", "raised"}}``;
    ``cell_id`` is the cell's id in the snapshot (found by source when the frontend sent none)."""
    out = {}
    for run in doc.get("runs") or []:
        cell_id = run.get("snapshot_cell_id") or run.get("cell_id") or ""
        out[int(run["seq"])] = {"seq": int(run["seq"]), "cell_id": cell_id,
                                "execution_count": run.get("execution_count"),
                                "snapshot_version": run.get("snapshot_version"), "cell_index": run.get("cell_index"),
                                "started": run.get("started"), "duration": run.get("duration"),
                                "raised": run.get("raised")}
    return out


def add_scalar_origins(task_id: str, scalars: dict[str, Any], x_axis: str) -> dict[str, Any]:
    """Each series of ``scalars`` gains ``"origin"``: one origin (or None) per point."""
    if x_axis != "iter":
        raise InvalidArgument("with_origin=True reads origins by iteration: use x_axis='iter'")
    doc = document(task_id)
    table = origins(doc)
    spans = {(s["title"], s["series"]): s["spans"] for s in doc.get("scalars") or []}
    for title, by_series in scalars.items():
        for series, points in by_series.items():
            found = spans.get((title, series), [])
            out = []
            for x in list(points["x"]):
                seq = None
                for span in reversed(found):  # a repeated iteration resolves to its last report
                    if span["first_iter"] <= x <= span["last_iter"]:
                        seq = span["origin"]
                        break
                out.append(table.get(seq) if seq is not None else None)
            points["origin"] = out
    return scalars


def artifact_origin(task_id: str, name: str) -> dict[str, Any] | None:
    doc = document(task_id)
    seq = (doc.get("artifacts") or {}).get(name)
    return origins(doc).get(seq) if seq is not None else None
