"""Downsampling of streamed series, previews of artifacts/models/datasets, the comparison tables,
and the notebook redaction rule; in process (no kernel needed for these)."""
from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jupyter_ext.core.rules.redact import redact_code
from jupyter_ext.notebook import preview
from jupyter_ext.notebook.live_plot.buckets import SeriesStream
from jupyter_ext.notebook.snapshot import notebook_file


def test_stream_sends_each_point_once_below_the_cap() -> None:
    s = SeriesStream(max_buckets=100)
    kind, xs, ys = s.add(np.arange(60.0), np.arange(60.0) * 2)
    assert kind == "append" and xs.tolist() == list(range(60)) and ys[-1] == 118
    kind, xs, _ = s.add(np.arange(60.0, 90.0), np.zeros(30))
    assert kind == "append" and xs.tolist() == list(range(60, 90))


def test_stream_compaction_bounds_size_and_keeps_extremes() -> None:
    rng = np.random.default_rng(0)
    s = SeriesStream(max_buckets=100)
    y = rng.normal(size=10_000)
    y[4321], y[8765] = 50.0, -50.0
    resets = 0
    for start in range(0, 10_000, 250):
        kind, xs, ys = s.add(np.arange(start, start + 250, dtype=float), y[start:start + 250])
        resets += kind == "reset"
        assert len(xs) <= 200
    x_all, y_all = s.points()
    assert len(x_all) <= 200 and resets <= 8
    assert y_all.max() == 50.0 and y_all.min() == -50.0
    assert np.all(np.diff(x_all) > 0)
    assert s.raw_count == 10_000


def test_redact_code_masks_notebook_secrets() -> None:
    assert redact_code("%env OPENAI_API_KEY=sk-abc") == "%env OPENAI_API_KEY=********"
    assert redact_code("%env HF_TOKEN hf_secretvalue") == "%env HF_TOKEN ********"
    assert redact_code('os.environ["DB_PASSWORD"] = "pw"') == 'os.environ["DB_PASSWORD"] = "********"'
    assert "ghp_" not in redact_code("got ghp_abcdefghijklmnopqrstuvwxyz0123456789 back")
    assert redact_code("%env CUDA_VISIBLE_DEVICES 0") == "%env CUDA_VISIBLE_DEVICES 0"
    nb = {"cells": [{"cell_type": "code", "source": ["%env API_KEY ", "abc\n"], "metadata": {},
                     "outputs": [{"output_type": "stream", "name": "stdout", "text": ["token: xyz\n"]},
                                 {"output_type": "display_data", "metadata": {},
                                  "data": {"image/png": "iVBORw0KGgo=", "text/html": "<b>password=hunter2</b>"}}]}],
          "metadata": {"widgets": {"state": {"secret": "x"}}}, "nbformat": 4, "nbformat_minor": 5}
    clean = json.dumps(notebook_file.redact(nb))
    for secret in ("abc", "xyz", "hunter2", "widgets"):
        assert secret not in clean
    assert "iVBORw0KGgo=" in clean
    assert nb["cells"][0]["source"] == ["%env API_KEY ", "abc\n"]  # the input is not changed


@pytest.fixture
def task(track_home: Path):
    from jupyter_ext import Task

    t = Task.init(project_name="Previews", task_name="artifacts")
    yield t
    t.close()


def test_artifact_previews(task, tmp_path: Path) -> None:
    from PIL import Image

    df = pd.DataFrame({"a": range(100), "b": ["x"] * 100})
    task.upload_artifact("table", df, wait_on_upload=True)
    csv = tmp_path / "data.csv"
    df.to_csv(csv, index=False)
    task.upload_artifact("csv", str(csv), wait_on_upload=True)
    task.upload_artifact("cfg", {"model": {"layers": [1, 2]}, "lr": 0.1}, wait_on_upload=True)
    img = tmp_path / "pic.png"
    Image.new("RGB", (4, 4), "red").save(img)
    task.upload_artifact("picture", str(img), wait_on_upload=True)
    page = tmp_path / "page.html"
    page.write_text("<script>alert(1)</script><p>hi</p>")
    task.upload_artifact("page", str(page), wait_on_upload=True)
    task.upload_artifact("note", "plain <text>", wait_on_upload=True)
    arts = task.artifacts
    table = arts["table"]._repr_mimebundle_()["text/html"]
    assert "<table" in table and "100 rows × 2 columns" in table and "first 50 shown" in table
    assert "<table" in arts["csv"]._repr_mimebundle_()["text/html"]
    tree = arts["cfg"]._repr_mimebundle_()["text/html"]
    assert "<details open>" in tree and "layers" in tree
    pic = arts["picture"]._repr_mimebundle_()
    assert Image.open(io.BytesIO(base64.b64decode(pic["image/png"]))).size == (4, 4)
    frame = arts["page"]._repr_mimebundle_()["text/html"]
    assert "<iframe sandbox=''" in frame and "<script>" not in frame  # escaped into srcdoc, never live
    assert "plain &lt;text&gt;" in arts["note"]._repr_mimebundle_()["text/html"]
    assert isinstance(arts["cfg"].preview, str) and callable(arts["cfg"].preview)


def test_model_and_dataset_previews(task, tmp_path: Path) -> None:
    from jupyter_ext import Dataset, OutputModel

    weights = tmp_path / "w.bin"
    weights.write_bytes(b"123")
    model = OutputModel(task=task, name="net", framework="PyTorch", label_enumeration={"cat": 0, "dog": 1})
    model.update_weights(weights_filename=str(weights))
    html = preview.model_bundle(model)["text/html"]
    assert "Model &#x27;net&#x27;" in html and "dog" in html and "pytorch" in html.lower()
    (tmp_path / "ds").mkdir()
    (tmp_path / "ds" / "a.txt").write_text("a")
    ds = Dataset.create(dataset_name="tiny", dataset_project="Previews")
    ds.add_files(str(tmp_path / "ds"))
    ds.upload(show_progress=False)
    ds.finalize()
    html = ds._repr_mimebundle_()["text/html"]
    assert "a.txt" in html and "tiny" in html


def test_comparison_marks_differing_parameters(track_home: Path) -> None:
    import jupyter_ext
    from jupyter_ext import Task

    tasks = []
    for lr in (0.1, 0.2):
        t = Task.init(project_name="Cmp", task_name=f"lr {lr}", reuse_last_task_id=False)
        t.connect({"lr": lr, "epochs": 3})
        t.get_logger().report_single_value("acc", lr * 2)
        t.close()
        tasks.append(t)
    cmp = jupyter_ext.compare([tasks[0], tasks[1].id])
    assert cmp.differing_parameters() == ["General/lr"]
    assert cmp.single_values() == {"acc": [0.2, 0.4]}
    html = cmp.html()
    assert "data-differs='true'><td>General/lr" in html and "1 of 2 differ" in html
    from jupyter_ext.errors import InvalidArgument

    with pytest.raises(InvalidArgument, match="at least two tasks"):
        jupyter_ext.compare([tasks[0]])
