"""OptimizerOptuna: Optuna chooses each trial's values (TPE by default) and stops trials whose
objective falls behind (its pruner; Optuna's median pruner by default). Needs ``optuna``
(``pip install jupyter-ext[hpo]``)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk.automation.parameters import (
    DiscreteParameterRange,
    LogUniformParameterRange,
    Parameter,
    ParameterSet,
    UniformIntegerParameterRange,
    UniformParameterRange,
)
from jupyter_ext.sdk.automation.search import SearchStrategy

_SET = "__parameter_set__"


def _optuna() -> Any:
    try:
        import optuna
    except ImportError:
        raise InvalidArgument("OptimizerOptuna needs Optuna: pip install 'jupyter-ext[hpo]' (or pip install optuna)") \
            from None
    return optuna


class OptimizerOptuna(SearchStrategy):
    """Optuna's ask-and-tell study behind ClearML's ``OptimizerOptuna``: ``optuna_sampler`` and
    ``optuna_pruner`` replace its defaults; ``min_iteration_per_job`` is the pruner's warm-up."""

    def __init__(self, hyper_parameters: Sequence[Parameter], *, optuna_sampler: Any = None,
                 optuna_pruner: Any = None, continue_previous_study: Any = None, **kwargs: Any) -> None:
        super().__init__(hyper_parameters, **kwargs)
        optuna = _optuna()
        if sum(isinstance(p, ParameterSet) for p in self.hyper_parameters) > 1:
            raise InvalidArgument("OptimizerOptuna takes at most one ParameterSet; merge the combinations into one")
        self._distributions = {k: v for p in self.hyper_parameters for k, v in self._distribution(optuna, p).items()}
        if continue_previous_study is not None:
            self.study = continue_previous_study
        else:
            sampler = optuna_sampler or optuna.samplers.TPESampler(seed=self.seed)
            pruner = optuna_pruner or optuna.pruners.MedianPruner(n_warmup_steps=self.min_iteration_per_job or 0)
            self.study = optuna.create_study(direction="maximize" if self.maximize else "minimize",
                                             sampler=sampler, pruner=pruner)
        self._trials: dict[int, Any] = {}
        self._sampler_done = False

    def _distribution(self, optuna: Any, p: Parameter) -> dict[str, Any]:
        d = optuna.distributions
        if isinstance(p, ParameterSet):
            return {_SET: d.CategoricalDistribution(list(range(len(p.values))))}
        assert p.name is not None
        if isinstance(p, DiscreteParameterRange):
            if not all(v is None or isinstance(v, (bool, int, float, str)) for v in p.values):
                raise InvalidArgument(f"{p.name}: Optuna takes only None, bool, int, float or str values")
            return {p.name: d.CategoricalDistribution(p.values)}
        if isinstance(p, UniformIntegerParameterRange):
            high = int(p.max_value) if p.include_max_value else int(p.max_value) - 1
            return {p.name: d.IntDistribution(int(p.min_value), high, step=int(p.step_size or 1))}
        if isinstance(p, LogUniformParameterRange):
            return {p.name: d.FloatDistribution(p.base ** p.min_value, p.base ** p.max_value, log=True)}
        if isinstance(p, UniformParameterRange):
            return {p.name: d.FloatDistribution(p.min_value, p.max_value, step=p.step_size)}
        raise InvalidArgument(f"OptimizerOptuna cannot search {type(p).__name__} ({p!r})")

    def suggest(self, index: int) -> dict[str, Any] | None:
        if self._sampler_done or (self.total_max_jobs is not None and index >= self.total_max_jobs):
            return None
        trial = self.study.ask(self._distributions)
        self._trials[index] = trial
        values = dict(trial.params)
        combo = values.pop(_SET, None)
        if combo is not None:
            sets = [p for p in self.hyper_parameters if isinstance(p, ParameterSet)]
            values.update(sets[0]._resolve(sets[0].values[int(combo)]))
        return values

    def report(self, index: int, iteration: int, value: float) -> bool:
        trial = self._trials.get(index)
        if trial is None:
            return False
        trial.report(float(value), step=int(iteration))
        return bool(trial.should_prune())

    def complete(self, index: int, value: float | None, state: str) -> None:
        trial = self._trials.pop(index, None)
        if trial is None:
            return
        states = _optuna().trial.TrialState
        try:
            if state == "pruned":
                self.study.tell(trial, state=states.PRUNED)
            elif value is None or state == "failed":
                self.study.tell(trial, state=states.FAIL)
            else:
                self.study.tell(trial, float(value))
        except RuntimeError as exc:
            # A sampler whose grid is exhausted (GridSampler, BruteForceSampler) calls study.stop(),
            # which Optuna allows only inside optimize(); the trial was recorded before that call.
            if "Study.stop" not in str(exc):
                raise
            self._sampler_done = True
