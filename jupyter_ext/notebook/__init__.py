"""The notebook face: ``%track``, notebook snapshots, live plots, previews and comparison.

``%load_ext jupyter_ext`` calls :func:`load_ipython_extension` (kernels started by a JupyterLab
with our server extension do it by themselves, see autoload.py). Loading registers the magic,
the ``jupyter_ext.snapshot`` comm target and two cell hooks:

- ``pre_run_cell``: remember the cell's parent header, for messages sent from our threads, and
  record the execution's start (cell_runs.py: the origin of what the cell reports);
- ``post_run_cell``: record the execution's end, send the live plots' last points, redraw their
  static pictures, and ask for a notebook snapshot (taken on a background thread, at most every 30 s, when changed).

Loading twice (``%reload_ext``) replaces the hooks instead of adding a second set.
"""
from __future__ import annotations

from typing import Any

_hooks: dict[str, Any] = {}


def load_ipython_extension(shell: Any) -> None:
    from jupyter_ext.notebook import magics
    from jupyter_ext.notebook.snapshot import comm as live_document

    unload_ipython_extension(shell)
    magics.register(shell)
    live_document.register(shell)

    def pre_run_cell(info: Any = None, *_args: Any) -> None:
        from jupyter_ext.notebook import cell_runs
        from jupyter_ext.notebook.live_plot import widget as live

        live.remember_parent(shell)
        cell_runs.before_cell(info, getattr(shell, "execution_count", None))

    def post_run_cell(result: Any = None, *_args: Any) -> None:
        from jupyter_ext.notebook import cell_runs, display, run
        from jupyter_ext.notebook.live_plot import widget as live

        live.remember_parent(shell)
        cell_runs.after_cell(result)
        try:
            display.after_cell()
        except Exception as exc:  # noqa: BLE001 - a plot that cannot redraw must not break the user's cell
            import sys

            print(f"jupyter-track: could not update a live plot: {exc}", file=sys.stderr)
        current = run.current()
        if current is not None:
            current.after_cell()

    shell.events.register("pre_run_cell", pre_run_cell)
    shell.events.register("post_run_cell", post_run_cell)
    _hooks.update(pre_run_cell=pre_run_cell, post_run_cell=post_run_cell)
    from jupyter_ext.notebook import cell_runs

    cell_runs.loading_cell(shell)  # its pre_run_cell has passed: the cell %load_ext runs in starts now


def unload_ipython_extension(shell: Any) -> None:
    for event, fn in list(_hooks.items()):
        try:
            shell.events.unregister(event, fn)
        except ValueError:
            pass
    _hooks.clear()


def compare(tasks: Any, **kwargs: Any) -> Any:
    """``jupyter_ext.compare([t1, t2, ...])``: see :mod:`jupyter_ext.notebook.compare`."""
    from jupyter_ext.notebook.compare import compare as _compare

    return _compare(tasks, **kwargs)
