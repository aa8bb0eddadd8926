"""Figures of a tracked notebook land in the task's Plots: a real kernel with matplotlib's inline
backend, tracked with ``%track``, pyplot imported before tracking starts (as notebooks do)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import Kernel, kernel_env


@pytest.fixture
def inline_kernel(nb_home: Path, tmp_path: Path) -> Any:
    env = kernel_env(nb_home, JUPYTER_TRACK_NOTEBOOK_PATH=str(tmp_path / "work.ipynb"))
    env.pop("MPLBACKEND", None)  # the kernel's own default: the inline backend
    k = Kernel(env, str(tmp_path))
    try:
        yield k
    finally:
        k.stop()


def _images(messages: list[dict[str, Any]]) -> int:
    return sum(1 for m in messages if m["msg_type"] in ("display_data", "execute_result")
               and "image/png" in m["content"]["data"])


@pytest.mark.slow
def test_figures_shown_in_a_tracked_notebook_land_in_plots(inline_kernel: Kernel) -> None:
    from jupyter_ext import Task

    k = inline_kernel
    k.run("import matplotlib.pyplot as plt")
    k.run('%load_ext jupyter_ext\n%track "Plots/inline"')
    backend = k.text(k.run("import matplotlib; print(matplotlib.get_backend())"))
    assert "inline" in backend, backend
    shown = [
        # plt.show(): stored once, not again when the backend flushes the cell
        k.run("plt.figure(); plt.plot([0, 1], [1, 0]); plt.title('Explicit'); plt.show()"),
        # drawn and left open: the backend shows it at the end of the cell
        k.run("plt.figure(); plt.plot([1, 2, 3], [2, 4, 1]); plt.title('End of cell')"),
        # a figure that is the cell's value
        k.run("fig, ax = plt.subplots(); ax.bar([1, 2], [3, 5]); ax.set_title('Cell value'); fig"),
        # a Figure made without pyplot: only IPython's formatter shows it
        k.run("from matplotlib.figure import Figure\nbare = Figure(); bare.add_subplot().plot([5, 6]); "
              "bare.axes[0].set_title('No pyplot'); bare"),
    ]
    # What the notebook shows is what it shows untracked (a pyplot figure that is the cell's
    # value comes twice: as the value, and from the backend's end-of-cell flush).
    assert [_images(m) for m in shown] == [1, 1, 2, 1]
    task_id = k.text(k.run("from jupyter_ext import Task\nprint(Task.current_task().id)")).strip()
    k.run("Task.current_task().flush(wait_for_uploads=True)")
    plots = [(p["metric"], p["iter"], json.loads(p["plot_str"]))
             for p in Task.get_task(task_id=task_id).get_reported_plots()]
    assert [(title, it) for title, it, _ in plots] == [("Explicit", 0), ("End of cell", 0), ("Cell value", 0),
                                                     ("No pyplot", 0)]
    assert plots[1][2]["data"][0]["y"] == [2.0, 4.0, 1.0]
