"""What an optimizer task shows: the trials table, a parallel coordinates plot of the values
against the objective, and the objective over trials (plotly figures, reported to its task)."""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from jupyter_ext.sdk.automation.trials import Objective, Trial

TABLE_TITLE = "Trials"
PARALLEL_TITLE = "Parallel Coordinates"
PROGRESS_TITLE = "Objective over trials"


def _cell(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, (int, str)) or value is None:
        return value
    return json.dumps(value, default=str)


def table_rows(trials: Sequence[Trial], names: Sequence[str], objective: Objective) -> list[list[Any]]:
    """Header row, then one row per trial: number, task, state, values, objective, iteration, duration."""
    header = ["trial", "task id", "status", *names, f"{objective.title}/{objective.series}", "iteration",
              "duration (s)", "message"]
    rows: list[list[Any]] = [header]
    for t in trials:
        rows.append([t.index, t.task_id, t.state, *[_cell(t.values.get(n)) for n in names], _cell(t.objective),
                     t.iteration, None if t.duration is None else round(t.duration, 2), t.message[:200]])
    return rows


def _numeric_axis(label: str, values: list[Any]) -> dict[str, Any]:
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return {"label": label, "values": values}
    distinct = list(dict.fromkeys(json.dumps(v, default=str) for v in values))
    return {"label": label, "values": [distinct.index(json.dumps(v, default=str)) for v in values],
            "tickvals": list(range(len(distinct))), "ticktext": distinct}


def parallel_coordinates(trials: Sequence[Trial], names: Sequence[str], objective: Objective) -> dict[str, Any]:
    """A plotly figure: one line per finished trial with a value, coloured by the objective."""
    done = [t for t in trials if t.objective is not None]
    label = f"{objective.title}/{objective.series}"
    dims = [_numeric_axis(n, [t.values.get(n) for t in done]) for n in names]
    dims.append({"label": label, "values": [t.objective for t in done]})
    line = {"color": [t.objective for t in done], "colorscale": "Viridis", "showscale": True,
            "reversescale": not objective.maximize}
    return {"data": [{"type": "parcoords", "line": line, "dimensions": dims}],
            "layout": {"title": {"text": PARALLEL_TITLE}}}


def objective_progress(trials: Sequence[Trial], objective: Objective) -> dict[str, Any]:
    """A plotly figure: each trial's objective, and the best so far."""
    done = sorted((t for t in trials if t.objective is not None), key=lambda t: t.index)
    best: list[float] = []
    for t in done:
        assert t.objective is not None
        best.append(t.objective if not best or objective.better(t.objective, best[-1]) else best[-1])
    xs = [t.index for t in done]
    return {"data": [
        {"type": "scatter", "mode": "markers", "name": "trial", "x": xs, "y": [t.objective for t in done],
         "text": [t.task_id for t in done]},
        {"type": "scatter", "mode": "lines", "name": "best so far", "x": xs, "y": best, "line": {"shape": "hv"}}],
        "layout": {"title": {"text": PROGRESS_TITLE}, "xaxis": {"title": {"text": "trial"}},
                   "yaxis": {"title": {"text": f"{objective.title}/{objective.series}"}}}}


def report(logger: Any, trials: Sequence[Trial], names: Sequence[str], objective: Objective, iteration: int) -> None:
    """The table and both plots, at ``iteration`` (the number of finished trials)."""
    logger.report_table(TABLE_TITLE, "summary", iteration=iteration, table_plot=table_rows(trials, names, objective))
    if any(t.objective is not None for t in trials):
        logger.report_plotly(PARALLEL_TITLE, "trials", parallel_coordinates(trials, names, objective), iteration)
        logger.report_plotly(PROGRESS_TITLE, "trials", objective_progress(trials, objective), iteration)
