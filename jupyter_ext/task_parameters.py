"""``from jupyter_ext.task_parameters import TaskParameters, param, percent_param`` (ClearML's
``clearml.task_parameters``): a typed, validated parameter set connected to a task as one object.

ClearML builds these on attrs; here they are dataclasses, so attrs is not needed. Validators are
called as attrs calls them, ``validator(instance, attribute, value)`` with ``attribute.name``,
so ``attr.validators`` work too.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jupyter_ext.sdk.tasks.task import Task

__all__ = ["TaskParameters", "param", "percent_param", "range_validator"]

_NO_DEFAULT: Any = dataclasses.MISSING


def range_validator(min_value: float | None, max_value: float | None) -> Callable[[Any, Any, Any], None]:
    """A validator: the value lies in ``[min_value, max_value]`` (None: no limit on that side)."""

    def check(instance: Any, attribute: Any, value: Any) -> None:
        if value is None:
            return
        if (min_value is not None and value < min_value) or (max_value is not None and value > max_value):
            raise ValueError(f"{attribute.name} must be in range [{min_value}, {max_value}], got {value!r}")

    return check


def _type_validator(kind: type) -> Callable[[Any, Any, Any], None]:
    def check(instance: Any, attribute: Any, value: Any) -> None:
        ok = isinstance(value, kind) or (kind is float and isinstance(value, int) and not isinstance(value, bool))
        if value is not None and not ok:
            raise TypeError(f"{attribute.name} must be {kind.__name__}, got {type(value).__name__}: {value!r:.60}")

    return check


def param(validator: Callable[..., Any] | Iterable[Callable[..., Any]] | None = None,
          range: tuple[float | None, float | None] | None = None,  # noqa: A002 - ClearML's parameter name
          type: type | None = None,  # noqa: A002 - ClearML's parameter name
          desc: str | None = None, metadata: dict[str, Any] | None = None, default: Any = _NO_DEFAULT,
          **kwargs: Any) -> Any:
    """One parameter of a :class:`TaskParameters` class: its type (int, float, str), a range
    ``(min, max)``, further validators, a description and a default."""
    checks = [] if validator is None else list(validator) if isinstance(validator, list | tuple) else [validator]
    if type is not None:
        checks.append(_type_validator(type))
    if range is not None:
        checks.append(range_validator(*range))
    info = dict(metadata or {}, desc=desc, validators=checks, type=type)
    factory = kwargs.pop("factory", None)
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata=info)
    return dataclasses.field(default=default, metadata=info)


def percent_param(validator: Callable[..., Any] | Iterable[Callable[..., Any]] | None = None, **kwargs: Any) -> Any:
    """A float parameter between 0 and 1 (the other arguments as :func:`param`'s)."""
    return param(validator, range=(0, 1), type=float, **kwargs)


class TaskParameters:
    """A set of parameters, declared as class attributes with :func:`param`, validated when made.

    >>> class MyParams(TaskParameters):
    ...     iterations = param(type=int, desc="Number of iterations", range=(0, 100000))
    ...     target_accuracy = percent_param(desc="The target accuracy")
    >>> params = MyParams(iterations=1000, target_accuracy=0.95)
    >>> task.connect(params)      # or params.connect(task)
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # param() fields need no annotation (as attrs' attr.ib); dataclasses want one, in order
        own = dict(cls.__dict__.get("__annotations__", {}))
        ordered: dict[str, Any] = {}
        for name, value in list(cls.__dict__.items()):
            if name in own:
                ordered[name] = own.pop(name)
            elif isinstance(value, dataclasses.Field):
                ordered[name] = value.metadata.get("type") or Any
        cls.__annotations__ = {**ordered, **own}
        dataclasses.dataclass(cls)

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            for check in field.metadata.get("validators", ()):
                check(self, field, getattr(self, field.name))

    def to_dict(self) -> dict[str, Any]:
        """The parameters as ``{name: value}``."""
        return dataclasses.asdict(self)  # type: ignore[call-overload, no-any-return]

    def update_from_dict(self, source_dict: dict[str, Any]) -> None:
        """Set parameters from ``{name: value}``; an unknown name is an error."""
        known = {f.name for f in dataclasses.fields(self)}  # type: ignore[arg-type]
        for key, value in source_dict.items():
            if key not in known:
                raise ValueError(f"Unknown key {key} in {type(self).__name__} object")
            setattr(self, key, value)

    def connect(self, task: Task) -> Any:
        """Connect to ``task`` (as ``task.connect(self)``): stored on the task, or, run by an
        agent, updated from the values stored with it."""
        return task.connect(self)
