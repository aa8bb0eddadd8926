"""Parameters and configuration objects of a task (``connect`` and friends)."""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

from jupyter_ext.core.rules import limits
from jupyter_ext.core.rules import param_types as param_values
from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk._compat import ignored
from jupyter_ext.sdk.tasks import remote
from jupyter_ext.sdk.tasks._host import TaskPart

if TYPE_CHECKING:
    from jupyter_ext.sdk.tasks.task import Task


class ConnectedDict(dict):  # type: ignore[type-arg]
    """The dict ``task.connect(d)`` returns: later assignments are recorded on the task too."""

    def __init__(self, task: Task, section: str, data: Mapping[str, Any]) -> None:
        super().__init__(data)
        self._task = task
        self._section = section

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self._task._store_section(self._section, {key: value})

    def update(self, *args: Any, **kwargs: Any) -> None:
        """Update the dict as ``dict.update`` does, and record the changed values on the task."""
        changes = dict(*args, **kwargs)
        super().update(changes)
        self._task._store_section(self._section, changes)


class ParametersMixin(TaskPart):
    # -- connecting objects ----------------------------------------------------------------------
    def connect(self, mutable: Any, name: str | None = None, ignore_remote_overrides: bool = False) -> Any:
        """Record ``mutable``'s values as hyperparameters and return it (a dict comes back as a
        dict that records later changes). Accepts a dict, a dataclass, an argparse parser or
        Namespace, or any object or class (its public attributes). A model is connected as a
        model instead: ``task.connect(InputModel(model_id=...))`` lists it among the task's inputs."""
        self._check_open()
        from jupyter_ext.sdk.models.model import InputModel
        from jupyter_ext.sdk.models.output import OutputModel

        if isinstance(mutable, (InputModel, OutputModel)):  # as ClearML: an input model, or an output model
            mutable.connect(self, name)  # type: ignore[arg-type]  # self is the Task this part belongs to
            return mutable
        # Run by an agent: the values stored with the task replace the script's, in place.
        stored = None if self._remote is None or ignore_remote_overrides else self._remote
        # An argparse object exists only once argparse was imported: it is not imported here for them.
        argparse = sys.modules.get("argparse")
        if argparse is not None and isinstance(mutable, argparse.ArgumentParser):
            section = name or param_values.ARGS_SECTION
            if stored is not None:
                remote.override_parser(mutable, stored.section(section))
            defaults = {a.dest: a.default for a in mutable._actions
                        if a.dest not in ("help", argparse.SUPPRESS) and a.default is not argparse.SUPPRESS}
            self._store_section(section, defaults)
            return mutable
        if argparse is not None and isinstance(mutable, argparse.Namespace):
            section = name or param_values.ARGS_SECTION
            if stored is not None:
                remote.override_object(mutable, stored.section(section), list(vars(mutable)))
            self._store_section(section, vars(mutable))
            return mutable
        section = name or param_values.DEFAULT_SECTION
        if isinstance(mutable, Mapping):
            if stored is not None and isinstance(mutable, MutableMapping):
                remote.override_mapping(mutable, stored.section(section))
            self._store_section(section, mutable)
            return ConnectedDict(self, section, mutable)  # type: ignore[arg-type]
        if isinstance(mutable, (str, bytes, int, float, list, tuple)) or mutable is None:
            raise InvalidArgument(f"connect() takes a dict, dataclass, argparse object or an object with attributes; "
                                  f"got {type(mutable).__name__}. "
                                  "To store one value use task.set_parameter(name, value)")
        if stored is not None:
            remote.override_object(mutable, stored.section(section), list(param_values.object_to_mapping(mutable)))
        self._store_section(section, param_values.object_to_mapping(mutable))
        return mutable

    def _store_section(self, section: str, values: Mapping[str, Any]) -> None:
        rows = param_values.rows_from_mapping(section, values)
        self._write_params(rows, replace=False)

    def _write_params(self, rows: list[Any], *, replace: bool) -> None:
        backend = session.backend()
        # A borrowed task (a pool worker's) is written at once: the pool may end the worker any moment.
        if self._live and not self._closed and not session.is_borrowed(self):  # type: ignore[arg-type]
            session.reporter().submit(backend.set_parameters, self.id, rows, replace=replace)
        else:
            _sync()
            backend.set_parameters(self.id, rows, replace=replace)

    def _check_open(self) -> None:
        if self._live and self._closed:
            raise ValueError(f"task {self.id} is closed; connect() must come before task.close()")

    # -- flat parameters -------------------------------------------------------------------------
    def set_parameters(self, *args: Mapping[str, Any], **kwargs: Any) -> None:
        """Replace all parameters with ``{"Section/name": value}`` (a bare name goes to General)."""
        self._write_params(param_values.rows_from_flat(_merge(args, kwargs)), replace=True)

    def update_parameters(self, *args: Mapping[str, Any], **kwargs: Any) -> None:
        """Add or overwrite the given ``{"Section/name": value}`` parameters; keep the others."""
        self._write_params(param_values.rows_from_flat(_merge(args, kwargs)), replace=False)

    def set_parameter(self, name: str, value: Any, description: str | None = None, value_type: Any = None) -> None:
        """Set one parameter, ``"Section/name"`` or a bare name (the General section), keeping the others.

        >>> task.set_parameter("General/batch_size", 64, description="per GPU")

        Unlike ClearML, which stores every value as a string, the value keeps its type: an int comes
        back from :meth:`get_parameter` as an int, a list as a list (numpy scalars become Python
        numbers; other objects are stored as their ``str``). ``value_type`` is accepted for ClearML
        code and not needed.
        """
        ignored("Task.set_parameter", value_type=value_type)
        rows = param_values.rows_from_flat({name: value})
        if description:
            from dataclasses import replace

            rows = [replace(rows[0], description=description)]
        self._write_params(rows, replace=False)

    def get_parameters(self, backwards_compatibility: bool = True, cast: bool = False) -> dict[str, Any]:
        """All parameters as ``{"Section/name": value}``, each with the type it was stored with.

        Unlike ClearML, whose default (``cast=False``) returns every value as a string, values
        always come back typed, as with ClearML's ``cast=True``: ``float(value)`` still works, but
        code comparing with strings (``p["lr"] == "0.1"``) needs the typed value."""
        ignored("Task.get_parameters", backwards_compatibility=backwards_compatibility, cast=cast)
        _sync()
        return param_values.to_flat_dict(session.backend().get_parameters(self.id))

    def get_parameter(self, name: str, default: Any = None, cast: bool = False) -> Any:
        """One parameter's value, with the type it was stored with, or ``default`` if the task has no
        such parameter. ``name`` is ``"Section/name"``; a bare name is looked up in the General section.

        >>> task.get_parameter("Args/learning_rate")
        0.001

        ``cast`` is accepted for ClearML code: values already come back typed, not as strings.
        """
        ignored("Task.get_parameter", cast=cast)
        key = name if "/" in name else f"{param_values.DEFAULT_SECTION}/{name}"
        return self.get_parameters().get(key, default)

    def get_parameters_as_dict(self, cast: bool = False) -> dict[str, dict[str, Any]]:
        """All parameters by section, ``{"Args": {"lr": 0.001}, "General": {...}}``, each value with the
        type it was stored with (so ``cast`` is not needed)."""
        ignored("Task.get_parameters_as_dict", cast=cast)
        _sync()
        return param_values.to_sections(session.backend().get_parameters(self.id))

    # -- configuration objects -------------------------------------------------------------------
    def connect_configuration(self, configuration: Any, name: str | None = None, description: str | None = None,
                              ignore_remote_overrides: bool = False) -> Any:
        """Store a configuration (a dict or list, or a file path) as an editable text object."""
        self._check_open()
        section = name or param_values.DEFAULT_SECTION
        if self._remote is not None and not ignore_remote_overrides:
            found, value = remote.stored_configuration(self._remote, section, configuration)
            if found:
                return value
        if isinstance(configuration, (dict, list)):
            self.set_configuration_object(section, config_dict=configuration, description=description)
            return configuration
        if isinstance(configuration, (str, os.PathLike)):
            path = os.fspath(configuration)
            if not os.path.isfile(path):
                raise InvalidArgument(f"configuration file {path!r} does not exist; "
                                      "pass a dict or an existing file path")
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
            ext = os.path.splitext(path)[1].lstrip(".").lower() or "text"
            self.set_configuration_object(section, config_text=text, description=description, config_type=ext)
            return configuration
        raise InvalidArgument("connect_configuration takes a dict, a list or a file path; "
                              f"got {type(configuration).__name__}")

    def set_configuration_object(self, name: str, config_text: str | None = None, description: str | None = None,
                                 config_type: str | None = None,
                                 config_dict: dict[str, Any] | list[Any] | None = None) -> None:
        """Store a configuration object named ``name`` (replacing one of that name): either
        ``config_text`` as is (type ``config_type``, "text" by default) or ``config_dict``, a dict or
        list stored as indented JSON (type "dictionary"). Give exactly one of the two.

        >>> task.set_configuration_object("model", config_dict={"layers": 4, "dropout": 0.1})
        """
        if (config_text is None) == (config_dict is None):
            raise InvalidArgument("set_configuration_object needs exactly one of config_text= or config_dict=")
        if config_dict is not None:
            text = json.dumps(config_dict, indent=2, sort_keys=False, default=str)
            kind = config_type or "dictionary"
        else:
            text, kind = str(config_text), config_type or "text"
        from jupyter_ext.store.rows import ConfigRow

        # refused here, at the call, as the store and the REST API would (the write itself is queued)
        limits.check_free_text(text, f"configuration {name[:60]!r}: text", limits.CONFIG_TEXT)
        limits.check_free_text(description or "", f"configuration {name[:60]!r}: description", limits.DESCRIPTION)
        row = ConfigRow(name=name, type=kind, text=text, description=description or "")
        backend = session.backend()
        if self._live and not self._closed:
            session.reporter().submit(backend.set_configuration, self.id, row)
        else:
            _sync()
            backend.set_configuration(self.id, row)

    def update_configuration(self, name: str, config_dict: Mapping[str, Any]) -> None:
        """Merge ``config_dict`` into the named configuration object (created if missing)."""
        current = self.get_configuration_object_as_dict(name)
        merged = dict(current) if isinstance(current, dict) else {}
        merged.update(config_dict)
        self.set_configuration_object(name, config_dict=merged)

    def get_configuration_object(self, name: str) -> str | None:
        """The text of the configuration object ``name``, or None if the task has none of that name."""
        _sync()
        for cfg in session.backend().get_configurations(self.id):
            if cfg.name == name:
                return cfg.text
        return None

    def get_configuration_object_as_dict(self, name: str) -> dict[str, Any] | list[Any] | None:
        """The configuration object ``name`` parsed as JSON, a dict or a list; None if there is no
        such object or its text is not a JSON dict or list."""
        text = self.get_configuration_object(name)
        if text is None:
            return None
        try:
            value = json.loads(text)
        except ValueError:
            return None
        return value if isinstance(value, (dict, list)) else None

    def get_configuration_objects(self) -> dict[str, str]:
        """The text of every configuration object of the task, by name."""
        _sync()
        return {c.name: c.text for c in session.backend().get_configurations(self.id)}


def _merge(args: tuple[Mapping[str, Any], ...], kwargs: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for a in args:
        if not isinstance(a, Mapping):
            raise InvalidArgument(f"parameters must be given as dicts of 'Section/name': value, got {type(a).__name__}")
        values.update(a)
    values.update(kwargs)
    return values


def _sync() -> None:
    if session.has_reporter():
        session.reporter().flush()
