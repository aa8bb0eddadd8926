"""Search strategies: which values the next trial tries, and whether a running trial goes on.

A strategy is asked ``suggest(index)`` for trial ``index``'s values (None: nothing left to try),
told ``report(index, iteration, value)`` as a running trial reports its objective (True back:
stop that trial early) and ``complete(index, value, state)`` when it ends. ``GridSearch`` and
``RandomSearch`` are built in; ``jupyter_ext.automation.optuna.OptimizerOptuna`` adds Optuna.
"""
from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from typing import Any

from jupyter_ext.sdk.automation.parameters import Parameter

RANDOM_ATTEMPTS = 100  # draws tried for a combination not seen yet before the search ends


def _key(values: dict[str, Any]) -> str:
    return json.dumps(values, sort_keys=True, default=str)


class SearchStrategy:
    """The base of the strategies (ClearML's ``SearchStrategy``): ranges in, values out."""

    def __init__(self, hyper_parameters: Sequence[Parameter], *, objective_sign: str = "min",
                 total_max_jobs: int | None = None, min_iteration_per_job: int | None = None,
                 max_iteration_per_job: int | None = None, seed: int | None = None, **_: Any) -> None:
        self.hyper_parameters = list(hyper_parameters)
        self.objective_sign = objective_sign
        self.total_max_jobs = total_max_jobs
        self.min_iteration_per_job = min_iteration_per_job
        self.max_iteration_per_job = max_iteration_per_job
        self.seed = seed
        if seed is not None:
            self.set_random_seed(seed)

    def set_random_seed(self, seed: int = 1337) -> None:
        """Make the draws repeatable."""
        for i, p in enumerate(self.hyper_parameters):
            p.set_random_seed(seed + i)

    @property
    def maximize(self) -> bool:
        return self.objective_sign.startswith("max")

    def suggest(self, index: int) -> dict[str, Any] | None:
        raise NotImplementedError

    def report(self, index: int, iteration: int, value: float) -> bool:
        """A running trial's objective at ``iteration``; True stops the trial early."""
        return False

    def complete(self, index: int, value: float | None, state: str) -> None:
        """Trial ``index`` ended ``state`` (completed, failed, stopped, pruned) with ``value``."""


class GridSearch(SearchStrategy):
    """Every combination of the ranges' grids, in order (a range without ``step_size`` is cut
    in ten steps)."""

    def __init__(self, hyper_parameters: Sequence[Parameter], **kwargs: Any) -> None:
        super().__init__(hyper_parameters, **kwargs)
        grids = [p.to_list() for p in self.hyper_parameters]
        self._combos = iter([{k: v for part in combo for k, v in part.items()} for combo in itertools.product(*grids)])

    def suggest(self, index: int) -> dict[str, Any] | None:
        return next(self._combos, None)


class RandomSearch(SearchStrategy):
    """Values drawn at random from each range; a combination already tried is not tried again."""

    def __init__(self, hyper_parameters: Sequence[Parameter], **kwargs: Any) -> None:
        super().__init__(hyper_parameters, **kwargs)
        self._tried: set[str] = set()

    def suggest(self, index: int) -> dict[str, Any] | None:
        for _ in range(RANDOM_ATTEMPTS):
            values: dict[str, Any] = {}
            for p in self.hyper_parameters:
                values.update(p.get_value())
            key = _key(values)
            if key not in self._tried:
                self._tried.add(key)
                return values
        return None  # the space is exhausted (a small discrete one)
