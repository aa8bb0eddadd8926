"""ClearML parameters accepted for compatibility that do nothing here, or something different: one table.

A public SDK function that takes such a parameter calls ``ignored("Where", name=value, ...)`` first.
A value other than ClearML's default warns once per (function, parameter), saying what happens
instead, so code written for ClearML runs and its author learns what did not carry over.
``docs/clearml-compatibility.md`` is generated from :data:`DECLARED` (``python -m
jupyter_ext.sdk._compat``); a test fails when it is out of date or a parameter is unread and undeclared.
"""
from __future__ import annotations

import inspect
import threading
import warnings
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Declared:
    """One accepted parameter: ClearML's default, and what jupyter-ext does with it instead."""

    default: Any
    instead: str
    warns: bool = True  # False: a documented difference with no value worth warning about


REQUIRED = inspect.Parameter.empty  # the parameter has no default in ClearML either

_ENV = "steps run in this environment or on an agent's, not in a container"
_REPO = "code runs from this environment (or an agent's copy of the task's recorded script), not from a fresh checkout"
_EXEC = "the pipeline runs its steps itself; there is no separate execution model to choose"
_SERIAL = "artifacts are stored with jupyter-ext's own codecs (pickle, JSON, numpy, pandas, files)"
_IMPORTS = "step functions are pickled by reference and imported from this environment"
_STAGE = "stages are not shown; steps are grouped by their dependencies only"
_OUT = "step outputs are stored in the task's output destination (output_uri of the pipeline, else the store)"
_FRAMEWORKS = "a step records frameworks and arguments as its own Task.init would (all on)"
_ERRORS = "a status change the rules do not allow raises Conflict whatever the value (use force=True)"
_TYPED = "values always come back with the type they were stored with, as ClearML's cast=True"
_SEARCH = "every match is searched; there is no first-page limit to lift"
_LOCAL = "files are stored once, in the store's content-addressed blobs; nothing is compressed or chunked here"
_FETCH = "a file that cannot be fetched always raises an error (ClearML's default returns None)"
_POOL = "the pipeline reacts as soon as a step ends; nothing is polled"

