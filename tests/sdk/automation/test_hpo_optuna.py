"""OptimizerOptuna: Optuna picks the values; its pruner stops a trial that falls behind."""
from __future__ import annotations

import pytest

from jupyter_ext.automation import DiscreteParameterRange, HyperParameterOptimizer, UniformIntegerParameterRange
from jupyter_ext.errors import InvalidArgument

from .conftest import backend

optuna = pytest.importorskip("optuna")
pytestmark = pytest.mark.slow


def test_pruning_stops_a_bad_trial_and_its_task_says_why(toy_base: str) -> None:
    from jupyter_ext.automation.optuna import OptimizerOptuna

    opt = HyperParameterOptimizer(
        base_task_id=toy_base, hyper_parameters=[DiscreteParameterRange("General/x", [2, 3, 60])],
        objective_metric_title="loss", objective_metric_series="validation", objective_metric_sign="min",
        optimizer_class=OptimizerOptuna, max_number_of_concurrent_tasks=1, total_max_jobs=3,
        min_iteration_per_job=1, optuna_sampler=optuna.samplers.BruteForceSampler(seed=3),
        optuna_pruner=optuna.pruners.ThresholdPruner(upper=10.0, n_warmup_steps=1))
    opt.start_locally()
    assert opt.wait(timeout=3)  # the bad trial holds for 5 minutes unless it is stopped
    by_x = {t.values["General/x"]: t for t in opt.trials()}
    assert set(by_x) == {2, 3, 60}
    bad = by_x[60]
    assert bad.state == "pruned" and bad.message.startswith("pruned:")
    assert bad.iteration is not None and bad.iteration >= 1  # not before min_iteration_per_job
    row = backend().get_task(bad.task_id)
    assert row.status == "stopped" and row.status_reason.startswith("pruned:")
    console = "".join(c["text"] for c in backend().get_console(bad.task_id))
    assert "jupyter-track optimizer: pruned: the objective" in console
    assert by_x[2].state == by_x[3].state == "completed"
    study = opt.get_optimizer().study  # type: ignore[attr-defined]
    assert sorted(t.state.name for t in study.trials) == ["COMPLETE", "COMPLETE", "PRUNED"]
    assert opt.get_top_experiments(1)[0].id == by_x[3].task_id


def test_optuna_ranges_and_refusals(toy_base: str) -> None:
    from jupyter_ext.automation import LogUniformParameterRange, ParameterSet
    from jupyter_ext.automation.optuna import OptimizerOptuna

    strategy = OptimizerOptuna([UniformIntegerParameterRange("General/x", 4, 10, step_size=2),
                                LogUniformParameterRange("General/lr", -3, -1)], seed=1, total_max_jobs=20)
    for i in range(20):
        values = strategy.suggest(i)
        assert values is not None and values["General/x"] in (4, 6, 8, 10) and 0.001 <= values["General/lr"] <= 0.1
        strategy.complete(i, float(values["General/x"]), "completed")
    assert strategy.suggest(20) is None
    with pytest.raises(InvalidArgument, match="at most one ParameterSet"):
        OptimizerOptuna([ParameterSet([{"a": 1}]), ParameterSet([{"b": 1}])])
