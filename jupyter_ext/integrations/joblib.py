"""joblib (and so scikit-learn, whose models are saved with it): ``joblib.dump`` to a file
becomes an OutputModel (framework ``scikitlearn``), ``joblib.load`` of a file an input model.
Switched by ``scikit`` or ``joblib``: either one off turns it off, as a user who says ``{"scikit": False}`` means it."""
from __future__ import annotations

from types import ModuleType
from typing import Any

from jupyter_ext.integrations import _models
from jupyter_ext.integrations._state import patch_aliases, reporting, switches, task_for

KEY = "joblib"


def hook(module: ModuleType) -> None:
    def make_dump(original: Any) -> Any:
        def dump(value: Any, filename: Any, *args: Any, **kwargs: Any) -> Any:
            task = task_for(KEY) if switches().on("scikit") else None
            if task is None or _models.weights_path(filename) is None:
                return original(value, filename, *args, **kwargs)
            with reporting():
                result = original(value, filename, *args, **kwargs)
            key = "scikit" if switches().filters.get("scikit") else KEY
            _models.saved(key, "scikitlearn", filename, task)
            return result
        return dump

    patch_aliases([module, module.numpy_pickle], "dump", make_dump)

    def make_load(original: Any) -> Any:
        def load(filename: Any, *args: Any, **kwargs: Any) -> Any:
            task = task_for(KEY) if switches().on("scikit") else None
            if task is None or _models.weights_path(filename) is None:
                return original(filename, *args, **kwargs)
            with reporting():
                result = original(filename, *args, **kwargs)
            key = "scikit" if switches().filters.get("scikit") else KEY
            _models.loaded(key, "scikitlearn", filename, task)
            return result
        return load

    patch_aliases([module, module.numpy_pickle], "load", make_load)
