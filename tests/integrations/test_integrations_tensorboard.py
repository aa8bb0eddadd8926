"""TensorBoard writers (torch.utils.tensorboard and tensorboardX): scalars, histograms, images,
figures, text and hparams are reported to the task as they are written; event files stay."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import PRELUDE, result_of, scalars

WRITE = """
import numpy as np
import matplotlib; matplotlib.use("Agg")
import matplotlib.pyplot as plt
task = Task.init(project_name="Auto", task_name="tb " + WRITER_NAME,
                 auto_connect_frameworks={"tensorboard": {"report_hparams": REPORT_HPARAMS}})
writer = SummaryWriter(log_dir="runs")
for step in range(3):
    writer.add_scalar("loss/train", 1.0 / (step + 1), step)
    writer.add_scalars("accuracy", {"train": 0.5 + step / 10, "valid": 0.4 + step / 10}, step)
writer.add_scalar("lr", 0.1)                      # no step: 0, then 1
writer.add_scalar("lr", 0.05)
writer.add_histogram("weights/layer1", np.random.default_rng(0).normal(size=500), 2)
writer.add_image("samples/input", np.random.default_rng(1).random((3, 8, 10)), 1)          # CHW floats
writer.add_images("samples/batch", np.zeros((4, 6, 5, 3), dtype=np.uint8), 1, dataformats="NHWC")
fig = plt.figure(); plt.plot([1, 2, 3], [1, 4, 9]); plt.title("curve")
writer.add_figure("figures/curve", fig, 2)         # an interactive plot, not also an image
writer.add_text("notes", "hello from tensorboard", 0)
writer.add_hparams({"lr": 0.1, "depth": 4}, {"hparam/accuracy": 0.75})
writer.close()
done(task)
"""


@pytest.mark.parametrize("writer", ["torch", "tensorboardX"])
def test_writer_calls_become_scalars_plots_and_debug_samples(run_py: Any, stored: Any, writer: str) -> None:
    source = "from torch.utils.tensorboard import SummaryWriter" if writer == "torch" \
        else "from tensorboardX import SummaryWriter"
    proc = run_py.run(PRELUDE + source + f"\nWRITER_NAME = {writer!r}\nREPORT_HPARAMS = True\n" + WRITE,
                      timeout=180)
    task = stored(result_of(proc)["id"])
    curves = scalars(task)
    assert curves["loss"]["train"] == [(0, 1.0), (1, 0.5), (2, 1.0 / 3)]
    assert sorted(curves["accuracy"]) == ["train", "valid"] and curves["accuracy"]["valid"][2] == (2, 0.4 + 2 / 10)
    assert curves["lr"]["lr"] == [(0, 0.1), (1, 0.05)]
    assert curves["hparam"]["accuracy"] == [(0, 0.75)]
    plots = {(p["metric"], p["variant"]): p for p in task.get_reported_plots()}
    assert set(plots) == {("weights", "layer1"), ("figures", "curve")}
    hist = json.loads(plots["weights", "layer1"]["plot_str"])
    assert hist["data"][0]["type"] == "bar" and sum(hist["data"][0]["y"]) == 500
    assert plots["weights", "layer1"]["iter"] == 2
    assert json.loads(plots["figures", "curve"]["plot_str"])["data"][0]["y"] == [1.0, 4.0, 9.0]
    image = task.get_debug_samples("samples", "input")
    batch = task.get_debug_samples("samples", "batch")
    assert [s["iter"] for s in image] == [1] and [s["iter"] for s in batch] == [1]
    assert task.get_debug_samples("figures", "curve") == []
    assert task.get_parameters_as_dict()["TB_hparams"] == {"lr": 0.1, "depth": 4}
    assert "notes (step 0): hello from tensorboard" in "".join(task.get_reported_console_output(10))
    events = list(Path(run_py.workdir, "runs").rglob("events.out.tfevents.*"))
    assert events and all(e.stat().st_size > 0 for e in events)  # TensorBoard still gets its files


def test_report_hparams_off(run_py: Any, stored: Any) -> None:
    proc = run_py.run(PRELUDE + "from tensorboardX import SummaryWriter\nWRITER_NAME = 'x'\nREPORT_HPARAMS = False\n"
                      + WRITE, timeout=120)
    task = stored(result_of(proc)["id"])
    assert "TB_hparams" not in task.get_parameters_as_dict()
    assert scalars(task)["hparam"]["accuracy"] == [(0, 0.75)]  # its metrics are still results
