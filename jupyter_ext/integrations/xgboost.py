"""XGBoost: the eval metrics of every boosting round become scalars; ``save_model`` to a file
(a Booster's, or a scikit-learn estimator's) becomes an OutputModel (framework ``xgboost``);
``load_model`` of a file (and ``Booster(model_file=...)``, which calls it) an input model.

Scalars, as ClearML records them: title = the eval set's name (``train``, ``validation_0``…),
series = the metric (``logloss``, ``rmse``…), iteration = the round. As in XGBoost itself, rounds are only
evaluated on the sets given as ``evals=`` (``eval_set=`` in ``fit``): without them there is
no curve to report.
"""
from __future__ import annotations

from types import ModuleType
from typing import Any

from jupyter_ext.integrations import _models
from jupyter_ext.integrations._state import patch, patch_aliases, reporting, task_for, warn

KEY = "xgboost"


def _callback(module: ModuleType, task: Any) -> Any:
    base = module.callback.TrainingCallback
    logger = task.get_logger()

    class ReportToTask(base):  # type: ignore[misc, valid-type]
        def after_iteration(self, model: Any, epoch: int, evals_log: Any) -> bool:
            try:
                for data, metrics in evals_log.items():
                    for metric, values in metrics.items():
                        last = values[-1]
                        value = last[0] if isinstance(last, tuple) else last  # (mean, std) in cv
                        logger.report_scalar(str(data), str(metric), float(value), int(epoch))
            except Exception as exc:  # noqa: BLE001 - a hook must never break the user's training
                warn("reporting XGBoost metrics", exc)
            return False  # never ask to stop training

    return ReportToTask()


def hook(module: ModuleType) -> None:
    def make_train(original: Any) -> Any:
        def train(*args: Any, **kwargs: Any) -> Any:
            task = task_for(KEY)
            if task is not None:
                try:
                    kwargs["callbacks"] = [*(kwargs.get("callbacks") or ()), _callback(module, task)]
                except Exception as exc:  # noqa: BLE001 - a hook must never break the user's training
                    warn("adding the XGBoost callback", exc)
            return original(*args, **kwargs)
        return train

    owners = [m for m in (module, getattr(module, "training", None), getattr(module, "sklearn", None)) if m]
    patch_aliases(owners, "train", make_train)

    def make_save(original: Any) -> Any:
        def save_model(self: Any, fname: Any, *args: Any, **kwargs: Any) -> Any:
            task = task_for(KEY)
            if task is None:
                return original(self, fname, *args, **kwargs)
            with reporting():  # XGBModel.save_model calls Booster.save_model: one model, not two
                result = original(self, fname, *args, **kwargs)
            _models.saved(KEY, "xgboost", fname, task)
            return result
        return save_model

    def make_load(original: Any) -> Any:
        def load_model(self: Any, fname: Any, *args: Any, **kwargs: Any) -> Any:
            task = task_for(KEY)
            if task is None:
                return original(self, fname, *args, **kwargs)
            with reporting():  # XGBModel.load_model calls Booster.load_model: one input, not two
                result = original(self, fname, *args, **kwargs)
            _models.loaded(KEY, "xgboost", fname, task)
            return result
        return load_model

    patch(module.core.Booster, "save_model", make_save)
    patch(module.core.Booster, "load_model", make_load)
    sklearn = getattr(module, "sklearn", None)
    if sklearn is not None:
        patch(sklearn.XGBModel, "save_model", make_save)
        patch(sklearn.XGBModel, "load_model", make_load)
