"""``jupyter_ext.compare([...])`` in a real notebook run by nbclient: the parallel coordinates of
the parameters that differ and a metric, the scatter, one colour per task and one dash per series
in the overlaid curves (the lab's palette), the tables; bad metric names refused at the call."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

CELLS = [
    "import jupyter_ext\nfrom jupyter_ext import Task\nruns = []\n"
    "for n, (lr, opt) in enumerate([(0.1, 'adam'), (0.2, 'sgd'), (0.3, 'adam')]):\n"
    "    t = Task.init(project_name='Inline', task_name=f'run {n}', auto_resource_monitoring=False)\n"
    "    t.connect({'lr': lr, 'optimizer': opt, 'batch': 32})\n"
    "    for i in range(5):\n"
    "        t.get_logger().report_scalar('loss', 'train', 1 / (1 + i * lr), i)\n"
    "        t.get_logger().report_scalar('loss', 'val', 1.1 / (1 + i * lr), i)\n"
    "    t.close()\n"
    "    runs.append(t)",
    "cmp = jupyter_ext.compare(runs, metric='loss/val', value='min')\ncmp",
    "import json\nprint(json.dumps([[s['series'], s.get('color'), s.get('dash')] "
    "for s in cmp.plot_state.initial()['series']]))",
    "try:\n    jupyter_ext.compare(runs, metric='nope/x')\nexcept Exception as e:\n    print(type(e).__name__, e)",
]

TABLEAU = ["#4e79a7", "#f28e2b", "#e15759"]


@pytest.mark.slow
def test_inline_compare_draws_parcoords_scatter_and_task_colours(track_home: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    for name in [n for n in os.environ if n.startswith(("JUPYTER_TRACK_", "CLEARML_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("JUPYTER_TRACK_HOME", str(track_home))
    monkeypatch.setenv("JUPYTER_TRACK_CONFIG_FILE", str(tmp_path / "none.toml"))
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()

    figures = [o["data"]["application/vnd.plotly.v1+json"] for o in nb.cells[1].outputs
               if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert len(figures) == 2
    parcoords, scatter = figures[0]["data"][0], figures[1]["data"][0]
    assert parcoords["type"] == "parcoords"
    dims = {d["label"]: d for d in parcoords["dimensions"]}
    assert list(dims) == ["General/lr", "General/optimizer", "loss/val (min)"]  # batch is the same: no axis
    assert dims["General/lr"]["values"] == [0.1, 0.2, 0.3]
    assert dims["General/optimizer"]["ticktext"] == ["adam", "sgd"] and dims["General/optimizer"]["values"] == [0, 1, 0]
    assert dims["loss/val (min)"]["values"] == pytest.approx([1.1 / 1.4, 1.1 / 1.8, 1.1 / 2.2])
    assert [c for _, c in parcoords["line"]["colorscale"]] == TABLEAU
    assert scatter["type"] == "scatter" and scatter["marker"]["color"] == TABLEAU
    assert scatter["text"] == ["run 0", "run 1", "run 2"]
    # Each figure carries a table for a saved notebook seen without the plotly renderer.
    html = next(o["data"]["text/html"] for o in nb.cells[1].outputs if "application/vnd.plotly.v1+json" in o["data"])
    assert "run 2" in html and "loss/val (min)" in html
    tables = "".join(o["data"].get("text/html", "") for o in nb.cells[1].outputs if "jupyter-track-compare"
                     in o["data"].get("text/html", ""))
    assert all(f"color:{c}" in tables for c in TABLEAU)

    styles = json.loads("".join(o.get("text", "") for o in nb.cells[2].outputs))
    by_name = {name: (color, tuple(dash)) for name, color, dash in styles}
    assert by_name["run 0: train"] == (TABLEAU[0], ()) and by_name["run 0: val"] == (TABLEAU[0], (6, 4))
    assert by_name["run 2: val"] == (TABLEAU[2], (6, 4))

    refused = "".join(o.get("text", "") for o in nb.cells[3].outputs)
    assert refused.startswith("InvalidArgument") and "'nope/x'" in refused and "loss/train" in refused
