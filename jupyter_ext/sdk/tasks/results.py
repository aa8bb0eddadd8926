"""Reading back what a task reported: scalars, single values, plots, console, debug samples."""
from __future__ import annotations

from typing import Any

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk.tasks._host import TaskPart

DEFAULT_MAX_SAMPLES = 5000  # ClearML's server-side cap per series


def _sync() -> None:
    if session.has_reporter():
        session.reporter().flush()


class ResultsMixin(TaskPart):
    def get_reported_scalars(self, max_samples: int = 0, x_axis: str = "iter",
                             as_numpy: bool = False, with_origin: bool = False) -> dict[str, Any]:
        """``{title: {series: {"x": [...], "y": [...]}}}``, downsampled to ``max_samples`` points per
        series (default 5000) keeping each bucket's min and max, so spikes stay visible.
        ``as_numpy=True`` returns numpy arrays instead of lists. ``with_origin=True`` (a notebook
        run) adds ``"origin"``: for each point, the cell execution that reported it
        (``{"cell_id", "execution_count", "snapshot_version", ...}``), or None.

        >>> task.get_reported_scalars(with_origin=True)["loss"]["train"]["origin"][0]["cell_id"]
        'f3a1c2d4'
        """
        if not isinstance(max_samples, int) or max_samples < 0:
            raise InvalidArgument("max_samples must be 0 (the default, 5000) or a positive int")
        _sync()
        found = session.backend().get_scalars(self.id, max_samples=max_samples or DEFAULT_MAX_SAMPLES, x_axis=x_axis,
                                              as_numpy=as_numpy)
        if with_origin:
            from jupyter_ext.sdk.tasks import provenance

            provenance.add_scalar_origins(self.id, found, x_axis)
        return found

    def get_notebook_history(self) -> dict[str, Any]:
        """A notebook run's story: ``{"runs": [...], "snapshots": [...], "warnings": {...}}`` — every
        cell execution in the order it ran (cell id, execution count, start, duration, what it
        raised, the snapshot version it is in), every stored version of the notebook, and whether
        cells ran out of order or were edited after they ran (``warnings["messages"]``)."""
        from jupyter_ext.sdk.tasks import provenance

        doc = provenance.document(self.id)
        return {"runs": doc.get("runs") or [], "snapshots": doc.get("snapshots") or [],
                "warnings": doc.get("warnings") or {}}

    def get_all_reported_scalars(self, x_axis: str = "iter", as_numpy: bool = False) -> dict[str, Any]:
        """Every reported point, ``{title: {series: {"x": [...], "y": [...]}}}`` (numpy arrays with
        ``as_numpy=True``: for millions of points, several times faster than lists)."""
        _sync()
        return session.backend().get_scalars(self.id, max_samples=None, x_axis=x_axis, as_numpy=as_numpy)

    def get_last_scalar_metrics(self) -> dict[str, Any]:
        """``{title: {series: {"last", "min", "max", …}}}`` without reading the points."""
        _sync()
        return session.backend().get_last_metrics(self.id)

    def get_reported_single_value(self, name: str) -> float | None:
        """The single value reported as ``name`` (``logger.report_single_value``), or None if there is none.

        >>> task.get_reported_single_value("Best ROC AUC")
        91.5
        """
        return self.get_reported_single_values().get(name)

    def get_reported_single_values(self) -> dict[str, float | None]:
        """Every single value the task reported, ``{name: value}`` (the last one reported under each name)."""
        _sync()
        return session.backend().get_single_values(self.id)

    def get_reported_plots(self, max_iterations: int | None = None) -> list[dict[str, Any]]:
        """Reported plots, oldest first, each with ``metric``, ``variant``, ``iter`` and ``plot_str``
        (plotly JSON), as ClearML returns them. ``max_iterations`` keeps the newest iterations."""
        _sync()
        plots = session.backend().get_plots(self.id)
        if max_iterations is not None:
            keep = sorted({p["iteration"] for p in plots})[-max_iterations:]
            plots = [p for p in plots if p["iteration"] in set(keep)]
        return [{"metric": p["title"], "variant": p["series"], "iter": p["iteration"], "plot_str": p["figure"],
                 "timestamp": int(p["time"] * 1000), "task": self.id} for p in plots]

    def get_reported_console_output(self, number_of_reports: int = 1) -> list[str]:
        """The last ``number_of_reports`` console reports (each a block of lines), oldest first."""
        _sync()
        return [r["text"] for r in session.backend().get_console(self.id, last=number_of_reports)]

    def get_debug_samples(self, title: str, series: str, n_last_iterations: int | None = None) -> list[dict[str, Any]]:
        """Images and media reported under ``title``/``series``, newest first."""
        _sync()
        rows = session.backend().get_debug_samples(self.id, title, series)
        rows.sort(key=lambda r: (r["iteration"], r["id"]), reverse=True)
        if n_last_iterations is not None:
            iters = sorted({r["iteration"] for r in rows}, reverse=True)[:n_last_iterations]
            rows = [r for r in rows if r["iteration"] in set(iters)]
        return [{"metric": r["title"], "variant": r["series"], "iter": r["iteration"], "key": r["id"],
                 "url": r["url"] or (f"blob:{r['blob_sha256']}" if r["blob_sha256"] else ""),
                 "sha256": r["blob_sha256"], "content_type": r["content_type"], "file_name": r["file_name"],
                 "timestamp": int(r["time"] * 1000)} for r in rows]

    def get_debug_sample_bytes(self, sample: dict[str, Any]) -> bytes:
        """The stored bytes of one entry of :meth:`get_debug_samples`."""
        if not sample.get("sha256"):
            raise InvalidArgument("this sample is a registered URL; fetch it from its url")
        return session.backend().get_blob(sample["sha256"])
