"""Bad input to the optimizer is refused before anything runs, with a message saying what to fix."""
from __future__ import annotations

from typing import Any

import pytest

from jupyter_ext.automation import (
    DiscreteParameterRange,
    GridSearch,
    HyperParameterOptimizer,
    LogUniformParameterRange,
    ParameterSet,
    UniformIntegerParameterRange,
    UniformParameterRange,
)
from jupyter_ext.errors import InvalidArgument

from .conftest import backend


def _optimizer(base: str, **kwargs: Any) -> HyperParameterOptimizer:
    args: dict[str, Any] = {"base_task_id": base, "objective_metric_title": "loss",
                            "objective_metric_series": "validation",
                            "hyper_parameters": [UniformIntegerParameterRange("General/x", 1, 5)]}
    args.update(kwargs)
    return HyperParameterOptimizer(**args)


def _task_count() -> int:
    return len(backend().query_tasks())


def test_unknown_parameter_name_is_refused_and_names_the_known_ones(toy_base: str) -> None:
    before = _task_count()
    with pytest.raises(InvalidArgument, match=r"'General/depth'.*General/x, General/y"):
        _optimizer(toy_base, hyper_parameters=[UniformIntegerParameterRange("General/depth", 1, 5)])
    assert _task_count() == before  # nothing was created


def test_objective_the_base_task_never_reported_is_refused(toy_base: str) -> None:
    with pytest.raises(InvalidArgument, match=r"never reported it \(it reported: loss/validation\)"):
        _optimizer(toy_base, objective_metric_title="ROC AUC", objective_metric_series="Test")


def test_empty_ranges_and_bad_values_are_refused() -> None:
    with pytest.raises(InvalidArgument, match="empty"):
        UniformParameterRange("General/lr", 0.5, 0.1)
    with pytest.raises(InvalidArgument, match="empty"):
        UniformIntegerParameterRange("General/x", 3, 3, include_max_value=False)
    with pytest.raises(InvalidArgument, match="non-empty list"):
        DiscreteParameterRange("General/x", [])
    with pytest.raises(InvalidArgument, match="non-empty list"):
        ParameterSet([])
    with pytest.raises(InvalidArgument, match="step_size must be positive"):
        UniformParameterRange("General/lr", 0.0, 1.0, step_size=0)
    with pytest.raises(InvalidArgument, match="must be an integer"):
        UniformIntegerParameterRange("General/x", 1, 2.5)  # type: ignore[arg-type]


def test_other_bad_arguments(toy_base: str) -> None:
    with pytest.raises(InvalidArgument, match="objective_metric_sign"):
        _optimizer(toy_base, objective_metric_sign="minimum")
    with pytest.raises(InvalidArgument, match="no such task"):
        _optimizer("0" * 32)
    with pytest.raises(InvalidArgument, match="hyper_parameters is empty"):
        _optimizer(toy_base, hyper_parameters=[])
    with pytest.raises(InvalidArgument, match="twice"):
        _optimizer(toy_base, hyper_parameters=[DiscreteParameterRange("General/x", [1]),
                                               DiscreteParameterRange("General/x", [2])])
    with pytest.raises(InvalidArgument, match="max_number_of_concurrent_tasks"):
        _optimizer(toy_base, max_number_of_concurrent_tasks=0)
    with pytest.raises(InvalidArgument, match="in minutes"):
        _optimizer(toy_base, time_limit_per_job=-1)
    with pytest.raises(InvalidArgument, match="no queue named 'nowhere'"):
        _optimizer(toy_base, execution_queue="nowhere").start()


def test_grids_and_draws() -> None:
    assert [v["a"] for v in UniformIntegerParameterRange("a", 4, 10, step_size=2).to_list()] == [4, 6, 8, 10]
    assert [v["a"] for v in UniformParameterRange("a", 0.0, 1.0, step_size=0.25).to_list()] == \
        [0.0, 0.25, 0.5, 0.75, 1.0]
    assert [v["a"] for v in LogUniformParameterRange("a", -3, -1, step_size=1).to_list()] == \
        pytest.approx([0.001, 0.01, 0.1])
    lr = LogUniformParameterRange("a", -3, -1)
    lr.set_random_seed(1)
    assert all(0.001 <= lr.get_value()["a"] <= 0.1 for _ in range(200))
    grid = GridSearch([UniformIntegerParameterRange("a", 1, 2), DiscreteParameterRange("b", ["u", "v"])])
    combos = []
    while (c := grid.suggest(len(combos))) is not None:
        combos.append(c)
    assert combos == [{"a": 1, "b": "u"}, {"a": 1, "b": "v"}, {"a": 2, "b": "u"}, {"a": 2, "b": "v"}]
    from jupyter_ext.automation import RandomSearch

    rnd = RandomSearch([DiscreteParameterRange("a", [1, 2, 3])], seed=7)
    drawn = [rnd.suggest(i) for i in range(4)]
    assert sorted(d["a"] for d in drawn[:3] if d) == [1, 2, 3] and drawn[3] is None  # no repeats, then done
