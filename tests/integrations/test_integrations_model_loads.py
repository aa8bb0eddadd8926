"""Model loads become input models of the task, as in ClearML: torch.load, joblib.load, Keras
load_model / load_weights, the boosting libraries' load_model; a file this store already holds
links its model instead of registering a new one."""
from __future__ import annotations

from typing import Any

import pytest

from .conftest import PRELUDE, result_of


def _inputs(task: Any) -> dict[str, Any]:
    return {m.name: m for m in task.models["input"]}


def test_torch_and_joblib_loads_link_input_models_and_reuse_held_ones(run_py: Any, stored: Any) -> None:
    proc = run_py.run(PRELUDE + """
import io, joblib, torch
net = torch.nn.Linear(3, 2)
torch.save(net.state_dict(), "pretrained.pt")             # before any task: a plain file
joblib.dump({"w": [1, 2]}, "scaler.pkl")
first = Task.init(project_name="Auto", task_name="makes")
torch.save(net.state_dict(), "made.pt")                   # registered by path as an output model
first.close()
task = Task.init(project_name="Auto", task_name="loads")
torch.load("pretrained.pt")
torch.load("pretrained.pt")                               # the same file again: the same input
torch.load("made.pt")                                     # a file the store holds: that model
joblib.load("scaler.pkl")
buffer = io.BytesIO(); torch.save(net.state_dict(), buffer); buffer.seek(0)
torch.load(buffer)                                        # no file: nothing to link
done(task, made=first.models["output"][0].id)
""", timeout=120)
    out = result_of(proc)
    inputs = _inputs(stored(out["id"]))
    assert set(inputs) == {"pretrained.pt", "makes - made", "scaler.pkl"}
    assert inputs["makes - made"].id == out["made"]
    assert inputs["pretrained.pt"].framework == "pytorch"
    assert inputs["pretrained.pt"].url == "file://" + str(run_py.workdir / "pretrained.pt")
    assert inputs["scaler.pkl"].framework == "scikitlearn"
    assert stored(out["id"]).models["output"] == []          # loads make no output models


def test_a_local_copy_of_stored_weights_links_its_model(run_py: Any, stored: Any, tmp_path: Any) -> None:
    proc = run_py.run(PRELUDE + f"""
import torch
from jupyter_ext import InputModel
maker = Task.init(project_name="Auto", task_name="upload", output_uri={str(tmp_path / "out")!r})
torch.save(torch.nn.Linear(2, 2).state_dict(), "w.pt")   # uploaded: the store holds the bytes
maker.close()
model_id = maker.models["output"][0].id
task = Task.init(project_name="Auto", task_name="fine-tune")
torch.load(InputModel(model_id=model_id).get_local_copy())
again = Task.init(project_name="Auto", task_name="same file")
torch.load("w.pt")                                        # the file uploaded as that model's weights
again.close()
done(task, model_id=model_id, again=again.id)
""", timeout=120)
    out = result_of(proc)
    (only,) = stored(out["id"]).models["input"]
    assert only.id == out["model_id"]
    assert [m.id for m in stored(out["again"]).models["input"]] == [out["model_id"]]


def test_loads_follow_the_switches(run_py: Any, stored: Any) -> None:
    proc = run_py.run(PRELUDE + """
import joblib, torch
torch.save({"a": 1}, "a.pt"); torch.save({"b": 1}, "b.ckpt"); joblib.dump([1], "c.pkl")
task = Task.init(project_name="Auto", task_name="switched",
                 auto_connect_frameworks={"pytorch": "*.pt", "joblib": False})
torch.load("a.pt"); torch.load("b.ckpt"); joblib.load("c.pkl")
done(task)
""", timeout=120)
    assert set(_inputs(stored(result_of(proc)["id"]))) == {"a.pt"}


@pytest.mark.slow
def test_boosting_and_keras_loads(run_py: Any, stored: Any) -> None:
    proc = run_py.run(PRELUDE + """
import os
os.environ["KERAS_BACKEND"] = "torch"
import numpy as np, catboost, lightgbm, xgboost, keras
X = np.random.RandomState(0).rand(40, 3); y = (X[:, 0] > 0.5).astype(int)
catboost.CatBoostClassifier(iterations=3, verbose=False).fit(X, y).save_model("cb.cbm")
xgboost.XGBClassifier(n_estimators=3).fit(X, y).save_model("xgb.json")
lightgbm.train({"verbose": -1}, lightgbm.Dataset(X, y), 3).save_model("lgb.txt")
net = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
net.save("net.keras"); net.save_weights("net.weights.h5")
task = Task.init(project_name="Auto", task_name="boost loads")
catboost.CatBoostClassifier().load_model("cb.cbm")
booster = xgboost.Booster(); booster.load_model("xgb.json")
xgboost.XGBClassifier().load_model("xgb.json")            # the same file: one input model
lightgbm.Booster(model_file="lgb.txt")
keras.models.load_model("net.keras").load_weights("net.weights.h5")
done(task)
""", timeout=300)
    inputs = {name: m.framework for name, m in _inputs(stored(result_of(proc)["id"])).items()}
    assert inputs == {"cb.cbm": "catboost", "xgb.json": "xgboost", "lgb.txt": "lightgbm",
                      "net.keras": "keras", "net.weights.h5": "keras"}
