"""LightGBM: the eval metrics of every boosting round become scalars; ``save_model`` to a
file becomes an OutputModel (framework ``lightgbm``); ``Booster(model_file=...)`` (LightGBM's
way to load a model) an input model.

Scalars, as ClearML records them: title = the validation set's name (``training``, ``valid_0``…),
series = the metric (``binary_logloss``, ``l2``…), iteration = the round. Rounds are only evaluated on the sets
given as ``valid_sets=`` (``eval_set=`` in ``fit``).
"""
from __future__ import annotations

import inspect
from types import ModuleType
from typing import Any

from jupyter_ext.integrations import _models
from jupyter_ext.integrations._state import patch, patch_aliases, reporting, task_for, warn

KEY = "lightgbm"


def _callback(task: Any) -> Any:
    logger = task.get_logger()

    def report_to_task(env: Any) -> None:
        try:
            for item in env.evaluation_result_list or ():
                data, metric, value = item[0], item[1], item[2]
                logger.report_scalar(str(data), str(metric), float(value), int(env.iteration))
        except Exception as exc:  # noqa: BLE001 - a hook must never break the user's training
            warn("reporting LightGBM metrics", exc)

    report_to_task.order = 30  # type: ignore[attr-defined]  # after LightGBM's own evaluation
    return report_to_task


def hook(module: ModuleType) -> None:
    def make_train(original: Any) -> Any:
        signature = inspect.signature(original)

        def train(*args: Any, **kwargs: Any) -> Any:
            task = task_for(KEY)
            if task is not None:
                try:
                    bound = signature.bind(*args, **kwargs)
                    bound.arguments["callbacks"] = [*(bound.arguments.get("callbacks") or ()), _callback(task)]
                    args, kwargs = bound.args, bound.kwargs
                except TypeError:
                    pass  # LightGBM raises its own error for the call
            return original(*args, **kwargs)
        return train

    owners = [m for m in (module, getattr(module, "engine", None), getattr(module, "sklearn", None)) if m]
    patch_aliases(owners, "train", make_train)

    def make_save(original: Any) -> Any:
        def save_model(self: Any, filename: Any, *args: Any, **kwargs: Any) -> Any:
            task = task_for(KEY)
            if task is None:
                return original(self, filename, *args, **kwargs)
            with reporting():
                result = original(self, filename, *args, **kwargs)
            _models.saved(KEY, "lightgbm", filename, task)
            return result
        return save_model

    def make_init(original: Any) -> Any:
        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            task = task_for(KEY)
            model_file = args[2] if len(args) > 2 else kwargs.get("model_file")
            if task is None or model_file is None:
                original(self, *args, **kwargs)
                return
            with reporting():
                original(self, *args, **kwargs)
            _models.loaded(KEY, "lightgbm", model_file, task)
        return __init__

    patch(module.basic.Booster, "save_model", make_save)
    patch(module.basic.Booster, "__init__", make_init)
