"""A model file a framework just wrote becomes a version of an OutputModel of the task; one it
just read becomes an input model of the task.

Saves: as in ClearML, the model is named "<task name> - <file stem>" and carries the framework.
With an ``output_uri`` (the task's or the default one) the file is uploaded; without one only
its path is registered (``file://…``), so saving a checkpoint every epoch costs no copy. Unlike
ClearML, saving to the same file again adds a version of the same model, not a new model.

Loads: as in ClearML, the file is registered (by path, never copied) as a model named by the
file, and linked to the task as an input model; a file this store already holds (a model
registered at that path, one uploaded as a model's weights in this process, or the local copy of
stored weights that ``get_local_copy`` made) links that model instead of registering a new one.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jupyter_ext.integrations._state import reporting, switches, task_for, warn

if TYPE_CHECKING:
    from jupyter_ext.sdk.tasks.task import Task


def weights_path(target: Any) -> str | None:
    """The file a save call wrote to, or None for a buffer or file object (nothing to name)."""
    if isinstance(target, (str, os.PathLike)):
        path = os.fspath(target)
        return path if isinstance(path, str) else os.fsdecode(path)
    return None


def saved(key: str, framework: str, target: Any, task: Task | None = None) -> None:
    """Record the file ``target`` that framework ``key`` has just written (if it is a file the
    switches let through). Never raises."""
    _hooked(key, framework, target, task, _record, "saved to")


def _hooked(key: str, framework: str, target: Any, task: Task | None,
            record: Callable[[Task, str, str], None], what: str) -> None:
    path = weights_path(target)
    if path is None:
        return
    owner = task if task is not None else task_for(key)
    if owner is None or not switches().wants_file(key, path):
        return
    try:
        with reporting():
            record(owner, framework, path)
    except Exception as exc:  # noqa: BLE001 - a hook must never break the user's code
        warn(f"recording the {framework} model {what} {path}", exc)


def _record(task: Task, framework: str, path: str) -> None:
    if not os.path.exists(path):
        return  # the framework wrote somewhere else (it added an extension, or failed quietly)
    from jupyter_ext.sdk.models.output import OutputModel

    stem = os.path.splitext(os.path.basename(path.rstrip(os.sep)))[0] or "model"
    model = OutputModel(task=task, name=f"{task.name} - {stem}", framework=framework)
    if task.get_output_destination():
        model.update_weights(weights_filename=path)
        from jupyter_ext.sdk.models.base import remember_local_copy

        remember_local_copy(path, model.id)  # loading this file later links the uploaded model
    else:
        model.update_weights(register_uri=os.path.abspath(path))


def loaded(key: str, framework: str, source: Any, task: Task | None = None) -> None:
    """Record the file ``source`` that framework ``key`` has just read as an input model of the
    task (if the switches let it through). Never raises."""
    _hooked(key, framework, source, task, _record_input, "loaded from")


def _record_input(task: Task, framework: str, path: str) -> None:
    if not os.path.exists(path):
        return
    from jupyter_ext.sdk.models.model import InputModel

    model = _stored_copy_of(path) or InputModel.import_model(
        weights_url=path, name=os.path.basename(path.rstrip(os.sep)) or "model", framework=framework)
    model.connect(task)


def _stored_copy_of(path: str) -> Any:
    """The model whose weights ``path`` is the local copy of (made by ``get_local_copy`` in this
    process), or None. As ClearML does, by the path the copy was handed out under."""
    from jupyter_ext.sdk.models.base import model_of_local_copy
    from jupyter_ext.sdk.models.model import InputModel

    model_id = model_of_local_copy(path)
    return InputModel(model_id=model_id) if model_id else None
