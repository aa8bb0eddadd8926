"""CatBoost: the metrics of every boosting iteration become scalars, with no extra code (even
with ``silent=True``); ``save_model`` to a file becomes an OutputModel (framework ``catboost``), ``load_model`` of a
file an input model.

Scalars, as ClearML records them: title = ``learn`` / ``validation`` (``validation_1``… for several
eval sets), series = the metric (``Logloss``, ``AUC``…), iteration = the boosting iteration. A callback
added to ``fit`` reports while training runs; whatever it did not see (CatBoost does not call
it after the last iteration) is taken from ``get_evals_result()`` when ``fit`` returns.
"""
from __future__ import annotations

import inspect
from types import ModuleType
from typing import Any

from jupyter_ext.integrations import _models
from jupyter_ext.integrations._state import patch, reporting, task_for, warn

KEY = "catboost"


class _Curves:
    """Reports each metric's points once, from the growing lists CatBoost keeps."""

    def __init__(self, task: Any) -> None:
        self.logger = task.get_logger()
        self.sent: dict[tuple[str, str], int] = {}

    def report(self, metrics: Any) -> None:
        for dataset, per_metric in metrics.items():
            for metric, values in per_metric.items():
                key = (str(dataset), str(metric))
                start = self.sent.get(key, 0)
                for i in range(start, len(values)):
                    self.logger.report_scalar(key[0], key[1], float(values[i]), i)
                self.sent[key] = len(values)

    # CatBoost's callback protocol
    def after_iteration(self, info: Any) -> bool:
        try:
            self.report(info.metrics)
        except Exception as exc:  # noqa: BLE001 - a hook must never break the user's training
            warn("reporting CatBoost metrics", exc)
        return True


def hook(module: ModuleType) -> None:
    model_class = module.CatBoost
    fit_signature = inspect.signature(model_class._fit)

    def make_fit(original: Any) -> Any:
        def _fit(self: Any, *args: Any, **kwargs: Any) -> Any:
            task = task_for(KEY)
            if task is None:
                return original(self, *args, **kwargs)
            curves = _Curves(task)
            try:
                if str(self.get_params().get("task_type", "CPU")).upper() == "GPU":
                    raise TypeError("CatBoost takes no callbacks on GPU: read the metrics after fit only")
                bound = fit_signature.bind(self, *args, **kwargs)
                given = bound.arguments.get("callbacks")
                bound.arguments["callbacks"] = [*(given or ()), curves]
                args, kwargs = bound.args[1:], bound.kwargs
            except TypeError:
                pass  # let CatBoost raise its own error for a call it does not accept
            result = original(self, *args, **kwargs)
            try:
                curves.report(self.get_evals_result())
            except Exception as exc:  # noqa: BLE001 - a hook must never break the user's training
                warn("reporting CatBoost metrics", exc)
            return result
        return _fit

    def make_save(original: Any) -> Any:
        def save_model(self: Any, fname: Any, *args: Any, **kwargs: Any) -> Any:
            task = task_for(KEY)
            if task is None:
                return original(self, fname, *args, **kwargs)
            with reporting():
                result = original(self, fname, *args, **kwargs)
            _models.saved(KEY, "catboost", fname, task)
            return result
        return save_model

    def make_load(original: Any) -> Any:
        def load_model(self: Any, fname: Any = None, *args: Any, **kwargs: Any) -> Any:
            task = task_for(KEY)
            if task is None:
                return original(self, fname, *args, **kwargs)
            with reporting():
                result = original(self, fname, *args, **kwargs)
            _models.loaded(KEY, "catboost", fname, task)
            return result
        return load_model

    patch(model_class, "_fit", make_fit)
    patch(model_class, "save_model", make_save)
    patch(model_class, "load_model", make_load)
