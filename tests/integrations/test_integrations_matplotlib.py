"""matplotlib and seaborn figures land in the task's Plots: from plt.show(), savefig, and the
inline backend of a real notebook kernel (shown explicitly or at the end of a cell)."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from .conftest import PRELUDE, result_of

AGG = """
import matplotlib; matplotlib.use("Agg")
import matplotlib.pyplot as plt
"""


def _plots(task: Any) -> list[tuple[str, str, int, dict[str, Any]]]:
    return [(p["metric"], p["variant"], p["iter"], json.loads(p["plot_str"])) for p in task.get_reported_plots()]


def test_show_and_savefig_store_each_figure_once_until_it_changes(run_py: Any, stored: Any) -> None:
    proc = run_py.run(PRELUDE + AGG + """
task = Task.init(project_name="Auto", task_name="mpl")
fig, ax = plt.subplots()
ax.plot([0, 1, 2], [3, 1, 2], label="loss"); ax.set_title("Training")
plt.show()
fig.savefig("training.png")          # unchanged: not stored again
ax.plot([0, 1, 2], [1, 1, 1])        # changed: stored again, next iteration
fig.savefig("training.png")
plt.figure(); plt.bar(["a", "b"], [2, 5])
plt.show()                           # no title: "untitled 00", as ClearML names the first
plt.figure(); plt.imshow([[0, 1], [1, 0]]); plt.suptitle("Pixels")
plt.savefig("pixels.png")            # an image: no faithful plotly form, stored as a picture
plt.show()                           # an empty call stores nothing new
done(task)
""")
    plots = _plots(stored(result_of(proc)["id"]))
    assert [(t, s, i) for t, s, i, _ in plots] == [("Training", "plot", 0), ("Training", "plot", 1),
                                                   ("untitled 00", "plot", 0), ("Pixels", "plot", 0)]
    first, second = plots[0][3], plots[1][3]
    assert [tr["type"] for tr in first["data"]] == ["scatter"] and first["data"][0]["y"] == [3.0, 1.0, 2.0]
    assert len(second["data"]) == 2
    assert plots[2][3]["data"][0]["type"] == "bar"
    picture = plots[3][3]["layout"]["images"][0]["source"]
    assert picture.startswith("data:image/png;base64,") and plots[3][3]["data"] == []
    assert os.path.getsize(run_py.workdir / "pixels.png") > 0  # the user's own file is still written


def test_seaborn_pairplot_of_the_guide(run_py: Any, stored: Any) -> None:
    # The guide's step 4: sns.pairplot(df, hue="Survived"); plt.title("Pairplot"); plt.show()
    proc = run_py.run(PRELUDE + AGG + """
import numpy as np, pandas as pd, seaborn as sns
task = Task.init(project_name="Auto", task_name="seaborn")
rng = np.random.default_rng(0)
df = pd.DataFrame({"Age": rng.normal(30, 10, 60), "Fare": rng.gamma(2, 10, 60),
                   "Survived": rng.integers(0, 2, 60)})
sns.pairplot(df, hue="Survived")
plt.title("Pairplot")
plt.show()
done(task)
""", timeout=120)
    plots = _plots(stored(result_of(proc)["id"]))
    assert [(t, i) for t, _, i, _ in plots] == [("Pairplot", 0)]
    figure = plots[0][3]
    assert figure["data"] or figure["layout"]["images"]


def test_figures_of_a_notebook_with_the_inline_backend(track_home: Path, tmp_path: Path, stored: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import nbformat
    from nbclient import NotebookClient

    cells = [
        "from jupyter_ext import Task\n"
        "task = Task.init(project_name='Auto', task_name='notebook')\n"
        "import matplotlib.pyplot as plt",
        # shown by the inline backend at the end of the cell, without plt.show()
        "plt.plot([1, 2, 3], [2, 4, 1]); plt.title('Implicit')",
        # shown explicitly: stored once, not again when the backend flushes the cell
        "plt.figure(); plt.plot([0, 1], [1, 0]); plt.title('Explicit'); plt.show()",
        "import seaborn as sns, pandas as pd\n"
        "sns.histplot(pd.Series([1, 2, 2, 3, 3, 3]), bins=3); plt.title('Seaborn')",
        "task.close(); print('ID=' + task.id)",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    for name in [n for n in os.environ if n.startswith(("JUPYTER_TRACK_", "CLEARML_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("JUPYTER_TRACK_HOME", str(track_home))
    monkeypatch.setenv("JUPYTER_TRACK_CONFIG_FILE", str(tmp_path / "none.toml"))
    monkeypatch.delenv("MPLBACKEND", raising=False)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    shown = [o for c in nb.cells[1:4] for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(shown) == 3  # the notebook itself still shows every figure
    text = "".join(o.get("text", "") for o in nb.cells[4].outputs)
    task_id = text.split("ID=")[1].strip()
    plots = _plots(stored(task_id))
    assert [(t, i) for t, _, i, _ in plots] == [("Implicit", 0), ("Explicit", 0), ("Seaborn", 0)]
    assert plots[0][3]["data"][0]["y"] == [2.0, 4.0, 1.0]


def test_a_figure_reported_explicitly_is_not_stored_twice(run_py: Any, stored: Any) -> None:
    proc = run_py.run(PRELUDE + AGG + """
from jupyter_ext import Logger
task = Task.init(project_name="Auto", task_name="explicit")
fig, ax = plt.subplots(); ax.imshow([[0, 1], [1, 0]])         # a picture among the plots (no plotly form)
Logger.current_logger().report_matplotlib_figure(title="EDA", series="pixels", figure=fig, iteration=0)
plt.show()                                                    # unchanged since: nothing new
done(task)
""")
    task = stored(result_of(proc)["id"])
    assert [(p["metric"], p["variant"]) for p in task.get_reported_plots()] == [("EDA", "pixels")]
    assert task.get_debug_samples("EDA", "pixels") == []
