"""Keras (3, on any backend; also ``tf.keras``): ``model.save``, ``keras.saving.save_model``
and ``model.save_weights`` to a file become OutputModels (framework ``keras``);
``keras.models.load_model`` / ``keras.saving.load_model`` and ``model.load_weights`` of a file
input models. ClearML
switches Keras saves with its ``tensorflow`` key; ``keras`` works too, and either off turns
them off."""
from __future__ import annotations

from types import ModuleType
from typing import Any

from jupyter_ext.integrations import _models
from jupyter_ext.integrations._state import patch, patch_aliases, reporting, switches, task_for

KEY = "tensorflow"


def _make(position: int) -> Any:
    """A wrapper for a save function whose file path is argument ``position`` (after self)."""
    def make(original: Any) -> Any:
        def save(*args: Any, **kwargs: Any) -> Any:
            task = task_for(KEY) if switches().on("keras") else None
            target = args[position] if len(args) > position else kwargs.get("filepath")
            if task is None or _models.weights_path(target) is None:
                return original(*args, **kwargs)
            with reporting():  # Model.save calls saving.save_model: one model, not two
                result = original(*args, **kwargs)
            key = "keras" if switches().filters.get("keras") else KEY
            _models.saved(key, "keras", target, task)
            return result
        return save
    return make


def _make_load(position: int) -> Any:
    """A wrapper for a load function whose file path is argument ``position``."""
    def make(original: Any) -> Any:
        def load(*args: Any, **kwargs: Any) -> Any:
            task = task_for(KEY) if switches().on("keras") else None
            source = args[position] if len(args) > position else kwargs.get("filepath")
            if task is None or _models.weights_path(source) is None:
                return original(*args, **kwargs)
            with reporting():
                result = original(*args, **kwargs)
            key = "keras" if switches().filters.get("keras") else KEY
            _models.loaded(key, "keras", source, task)
            return result
        return load
    return make


def hook(module: ModuleType) -> None:
    patch(module.Model, "save", _make(1))
    patch(module.Model, "save_weights", _make(1))
    patch(module.Model, "load_weights", _make_load(1))
    saving = getattr(module, "saving", None)
    if saving is not None:
        patch_aliases([saving], "save_model", _make(1))
        patch_aliases([m for m in (saving, getattr(module, "models", None)) if m is not None], "load_model",
                      _make_load(0))
