"""Comparing tasks inline: ``jupyter_ext.compare([t1, t2, ...])`` and ``%track compare <id> ...``.

Shows, for the tasks given: parallel coordinates of the parameters that differ and a metric, a
parameter-vs-metric scatter (notebook/compare_overview.py), their scalar curves overlaid (one
chart per title, one colour per task and one dash per series, as in the lab; live while a task of
this kernel still reports), a parameter table that marks the rows whose values differ, single
values side by side, each task's artifacts and models, and the diff of the first two tasks'
notebooks (when both ran from one).
"""
from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.notebook import palette

DIFF_STYLE = "background:#fff3bf"


def _as_tasks(tasks: Iterable[Any]) -> list[Any]:
    from jupyter_ext.sdk.tasks.task import Task

    out = []
    for t in tasks:
        if isinstance(t, Task):
            out.append(t)
        elif isinstance(t, str) and t:
            out.append(Task.get_task(task_id=t))
        else:
            raise InvalidArgument(f"compare takes Task objects or task ids, not {type(t).__name__}: {t!r:.60}")
    if len(out) < 2:
        raise InvalidArgument("compare needs at least two tasks, e.g. jupyter_ext.compare([t1, t2])")
    return out


class Comparison:
    """What ``compare`` returns; displaying it (the last line of a cell) draws it."""

    def __init__(self, tasks: Sequence[Any], metric: str | None = None, value: str = "last") -> None:
        self.tasks = list(tasks)
        self.metric = metric
        self.value = value
        self.plot_state: Any = None  # the overlaid curves, once shown

    def __repr__(self) -> str:
        return f"<Comparison of {len(self.tasks)} tasks: {', '.join(t.id[:8] for t in self.tasks)}>"

    # -- the tables --------------------------------------------------------------------------------
    def parameters(self) -> dict[str, list[Any]]:
        """``{"Section/name": [value per task]}`` (None where a task lacks it)."""
        per_task = [t.get_parameters() for t in self.tasks]
        names = sorted({k for p in per_task for k in p if not k.startswith("Environment/")})
        return {n: [p.get(n) for p in per_task] for n in names}

    def differing_parameters(self) -> list[str]:
        """The ``"Section/name"`` parameters whose values are not the same in all the tasks."""
        return [n for n, values in self.parameters().items() if len({repr(v) for v in values}) > 1]

    def single_values(self) -> dict[str, list[float | None]]:
        """``{name: [value per task]}`` for every single value any of the tasks reported (None where a
        task did not report it)."""
        per_task = [t.get_reported_single_values() for t in self.tasks]
        names = sorted({k for p in per_task for k in p})
        return {n: [p.get(n) for p in per_task] for n in names}

    def overview(self) -> Any:
        """The parallel coordinates and the scatter (``compare_overview.Overview``)."""
        from jupyter_ext.notebook.compare_overview import Overview

        return Overview([t.name for t in self.tasks], self.parameters(), self.differing_parameters(),
                        [t.get_last_scalar_metrics() for t in self.tasks], self.metric, self.value)

    def html(self) -> str:
        """The comparison as an HTML fragment: the parameter table (differing rows first and
        highlighted), single values side by side, and each task's artifacts and models. The
        scalar charts are drawn only when the comparison is displayed in a notebook."""
        heads = "".join(f"<th><span style='color:{palette.task_color(i)}'>■</span> {html.escape(t.name)}"
                        f"<br><small>{t.id[:8]}</small></th>" for i, t in enumerate(self.tasks))
        parts = ["<div class='jupyter-track-compare'>"]
        params = self.parameters()
        differ = set(self.differing_parameters())
        parts.append(f"<h4>Parameters <small>({len(differ)} of {len(params)} differ, highlighted)</small></h4>")
        parts.append(f"<table><tr><th>parameter</th>{heads}</tr>")
        for name in sorted(params, key=lambda n: (n not in differ, n)):
            style = f" style='{DIFF_STYLE}'" if name in differ else ""
            cells = "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in params[name])
            parts.append(f"<tr{style} data-differs='{str(name in differ).lower()}'><td>{html.escape(name)}</td>"
                         f"{cells}</tr>")
        parts.append("</table>")
        values = self.single_values()
        parts.append(f"<h4>Single values</h4><table><tr><th>name</th>{heads}</tr>")
        for name, vals in values.items():
            cells = "".join(f"<td>{'' if v is None else f'{v:.6g}'}</td>" for v in vals)
            parts.append(f"<tr><td>{html.escape(name)}</td>{cells}</tr>")
        parts.append("</table>")
        parts.append(f"<h4>Artifacts and models</h4><table><tr><th></th>{heads}</tr>")
        parts.append("<tr><td>artifacts</td>" + "".join(f"<td>{self._artifacts(t)}</td>" for t in self.tasks)
                     + "</tr>")
        parts.append("<tr><td>models</td>" + "".join(f"<td>{self._models(t)}</td>" for t in self.tasks) + "</tr>")
        parts.append("</table>")
        parts.append(self._notebook_section())
        parts.append("</div>")
        return "".join(parts)

    def notebook_diff(self) -> dict[str, Any] | None:
        """The first two tasks' notebooks (their newest snapshots) compared cell by cell, or None
        when one of them has no notebook: ``{"rows": [...], "counts": {...}}`` (client/notebook_diff.py)."""
        from jupyter_ext.client import notebook_diff, notebooks
        from jupyter_ext.errors import NotFound
        from jupyter_ext.sdk import _session as session

        backend = session.backend()
        try:
            a, b = (notebooks.snapshot_notebook(backend, t.id) for t in self.tasks[:2])
        except NotFound:
            return None
        return notebook_diff.diff(a, b)

    def _notebook_section(self) -> str:
        from jupyter_ext.notebook.notebook_diff_view import render

        found = self.notebook_diff()
        if found is None:
            return ""
        return "<h4>Notebook</h4>" + render(found, (self.tasks[0].name, self.tasks[1].name))

    @staticmethod
    def _artifacts(task: Any) -> str:
        items = [f"{html.escape(a.name)} <small>({html.escape(a.type)})</small>" for a in task.artifacts.values()]
        return "<br>".join(items) or "<i>none</i>"

    @staticmethod
    def _models(task: Any) -> str:
        from jupyter_ext.sdk import _session as session

        try:
            linked = session.backend().get_task_models(task.id)
        except Exception:  # noqa: BLE001 - a display must not fail the cell
            return "<i>none</i>"
        items = []
        for mode in ("input", "output"):
            for m in linked.get(mode, []):
                items.append(f"{mode}: {html.escape(m.name or m.id)}")
        return "<br>".join(items) or "<i>none</i>"

    # -- display -----------------------------------------------------------------------------------
    def _ipython_display_(self) -> None:
        from IPython.display import display

        from jupyter_ext.notebook import display as task_display

        for figure in self.overview().bundles():
            display(figure, raw=True)
        state = task_display.plot_state(self.tasks, "Scalars: " + " vs ".join(t.name for t in self.tasks))
        self.plot_state = state
        display(task_display.bundle(state, repr(self)), raw=True)
        display({"text/html": self.html(), "text/plain": repr(self)}, raw=True)

    def _repr_html_(self) -> str:
        return self.html()


def compare(tasks: Iterable[Any], metric: str | None = None, value: str = "last") -> Comparison:
    """Compare tasks (Task objects or ids): parallel coordinates and a scatter of the parameters
    that differ against ``metric`` (a ``"title/series"``, the first reported by default; its
    ``value`` is ``"last"``, ``"min"`` or ``"max"``), curves, parameters, single values, artifacts
    and models.

    >>> jupyter_ext.compare([baseline, tuned])      # shown when it is the cell's last line
    >>> jupyter_ext.compare(sweep, metric="loss/validation", value="min")
    """
    comparison = Comparison(_as_tasks(tasks), metric, value)
    if metric is not None or value != "last":
        comparison.overview()  # a metric no task reported, or a bad value, is refused here, not at display
    return comparison
