"""A model's own metrics, stored: a request is checked whole (``core/rules/model_metrics.py``)
before anything is written, then written in one transaction, so a bad entry stores nothing of its
request. Reporting touches the model's ``last_update`` (lists sort by it, and ``jupyter track
sync`` copies a model again when it changed), but is allowed on a published model too:
evaluating a final model is what people do with it.
"""
from __future__ import annotations

import time
from typing import Any

from jupyter_ext.core.rules.model_metrics import parse, parse_plots, shape
from jupyter_ext.store import model_metrics as metric_rows
from jupyter_ext.store import models as model_rows
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.rows import ModelRow


def report(store: MetaStore, model_id: str, scalars: object = (), single_values: object = (),
           plots: object = ()) -> dict[str, int]:
    """Check every entry, then store them all in one transaction: ``{"stored": n}``."""
    points = parse(scalars, single_values)
    figures = parse_plots(plots)
    with store.write() as conn:
        _model(conn, model_id)
        if not points and not figures:
            return {"stored": 0}
        now = time.time()
        stored = metric_rows.upsert(conn, model_id, points, now)
        stored += metric_rows.upsert_plots(conn, model_id, figures, now)
        model_rows.update_fields(conn, model_id, last_update=now)
    return {"stored": stored}


def get(store: MetaStore, model_id: str) -> dict[str, list[dict[str, Any]]]:
    """``{"scalars": [{"title", "series", "iterations", "values"}], "single_values": [{"name",
    "value"}], "plots": [{"title", "series", "iteration", "figure"}]}``: series by (title,
    series), points by iteration, single values by name, plots by (title, series, iteration)."""
    import json

    with store.read() as conn:
        _model(conn, model_id)
        points = metric_rows.read(conn, model_id)
        figures = metric_rows.read_plots(conn, model_id)
    shaped: dict[str, list[dict[str, Any]]] = shape(points)
    shaped["plots"] = [{"title": t, "series": s, "iteration": i, "figure": json.loads(f)} for t, s, i, f in figures]
    return shaped


def _model(conn: Any, model_id: str) -> ModelRow:
    from jupyter_ext.core.models import _get

    return _get(conn, model_id)
