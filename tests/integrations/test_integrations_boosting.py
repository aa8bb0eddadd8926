"""CatBoost, XGBoost and LightGBM: per-iteration metrics become scalars with no extra code,
and save_model becomes an OutputModel of the task with the framework set."""
from __future__ import annotations

from typing import Any

from .conftest import PRELUDE, result_of, scalars

DATA = """
import numpy as np
rng = np.random.default_rng(0)
X = rng.random((240, 4)); y = (X[:, 0] + 0.3 * rng.random(240) > 0.65).astype(int)
X_train, y_train, X_valid, y_valid = X[:180], y[:180], X[180:], y[180:]
"""


def test_catboost_curves_of_a_silent_fit_and_its_saved_model(run_py: Any, stored: Any) -> None:
    # The guide's steps 6 and 8: fit with silent=True, then best_model.save_model("best_model.cbm").
    proc = run_py.run(PRELUDE + DATA + """
from catboost import CatBoostClassifier
task = Task.init(project_name="Auto", task_name="Titanic Survival Prediction")
model = CatBoostClassifier(iterations=12, silent=True)
model.fit(X_train, y_train)
expected = model.get_evals_result()["learn"]["Logloss"]
valid = CatBoostClassifier(iterations=8, silent=True, eval_metric="AUC")
valid.fit(X_train, y_train, eval_set=(X_valid, y_valid))
model.save_model("best_model.cbm")
done(task, expected=expected)
""", timeout=120)
    out = result_of(proc)
    task = stored(out["id"])
    curves = scalars(task)
    learn = curves["learn"]["Logloss"]  # as ClearML: the title is the data set, the series the metric
    assert [i for i, _ in learn] == list(range(12))  # every iteration, the last one included
    # the second fit reported the first 8 points again (same title/series): they win
    assert [round(v, 9) for _, v in learn[8:]] == [round(v, 9) for v in out["expected"][8:]]
    assert sorted(curves["validation"]) == ["AUC", "Logloss"] and len(curves["validation"]["AUC"]) == 8
    (model,) = task.models["output"]
    assert model.name == "Titanic Survival Prediction - best_model"
    assert model.framework == "catboost"
    assert model.url == "file://" + str(run_py.workdir / "best_model.cbm")


def test_xgboost_and_lightgbm_eval_curves_and_saves(run_py: Any, stored: Any) -> None:
    proc = run_py.run(PRELUDE + DATA + """
import xgboost as xgb, lightgbm as lgb
task = Task.init(project_name="Auto", task_name="boost")
clf = xgb.XGBClassifier(n_estimators=6, max_depth=2)
clf.fit(X_train, y_train, eval_set=[(X_train, y_train), (X_valid, y_valid)], verbose=False)
clf.save_model("xgb_model.json")                          # sklearn API -> Booster: one model
booster = xgb.train({"objective": "reg:squarederror"}, xgb.DMatrix(X_train, label=y_train), 4,
                    evals=[(xgb.DMatrix(X_valid, label=y_valid), "holdout")], verbose_eval=False)
lgbm = lgb.LGBMClassifier(n_estimators=5, verbose=-1)
lgbm.fit(X_train, y_train, eval_set=[(X_valid, y_valid)])
lgbm.booster_.save_model("lgb_model.txt")
booster.save_model("xgb_booster.ubj")
done(task)
""", timeout=120)
    task = stored(result_of(proc)["id"])
    curves = scalars(task)
    assert sorted(curves["validation_0"]) == ["logloss"] and sorted(curves["validation_1"]) == ["logloss"]
    assert [i for i, _ in curves["validation_1"]["logloss"]] == list(range(6))
    assert [i for i, _ in curves["holdout"]["rmse"]] == list(range(4))
    assert [i for i, _ in curves["valid_0"]["binary_logloss"]] == list(range(5))
    models = {m.name: m.framework for m in task.models["output"]}
    assert models == {"boost - xgb_model": "xgboost", "boost - lgb_model": "lightgbm",
                      "boost - xgb_booster": "xgboost"}


def test_wildcards_and_switches_per_framework(run_py: Any, stored: Any) -> None:
    proc = run_py.run(PRELUDE + DATA + """
from catboost import CatBoostClassifier
import xgboost as xgb
task = Task.init(project_name="Auto", task_name="filters",
                 auto_connect_frameworks={"catboost": "*.cbm", "xgboost": False})
model = CatBoostClassifier(iterations=3, silent=True).fit(X_train, y_train)
model.save_model("kept.cbm")
model.save_model("skipped.json", format="json")
clf = xgb.XGBClassifier(n_estimators=3).fit(X_train, y_train, eval_set=[(X_valid, y_valid)], verbose=False)
clf.save_model("xgb.json")
done(task)
""", timeout=120)
    task = stored(result_of(proc)["id"])
    assert [m.name for m in task.models["output"]] == ["filters - kept"]
    assert sorted(scalars(task)) == ["learn"]  # no xgboost curves
