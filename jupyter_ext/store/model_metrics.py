"""Rows of ``model_metrics`` (a model's own scalars and single values, one row per point) and
of ``model_plots`` (its own plotly figures, one row per title, series and iteration).

Single values share the table under ClearML's convention (title ``SINGLE_VALUE_TITLE``, the
name as series, iteration ``SINGLE_VALUE_ITERATION``, both in ``core/rules/model_metrics.py``),
so one upsert and one read serve both.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from jupyter_ext.store.schema import model_metrics, model_plots

Point = tuple[str, str, int, float]  # (title, series, iteration, value)
PlotPoint = tuple[str, str, int, str]  # (title, series, iteration, plotly JSON)


def _upsert(conn: Connection, table: Any = model_metrics, column: str = "value") -> Any:
    """``INSERT … ON CONFLICT (key) DO UPDATE``: the same SQL on SQLite and PostgreSQL."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: Any = pg_insert(table)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(table)
    return stmt.on_conflict_do_update(
        index_elements=["model_id", "title", "series", "iteration"],
        set_={column: stmt.excluded[column], "reported": stmt.excluded.reported})


def upsert(conn: Connection, model_id: str, points: Sequence[Point], reported: float) -> int:
    """Store ``points``; a point already there (same title, series, iteration) is replaced.
    Within ``points`` the last of a repeated key wins. Returns how many rows were written."""
    latest: dict[tuple[str, str, int], float] = {}
    for title, series, iteration, value in points:
        latest[(title, series, iteration)] = value
    if not latest:
        return 0
    conn.execute(_upsert(conn), [
        {"model_id": model_id, "title": t, "series": s, "iteration": i, "value": v, "reported": reported}
        for (t, s, i), v in latest.items()
    ])
    return len(latest)


def read(conn: Connection, model_id: str) -> list[Point]:
    """Every point of the model, ordered by (title, series, iteration)."""
    c = model_metrics.c
    stmt = (select(c.title, c.series, c.iteration, c.value).where(c.model_id == model_id)
            .order_by(c.title, c.series, c.iteration))
    return [(r.title, r.series, int(r.iteration), float(r.value)) for r in conn.execute(stmt)]


def count(conn: Connection, model_id: str) -> int:
    from sqlalchemy import func

    stmt = select(func.count()).select_from(model_metrics).where(model_metrics.c.model_id == model_id)
    return int(conn.execute(stmt).scalar_one())


def upsert_plots(conn: Connection, model_id: str, plots: Sequence[PlotPoint], reported: float) -> int:
    """Store figures; one already there (same title, series, iteration) is replaced."""
    latest = {(t, s, i): f for t, s, i, f in plots}
    if not latest:
        return 0
    conn.execute(_upsert(conn, model_plots, "figure"), [
        {"model_id": model_id, "title": t, "series": s, "iteration": i, "figure": f, "reported": reported}
        for (t, s, i), f in latest.items()
    ])
    return len(latest)


def read_plots(conn: Connection, model_id: str) -> list[PlotPoint]:
    """Every figure of the model, ordered by (title, series, iteration)."""
    c = model_plots.c
    stmt = (select(c.title, c.series, c.iteration, c.figure).where(c.model_id == model_id)
            .order_by(c.title, c.series, c.iteration))
    return [(r.title, r.series, int(r.iteration), str(r.figure)) for r in conn.execute(stmt)]
