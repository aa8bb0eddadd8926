"""PyTorch: ``torch.save`` to a file, and the checkpoints Lightning writes, become OutputModels
(framework ``pytorch``); ``torch.load`` of a file links it as an input model. Saves into a
buffer or an open file object have no file to name and are left alone.
``{"pytorch": "*.pt"}`` keeps only the files that match.

Lightning's metrics reach the task through its default ``TensorBoardLogger`` (the
``tensorboard`` integration hooks the writer it uses).
"""
from __future__ import annotations

from types import ModuleType
from typing import Any

from jupyter_ext.integrations import _models
from jupyter_ext.integrations._state import patch, patch_aliases, reporting, task_for

KEY = "pytorch"


def patch_torch(module: ModuleType) -> None:
    def make_save(original: Any) -> Any:
        def save(obj: Any, f: Any, *args: Any, **kwargs: Any) -> Any:
            task = task_for(KEY)
            if task is None or _models.weights_path(f) is None:
                return original(obj, f, *args, **kwargs)
            with reporting():
                result = original(obj, f, *args, **kwargs)
            _models.saved(KEY, "pytorch", f, task)
            return result
        return save

    patch_aliases([module, module.serialization], "save", make_save)

    def make_load(original: Any) -> Any:
        def load(f: Any, *args: Any, **kwargs: Any) -> Any:
            task = task_for(KEY)
            if task is None or _models.weights_path(f) is None:
                return original(f, *args, **kwargs)
            with reporting():
                result = original(f, *args, **kwargs)
            _models.loaded(KEY, "pytorch", f, task)
            return result
        return load

    patch_aliases([module, module.serialization], "load", make_load)

    # TorchScript: ``torch.jit.script(model).save(path)`` (and ``torch.jit.save``, which calls it), as ClearML
    scripted = getattr(getattr(getattr(module, "jit", None), "_script", None), "RecursiveScriptModule", None)
    if scripted is not None:
        def make_script_save(original: Any) -> Any:
            def save(self: Any, f: Any, *args: Any, **kwargs: Any) -> Any:
                task = task_for(KEY)
                if task is None or _models.weights_path(f) is None:
                    return original(self, f, *args, **kwargs)
                with reporting():
                    result = original(self, f, *args, **kwargs)
                _models.saved(KEY, "pytorch", f, task)
                return result
            return save

        patch_aliases([scripted], "save", make_script_save)


def patch_checkpoint_io(module: ModuleType) -> None:
    """Lightning writes checkpoints through fsspec from a buffer, so torch.save never sees the
    path: hook the checkpoint writer instead."""
    def make_save(original: Any) -> Any:
        def save_checkpoint(self: Any, checkpoint: Any, path: Any, *args: Any, **kwargs: Any) -> Any:
            task = task_for(KEY)
            if task is None:
                return original(self, checkpoint, path, *args, **kwargs)
            with reporting():
                result = original(self, checkpoint, path, *args, **kwargs)
            _models.saved(KEY, "pytorch", path, task)
            return result
        return save_checkpoint

    patch(module.TorchCheckpointIO, "save_checkpoint", make_save)