DECLARED: dict[str, dict[str, Declared]] = {
    "Task.init": {"deferred_init": Declared(False, "Task.init already returns at once; the task row is "
                                                   "written by a background thread")},
    "Task.create": {"force_single_script_file": Declared(False, "the task records the script given, as is"),
                    "detect_repository": Declared(True, "the script's text is stored, not its git repository "
                                                          "(give repo= for that)")},
    "Task.delete": {"skip_models_used_by_other_tasks": Declared(True, "models another task uses as input are "
                                                                        "always kept")},
    "Task.get_parameters": {"backwards_compatibility": Declared(True, "keys are always 'Section/name'"),
                            "cast": Declared(False, _TYPED, warns=False)},
    "Task.get_parameter": {"cast": Declared(False, _TYPED, warns=False)},
    "Task.get_parameters_as_dict": {"cast": Declared(False, _TYPED, warns=False)},
    "Task.set_parameter": {"value_type": Declared(None, "the type is taken from the value itself")},
    "Task.move_to_project": {"system_tags": Declared(None, "system tags of projects are not kept")},
    "Task.mark_completed": {"ignore_errors": Declared(True, _ERRORS, warns=False)},
    "Task.mark_failed": {"ignore_errors": Declared(True, _ERRORS, warns=False)},
    "Task.completed": {"ignore_errors": Declared(True, _ERRORS, warns=False)},
    "Task.started": {"ignore_errors": Declared(True, _ERRORS, warns=False)},
    "Task.stopped": {"ignore_errors": Declared(True, _ERRORS, warns=False)},
    "Task.publish": {"ignore_errors": Declared(True, _ERRORS, warns=False)},
    "Model.get_local_copy": {"raise_on_error": Declared(False, _FETCH, warns=False)},
    "Model.get_weights_package": {"raise_on_error": Declared(False, _FETCH, warns=False)},
    "OutputModel.update_weights": {"auto_delete_file": Declared(True, "the local weights file is kept (ClearML "
                                                                      "deletes it after the upload)", warns=False)},
    "OutputModel.update_weights_package": {"auto_delete_file": Declared(True, "the local package file is kept",
                                                                        warns=False)},
    "Dataset.get": {"shallow_search": Declared(False, _SEARCH)},
    "Dataset.delete": {"shallow_search": Declared(False, _SEARCH),
                       "delete_files": Declared(True, "stored files are freed by the store's garbage collection "
                                                      "once nothing refers to them"),
                       "delete_external_files": Declared(False, "files outside the store are never deleted")},
    "Dataset.upload": {"compression": Declared(None, _LOCAL), "chunk_size": Declared(None, _LOCAL),
                       "upload_as_external_links": Declared(False, "files are always copied into the store")},
    "Dataset.add_external_files": {"max_workers": Declared(None, "links are recorded one after another")},
    "PipelineController": {
        "pool_frequency": Declared(0.2, _POOL),
        "auto_version_bump": Declared(None, "the version is the one given; it is not bumped when the code changes"),
        "docker": Declared(None, _ENV), "docker_args": Declared(None, _ENV),
        "docker_bash_setup_script": Declared(None, _ENV), "packages": Declared(None, _ENV),
        "repo": Declared(None, _REPO), "repo_branch": Declared(None, _REPO), "repo_commit": Declared(None, _REPO),
        "always_create_from_code": Declared(True, "the pipeline is always built from this code"),
        "artifact_serialization_function": Declared(None, _SERIAL),
        "artifact_deserialization_function": Declared(None, _SERIAL),
        "working_dir": Declared(None, _REPO), "enable_local_imports": Declared(True, _IMPORTS)},
    "PipelineController.add_step": {"output_uri": Declared(None, _OUT), "stage": Declared(None, _STAGE)},
    "PipelineController.add_function_step": {
        "auto_connect_frameworks": Declared(None, _FRAMEWORKS), "auto_connect_arg_parser": Declared(None, _FRAMEWORKS),
        "repo": Declared(None, _REPO), "repo_branch": Declared(None, _REPO), "repo_commit": Declared(None, _REPO),
        "docker": Declared(None, _ENV), "docker_args": Declared(None, _ENV),
        "docker_bash_setup_script": Declared(None, _ENV), "output_uri": Declared(None, _OUT),
        "draft": Declared(False, "a step is run when the pipeline runs"), "working_dir": Declared(None, _REPO),
        "continue_behaviour": Declared(None, "a failed step stops the steps that depend on it"),
        "stage": Declared(None, _STAGE)},
    "PipelineController.upload_artifact": {"wait_on_upload": Declared(False, "the artifact is stored before the "
                                                                             "call returns")},
    "PipelineDecorator.component": {
        "docker": Declared(None, _ENV), "docker_args": Declared(None, _ENV),
        "docker_bash_setup_script": Declared(None, _ENV), "auto_connect_frameworks": Declared(None, _FRAMEWORKS),
        "auto_connect_arg_parser": Declared(None, _FRAMEWORKS), "repo": Declared(None, _REPO),
        "repo_branch": Declared(None, _REPO), "repo_commit": Declared(None, _REPO), "output_uri": Declared(None, _OUT),
        "draft": Declared(False, "a step is run when the pipeline calls it"), "working_dir": Declared(None, _REPO),
        "stage": Declared(None, _STAGE)},
    "PipelineDecorator.pipeline": {
        "pool_frequency": Declared(0.2, _POOL), "pipeline_execution_queue": Declared("services", _EXEC),
        "multi_instance_support": Declared(False, "each call of the pipeline function is its own run"),
        "args_map": Declared(None, "pipeline arguments are all in the 'Args' section"),
        "start_controller_locally": Declared(False, _EXEC),
        "docker": Declared(None, _ENV), "docker_args": Declared(None, _ENV),
        "docker_bash_setup_script": Declared(None, _ENV), "packages": Declared(None, _ENV),
        "repo": Declared(None, _REPO), "repo_branch": Declared(None, _REPO), "repo_commit": Declared(None, _REPO),
        "artifact_serialization_function": Declared(None, _SERIAL),
        "artifact_deserialization_function": Declared(None, _SERIAL),
        "working_dir": Declared(None, _REPO), "enable_local_imports": Declared(True, _IMPORTS)},
    "StorageManager.upload_file": {"wait_for_upload": Declared(True, "the upload always finishes before the call "
                                                                     "returns, so an error is never lost")},
    "StorageManager.list": {"read_hash": Declared(False, "entries carry name and size; no hash is read")},
    "StorageManager.get_metadata": {"read_hash": Declared(False, "name and size only; no hash is read")},
    "StorageManager.set_report_upload_chunk_size": {"chunk_size_mb": Declared(
        REQUIRED, "transfers above a few MB show a progress bar instead of chunk reports", warns=False)},
    "StorageManager.set_report_download_chunk_size": {"chunk_size_mb": Declared(
        REQUIRED, "transfers above a few MB show a progress bar instead of chunk reports", warns=False)},
}

_warned: set[tuple[str, str]] = set()
_lock = threading.Lock()


def ignored(where: str, **given: Any) -> None:
    """Warn once per (``where``, parameter) for each value in ``given`` that differs from ClearML's
    default, saying what jupyter-ext does instead. ``where`` is a key of :data:`DECLARED`."""
    declared = DECLARED[where]
    for name, value in given.items():
        entry = declared[name]
        if not entry.warns or _is_default(value, entry.default):
            continue
        with _lock:
            if (where, name) in _warned:
                continue
            _warned.add((where, name))
        warnings.warn(f"{where}({name}=...) has no effect in jupyter-ext: {entry.instead}", UserWarning, stacklevel=3)


def _is_default(value: Any, default: Any) -> bool:
    if value is default:
        return True
    try:
        return bool(value == default) and type(value) is type(default)
    except Exception:  # noqa: BLE001 - an object whose == fails is not the default
        return False


def forget_warnings() -> None:
    """Warn again for values already warned about (tests)."""
    with _lock:
        _warned.clear()


def table() -> str:
    """The Markdown page listing every declared parameter, as checked in under docs/."""
    lines = ["# ClearML parameters with no effect or a different effect", "",
             "Code written for ClearML runs unchanged: these parameters are accepted. A value other than",
             "ClearML's default warns once (`UserWarning`) with what jupyter-ext does instead; the rows marked",
             "*no warning* differ from ClearML whatever the value, as described.", "",
             "Generated from `jupyter_ext/sdk/_compat.py` by `python -m jupyter_ext.sdk._compat`; do not edit.", "",
             "| Function | Parameter | ClearML default | What jupyter-ext does |",
             "|---|---|---|---|"]
    for where in sorted(DECLARED):
        for name in sorted(DECLARED[where]):
            entry = DECLARED[where][name]
            note = entry.instead + ("" if entry.warns else " (*no warning*)")
            default = "(required)" if entry.default is REQUIRED else f"`{entry.default!r}`"
            lines.append(f"| `{where}` | `{name}` | {default} | {note} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(table())
