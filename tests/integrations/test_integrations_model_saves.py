"""Model saves become OutputModels of the task, framework set: torch.save, joblib.dump of a
scikit-learn model, Keras model.save; registered by path, or uploaded with an output_uri."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import PRELUDE, result_of


def test_torch_save_to_files_not_buffers_with_versions_per_file(run_py: Any, stored: Any) -> None:
    proc = run_py.run(PRELUDE + """
import io, torch
task = Task.init(project_name="Auto", task_name="torch")
net = torch.nn.Linear(3, 2)
for epoch in range(2):
    torch.save(net.state_dict(), "checkpoint.pt")        # the same file twice: versions 1, 2
torch.save(net, "full_model.pth")
torch.save(net.state_dict(), io.BytesIO())               # a buffer: no file, no model
done(task)
""", timeout=120)
    task = stored(result_of(proc)["id"])
    models = {m.name: m for m in task.models["output"]}
    assert set(models) == {"torch - checkpoint", "torch - full_model"}
    assert models["torch - checkpoint"].framework == "pytorch"
    assert models["torch - checkpoint"].version == 2
    assert models["torch - full_model"].url == "file://" + str(run_py.workdir / "full_model.pth")


@pytest.mark.slow
def test_torchscript_save_is_an_output_model(run_py: Any, stored: Any) -> None:
    # ClearML's pytorch_tensorboard example saves torch.jit.script(model) with its own .save()
    proc = run_py.run(PRELUDE + """
import torch
task = Task.init(project_name="Auto", task_name="torchscript")
scripted = torch.jit.script(torch.nn.Linear(3, 2))
scripted.save("scripted.pt")
torch.jit.save(scripted, "saved_by_jit.pt")
done(task)
""", timeout=120)
    models = {m.name: m for m in stored(result_of(proc)["id"]).models["output"]}
    assert set(models) == {"torchscript - scripted", "torchscript - saved_by_jit"}
    assert models["torchscript - saved_by_jit"].version == 1  # recorded once, not by both hooks
    assert models["torchscript - scripted"].framework == "pytorch"


def test_joblib_dump_of_a_sklearn_model_uploaded_with_output_uri(run_py: Any, stored: Any, tmp_path: Path) -> None:
    out = tmp_path / "models-out"
    proc = run_py.run(PRELUDE + f"""
import joblib
from sklearn.linear_model import LogisticRegression
task = Task.init(project_name="Auto", task_name="sk", output_uri={str(out)!r},
                 auto_connect_frameworks={{"scikit": "*.joblib"}})
clf = LogisticRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])
joblib.dump(clf, "classifier.joblib")
joblib.dump(clf, "skipped.pkl")                          # not *.joblib
done(task)
""", timeout=120)
    task = stored(result_of(proc)["id"])
    (model,) = task.models["output"]
    assert model.name == "sk - classifier" and model.framework == "scikitlearn"
    local = model.get_local_copy()                           # uploaded to the output_uri: a real copy
    import joblib

    assert joblib.load(local).predict([[2.5]]).tolist() == [1]
    assert any(p.is_file() for p in out.rglob("*")), "the weights were uploaded to the task's output_uri"


def test_keras_model_save_on_the_torch_backend(run_py: Any, stored: Any) -> None:
    proc = run_py.run(PRELUDE + """
import os
os.environ["KERAS_BACKEND"] = "torch"
import keras
task = Task.init(project_name="Auto", task_name="keras")
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
model.save("net.keras")
model.save_weights("net.weights.h5")
done(task)
""", timeout=180)
    task = stored(result_of(proc)["id"])
    models = {m.name: m.framework for m in task.models["output"]}
    assert models == {"keras - net": "keras", "keras - net.weights": "keras"}


def test_lightning_checkpoints_and_logged_metrics(run_py: Any, stored: Any) -> None:
    proc = run_py.run(PRELUDE + """
import torch, lightning as L
from torch.utils.data import DataLoader, TensorDataset

class Tiny(L.LightningModule):
    def __init__(self):
        super().__init__()
        self.layer = torch.nn.Linear(2, 1)
    def training_step(self, batch, _):
        x, y = batch
        loss = torch.nn.functional.mse_loss(self.layer(x), y)
        self.log("train_loss", loss)
        return loss
    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)

task = Task.init(project_name="Auto", task_name="lightning")
data = DataLoader(TensorDataset(torch.rand(16, 2), torch.rand(16, 1)), batch_size=4)
trainer = L.Trainer(max_epochs=2, log_every_n_steps=1, enable_progress_bar=False, enable_model_summary=False,
                    default_root_dir="lightning_runs", accelerator="cpu")
trainer.fit(Tiny(), data)
done(task)
""", timeout=240)
    task = stored(result_of(proc)["id"])
    curves = task.get_reported_scalars()
    assert len(curves["train_loss"]["train_loss"]["x"]) == 8  # 2 epochs x 4 steps, through TensorBoard
    models = task.models["output"]  # ModelCheckpoint writes one file per epoch
    assert sorted(m.name for m in models) == ["lightning - epoch=0-step=4", "lightning - epoch=1-step=8"]
    assert all(m.framework == "pytorch" and m.url.endswith(".ckpt") for m in models)
