"""Hyperparameter spaces, with ClearML's names: each range samples one value or lists them all.

    UniformIntegerParameterRange("General/depth", 4, 10, step_size=2)   # 4, 6, 8, 10
    LogUniformParameterRange("General/learning_rate", -3, -1)         # 10**-3 … 10**-1
    DiscreteParameterRange("General/iterations", [300, 500, 1000])

``get_value()`` draws one ``{name: value}``; ``to_list()`` gives every value of a grid.
"""
from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from typing import Any

from jupyter_ext.errors import InvalidArgument

GRID_STEPS_WITHOUT_STEP_SIZE = 10


class Parameter:
    """One hyperparameter's space (the base of the ranges below)."""

    def __init__(self, name: str | None) -> None:
        if name is not None and (not isinstance(name, str) or not name.strip()):
            raise InvalidArgument(f"a parameter range needs a name like 'General/depth'; got {name!r}")
        self.name = name
        self._random = random.Random()

    def set_random_seed(self, seed: int) -> None:
        """Draw the same values again on the next run."""
        self._random.seed(seed)

    def get_value(self) -> dict[str, Any]:
        """One value drawn at random, as ``{name: value}``."""
        raise NotImplementedError

    def to_list(self) -> list[dict[str, Any]]:
        """Every value of the grid, each as ``{name: value}``."""
        raise NotImplementedError

    def names(self) -> list[str]:
        """The task parameters this space sets."""
        return [self.name] if self.name else []

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


def _number(label: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidArgument(f"{label} must be a finite number; got {value!r}")
    return float(value)


class UniformParameterRange(Parameter):
    """A float between ``min_value`` and ``max_value``; on a grid of ``step_size`` when given."""

    def __init__(self, name: str, min_value: float, max_value: float, step_size: float | None = None,
                 include_max_value: bool = True) -> None:
        super().__init__(name)
        self.min_value = _number(f"{name}: min_value", min_value)
        self.max_value = _number(f"{name}: max_value", max_value)
        if self.max_value < self.min_value or (self.max_value == self.min_value and not include_max_value):
            raise InvalidArgument(f"{name}: the range [{min_value}, {max_value}] is empty; "
                                  f"give min_value <= max_value")
        if step_size is not None and _number(f"{name}: step_size", step_size) <= 0:
            raise InvalidArgument(f"{name}: step_size must be positive; got {step_size!r}")
        self.step_size = step_size
        self.include_max_value = include_max_value

    def _grid(self) -> list[float]:
        step = self.step_size or (self.max_value - self.min_value) / GRID_STEPS_WITHOUT_STEP_SIZE or 1.0
        count = int(math.floor((self.max_value - self.min_value) / step + 1e-9)) + 1
        values = [self.min_value + i * step for i in range(count)]
        if not self.include_max_value:
            values = [v for v in values if v < self.max_value - 1e-12] or [self.min_value]
        return [round(v, 12) for v in values]

    def sample(self) -> float:
        if self.step_size:
            return self._random.choice(self._grid())
        return self._random.uniform(self.min_value, self.max_value)

    def get_value(self) -> dict[str, Any]:
        assert self.name
        return {self.name: self.sample()}

    def to_list(self) -> list[dict[str, Any]]:
        assert self.name
        return [{self.name: v} for v in self._grid()]


class UniformIntegerParameterRange(UniformParameterRange):
    """An integer between ``min_value`` and ``max_value`` (both included unless
    ``include_max_value=False``), every ``step_size``."""

    def __init__(self, name: str, min_value: int, max_value: int, step_size: int = 1,
                 include_max_value: bool = True) -> None:
        for label, v in (("min_value", min_value), ("max_value", max_value), ("step_size", step_size)):
            if isinstance(v, bool) or not isinstance(v, int):
                raise InvalidArgument(f"{name}: {label} must be an integer; got {v!r}")
        super().__init__(name, min_value, max_value, step_size, include_max_value)

    def _grid(self) -> list[float]:
        stop = int(self.max_value) + (1 if self.include_max_value else 0)
        return list(range(int(self.min_value), stop, int(self.step_size or 1))) or [int(self.min_value)]

    def sample(self) -> int:
        return int(self._random.choice(self._grid()))


class LogUniformParameterRange(UniformParameterRange):
    """``base ** x`` with ``x`` uniform between ``min_value`` and ``max_value`` (exponents):
    ``LogUniformParameterRange("lr", -3, -1)`` draws learning rates from 0.001 to 0.1."""

    def __init__(self, name: str, min_value: float, max_value: float, base: float = 10, step_size: float | None = None,
                 include_max_value: bool = True) -> None:
        super().__init__(name, min_value, max_value, step_size, include_max_value)
        if _number(f"{name}: base", base) <= 0 or base == 1:
            raise InvalidArgument(f"{name}: base must be positive and not 1; got {base!r}")
        self.base = float(base)

    def sample(self) -> float:
        return float(self.base ** super().sample())

    def to_list(self) -> list[dict[str, Any]]:
        assert self.name
        return [{self.name: float(self.base ** v)} for v in self._grid()]


class DiscreteParameterRange(Parameter):
    """One of the listed ``values``."""

    def __init__(self, name: str, values: Sequence[Any] = ()) -> None:
        super().__init__(name)
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not len(values):
            raise InvalidArgument(f"{name}: values must be a non-empty list, like [300, 500, 1000]; got {values!r}")
        self.values = list(values)

    def get_value(self) -> dict[str, Any]:
        assert self.name
        return {self.name: self._random.choice(self.values)}

    def to_list(self) -> list[dict[str, Any]]:
        assert self.name
        return [{self.name: v} for v in self.values]


class ParameterSet(Parameter):
    """Whole combinations, tried as given: ``ParameterSet([{"General/a": 1, "General/b": 2}, …])``.
    A value may itself be a range, drawn when the combination is used."""

    def __init__(self, parameter_combinations: Sequence[Mapping[str, Any]] = ()) -> None:
        super().__init__(None)
        combos = list(parameter_combinations)
        if not combos or not all(isinstance(c, Mapping) and c for c in combos):
            raise InvalidArgument("ParameterSet needs a non-empty list of non-empty {parameter name: value} "
                                  f"mappings; got {parameter_combinations!r}")
        self.values = [dict(c) for c in combos]

    def names(self) -> list[str]:
        return list(dict.fromkeys(k for c in self.values for k in c))

    def _resolve(self, combo: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in combo.items():
            out[key] = next(iter(value.get_value().values())) if isinstance(value, Parameter) else value
        return out

    def get_value(self) -> dict[str, Any]:
        return self._resolve(self._random.choice(self.values))

    def to_list(self) -> list[dict[str, Any]]:
        return [self._resolve(c) for c in self.values]


def check_space(hyper_parameters: Sequence[Parameter]) -> list[Parameter]:
    """The list of ranges, checked: at least one, each a range, no parameter set twice."""
    space = list(hyper_parameters or ())
    if not space:
        raise InvalidArgument("hyper_parameters is empty; give at least one range, like "
                              "UniformIntegerParameterRange('General/depth', 4, 10)")
    seen: set[str] = set()
    for p in space:
        if not isinstance(p, Parameter):
            raise InvalidArgument(f"hyper_parameters holds {p!r}; use UniformParameterRange, "
                                  f"UniformIntegerParameterRange, LogUniformParameterRange, "
                                  f"DiscreteParameterRange or ParameterSet")
        for name in p.names():
            if name in seen:
                raise InvalidArgument(f"the parameter {name!r} is in hyper_parameters twice")
            seen.add(name)
    return space
