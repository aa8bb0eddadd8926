"""jupyter-ext: an experiment manager whose home is Jupyter.

    from jupyter_ext import Task, Logger
    task = Task.init(project_name="Demo Project", task_name="Experiment 1", tags=["baseline"])

Names are loaded on first use, so ``import jupyter_ext`` stays fast.
"""
from __future__ import annotations

from jupyter_ext._version import __version__

_LAZY = {
    "Task": ("jupyter_ext.sdk.tasks.task", "Task"),
    "Logger": ("jupyter_ext.sdk.logging.logger", "Logger"),
    "TaskTypes": ("jupyter_ext.sdk.enums", "TaskTypes"),
    "TaskStatusEnum": ("jupyter_ext.sdk.enums", "TaskStatusEnum"),
    "Model": ("jupyter_ext.sdk.models.model", "Model"),
    "InputModel": ("jupyter_ext.sdk.models.model", "InputModel"),
    "OutputModel": ("jupyter_ext.sdk.models.output", "OutputModel"),
    "Dataset": ("jupyter_ext.sdk.datasets.dataset", "Dataset"),
    "compare": ("jupyter_ext.notebook.compare", "compare"),
    "PipelineController": ("jupyter_ext.sdk.pipelines.controller", "PipelineController"),
    "PipelineDecorator": ("jupyter_ext.sdk.pipelines.decorator", "PipelineDecorator"),
    "StorageManager": ("jupyter_ext.sdk.storage.manager", "StorageManager"),
}

__all__ = ["__version__", *_LAZY]


def load_ipython_extension(shell: object) -> None:
    """``%load_ext jupyter_ext``: the ``%track`` magic, notebook snapshots and live plots."""
    from jupyter_ext.notebook import load_ipython_extension as load

    load(shell)


def unload_ipython_extension(shell: object) -> None:
    from jupyter_ext.notebook import unload_ipython_extension as unload

    unload(shell)


def __getattr__(name: str) -> object:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'jupyter_ext' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(target[0]), target[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
