"""Hydra: the configuration Hydra composed for the app becomes the configuration object
``OmegaConf`` (type "OmegaConf YAML", interpolations kept), and the overrides given on the
command line the parameters of the ``Hydra`` section (``db.user=root`` → ``Hydra/db.user``).
Hydra's own command-line flags are not the app's: the argparse hook leaves them out of ``Args``.
Switched by ``hydra``.

Run by an agent, as in ClearML: the overrides stored in ``Hydra`` (edited in the UI) are the ones
Hydra composes with; with ``Hydra/_allow_omegaconf_edit_`` set true, the stored ``OmegaConf`` text
itself is the configuration the app gets.

A task started inside the app (``Task.init`` in the decorated function) is closed when the job
ends, so that each job of a ``--multirun`` sweep records a task of its own, as in ClearML.
"""
from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

from jupyter_ext.integrations import _cli
from jupyter_ext.integrations._state import patch, patch_aliases, switches, warn
from jupyter_ext.sdk import _session as session

KEY = "hydra"
SECTION = "Hydra"
CONFIG_NAME = "OmegaConf"
CONFIG_TYPE = "OmegaConf YAML"
ALLOW_EDIT = "_allow_omegaconf_edit_"


def hook(module: ModuleType) -> None:
    del module  # the package itself: the parts to hook are its submodules
    from hydra._internal import hydra as internal
    from hydra._internal.core_plugins import basic_launcher
    from hydra.core import utils

    def make_run(original: Callable[..., Any]) -> Any:
        def run(self: Any, config_name: Any, task_function: Any, overrides: list[str], *args: Any,
                **kwargs: Any) -> Any:
            try:
                overrides = _stored_overrides(self, overrides)
            except Exception as exc:  # noqa: BLE001 - a hook must never break the user's program
                warn("applying the task's Hydra overrides", exc)
            return original(self, config_name, task_function, overrides, *args, **kwargs)
        return run

    def make_run_job(original: Callable[..., Any]) -> Any:
        signature = inspect.signature(original)

        def run_job(*args: Any, **kwargs: Any) -> Any:
            try:
                bound = signature.bind(*args, **kwargs)
                config = bound.arguments["config"]
                overrides = list(config.hydra.overrides.task)
                bound.arguments["task_function"] = _recording(bound.arguments["task_function"], overrides)
                args, kwargs = bound.args, bound.kwargs
            except Exception as exc:  # noqa: BLE001 - a hook must never break the user's program
                warn("reading Hydra's configuration", exc)
            before = session.main_task()
            result = original(*args, **kwargs)
            _close_job_task(before if before is not None and not before._closed else None, result)
            return result
        return run_job

    patch(internal.Hydra, "run", make_run)
    patch_aliases([utils, internal, basic_launcher], "run_job", make_run_job)


def _close_job_task(before: Any, result: Any) -> None:
    """As in ClearML: a task the app started (``Task.init`` inside it) ends with the job, so each
    job of a ``--multirun`` sweep is a task of its own. A failed job's task is left to the
    failure handling; one run by an agent to the agent; with ``hydra`` switched off, the user's."""
    from hydra.core.utils import JobStatus

    task = session.main_task()
    if before is not None or task is None or task._closed or task._remote is not None or not switches().on(KEY):
        return
    if getattr(result, "status", None) is JobStatus.FAILED:
        return
    task.close()


def _recording(task_function: Callable[..., Any], overrides: list[str]) -> Callable[..., Any]:
    @functools.wraps(task_function)
    def app(config: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            config = _captured(config, overrides)
        except Exception as exc:  # noqa: BLE001 - a hook must never break the user's program
            warn("recording Hydra's configuration", exc)
        return task_function(config, *args, **kwargs)
    return app


def _captured(config: Any, overrides: list[str]) -> Any:
    from omegaconf import OmegaConf

    stored = _cli.stored_section(SECTION)
    allow_edit = False
    if stored is not None:
        from jupyter_ext.sdk.tasks.remote import cast_like

        allow_edit = bool(cast_like(False, stored.get(ALLOW_EDIT, False)))
        text = _cli.stored_configuration(CONFIG_NAME) if allow_edit else None
        if text is not None:
            config = OmegaConf.create(text)
    params: dict[str, Any] = dict(_split(o) for o in overrides)
    params[ALLOW_EDIT] = allow_edit
    yaml = OmegaConf.to_yaml(config, resolve=False)
    description = (f"The configuration Hydra composed; read-only unless {SECTION}/{ALLOW_EDIT} is true"
                   if not allow_edit else f"The configuration edited in the task ({SECTION}/{ALLOW_EDIT} is true)")

    def write(task: Any) -> None:
        task._store_section(SECTION, params)
        task.set_configuration_object(CONFIG_NAME, config_text=yaml, config_type=CONFIG_TYPE, description=description)

    _cli.record(KEY, write)
    return config


def _split(override: str) -> tuple[str, str | None]:
    """``+db.user=root`` → ("db.user", "root"); a deletion ``~db`` → ("~db", None)."""
    name, eq, value = override.partition("=")
    name = name if name.startswith("~") else name.lstrip("+")
    return name, (value if eq else None)


def _stored_overrides(hydra: Any, overrides: list[str]) -> list[str]:
    """Run by an agent: the overrides the task stored, in place of the command line's."""
    stored = _cli.stored_section(SECTION)
    if not stored:
        return overrides
    return [_override(hydra, name, value) for name, value in stored.items() if name != ALLOW_EDIT]


def _override(hydra: Any, name: str, value: Any) -> str:
    text = name if value is None or value == "" else f"{name}={_text(value)}"
    if name.startswith("~") or _is_group(hydra, name):
        return text
    return "++" + text  # set whether or not the composed config has the key


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _is_group(hydra: Any, name: str) -> bool:
    """A config group (``db=postgres`` picks a file) takes no ``++``."""
    try:
        return bool(hydra.config_loader.repository.group_exists(name.lstrip("+")))
    except Exception:  # noqa: BLE001 - an internal of Hydra's that moved: treat it as a value
        return False


