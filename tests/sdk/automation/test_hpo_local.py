"""Searches whose trials run here as child processes (``start_locally``)."""
from __future__ import annotations

import json
from typing import Any

import pytest

from jupyter_ext.automation import (
    DiscreteParameterRange,
    GridSearch,
    HyperParameterOptimizer,
    ParameterSet,
    RandomSearch,
    UniformIntegerParameterRange,
)

from .conftest import backend

pytestmark = pytest.mark.slow


def _plots_of(task_id: str) -> dict[str, Any]:
    """The newest plot of each title."""
    out: dict[str, Any] = {}
    for p in backend().get_plots(task_id):
        out[p["title"]] = p
    return out


def test_grid_search_finds_the_known_best_and_reports_it(toy_base: str) -> None:
    ended: list[tuple[str, float | None]] = []
    opt = HyperParameterOptimizer(
        base_task_id=toy_base,
        hyper_parameters=[UniformIntegerParameterRange("General/x", 1, 5, step_size=2),
                          DiscreteParameterRange("General/y", [0.0, 1.0])],
        objective_metric_title="loss", objective_metric_series="validation", objective_metric_sign="min",
        optimizer_class=GridSearch, max_number_of_concurrent_tasks=2, save_top_k_tasks_only=2)
    opt.start_locally(job_complete_callback=lambda tid, value, it, params, top: ended.append((tid, value)))
    assert opt.wait(timeout=5)
    trials = opt.trials()
    assert len(trials) == 6 and [t.state for t in trials] == ["completed"] * 6
    assert opt.elapsed() > 0 and not opt.reached_time_limit() and opt.get_num_active_experiments() == 0
    assert sorted(v for _, v in ended) == sorted(t.objective for t in trials)  # the callback saw each one
    top = opt.get_top_experiments(top_k=2)
    best = top[0]
    assert best.get_parameters()["General/x"] == 3 and best.get_parameters()["General/y"] == 1.0
    assert best.get_last_scalar_metrics()["loss"]["validation"]["last"] == pytest.approx(0.0)
    assert opt.get_top_experiments_details(1)[0]["hyper_parameters"] == {"General/x": 3, "General/y": 1.0}
    # trials are clones of the base under the optimizer task; all but the top 2 archived
    optimizer = backend().get_task(opt.id)
    assert optimizer.type == "optimizer" and optimizer.status == "completed"
    for t in trials:
        row = backend().get_task(t.task_id)
        assert row.parent_id == opt.id and row.status == "completed"
        assert row.archived == (t.task_id not in {x.id for x in top})
    base = backend().get_task(toy_base)
    assert base.status == "completed" and {p.key: p.value for p in backend().get_parameters(toy_base)}["General/x"] == 0
    # the optimizer's results: objective per trial, a trials table and both plotly figures
    scalars = backend().get_last_metrics(opt.id)
    assert scalars["loss"]["validation"]["min"] == pytest.approx(0.0)
    plots = _plots_of(opt.id)
    table = json.loads(plots["Trials"]["figure"])
    cells = table["data"][0]["cells"]["values"]
    assert len(cells[0]) == 6 and set(cells[2]) == {"completed"}
    parcoords = json.loads(plots["Parallel Coordinates"]["figure"])["data"][0]
    assert parcoords["type"] == "parcoords" and [d["label"] for d in parcoords["dimensions"]] == \
        ["General/x", "General/y", "loss/validation"]
    progress = json.loads(plots["Objective over trials"]["figure"])["data"]
    assert progress[1]["y"][-1] == pytest.approx(0.0)  # best so far ends at the optimum


def test_a_failing_trial_is_marked_failed_and_the_search_goes_on(toy_base: str) -> None:
    opt = HyperParameterOptimizer(
        base_task_id=toy_base,
        hyper_parameters=[ParameterSet([{"General/x": 99, "General/y": 1.0}, {"General/x": 2, "General/y": 1.0},
                                        {"General/x": 3, "General/y": 1.0}])],
        objective_metric_title="loss", objective_metric_series="validation",
        optimizer_class=RandomSearch, max_number_of_concurrent_tasks=1, total_max_jobs=3)
    opt.start_locally()
    assert opt.wait(timeout=5)
    by_x = {t.values["General/x"]: t for t in opt.trials()}
    assert by_x[99].state == "failed" and "failing on purpose" in by_x[99].message
    assert backend().get_task(by_x[99].task_id).status == "failed"
    assert by_x[2].state == by_x[3].state == "completed"
    assert opt.get_top_experiments(1)[0].id == by_x[3].task_id
    assert backend().get_task(opt.id).status == "completed"


def test_stop_aborts_running_trials(toy_base: str) -> None:
    opt = HyperParameterOptimizer(
        base_task_id=toy_base, hyper_parameters=[DiscreteParameterRange("General/x", [60, 70])],
        objective_metric_title="loss", objective_metric_series="validation",
        optimizer_class=GridSearch, max_number_of_concurrent_tasks=2)
    opt.start_locally()
    import time

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not all(t.objective is not None for t in opt.trials()[:2]):
        time.sleep(0.2)  # both trials are running and reported once (they then hold)
    assert {t.status for t in opt.get_active_experiments()} == {"in_progress"} and opt.get_num_active_experiments() == 2
    opt.stop()
    assert not opt.is_active()
    states = {t.state for t in opt.trials()}
    assert states == {"stopped"}
    for t in opt.trials():
        assert backend().get_task(t.task_id).status == "stopped"
    assert backend().get_task(opt.id).status == "stopped"


@pytest.mark.parametrize("limit,reason", [({"max_iteration_per_job": 1}, "reached max_iteration_per_job (1)"),
                                          ({"time_limit_per_job": 0.01}, "time_limit_per_job of 0.01 min exceeded")])
def test_iteration_and_time_limits_stop_a_trial(toy_base: str, limit: dict[str, Any], reason: str) -> None:
    opt = HyperParameterOptimizer(
        base_task_id=toy_base, hyper_parameters=[DiscreteParameterRange("General/x", [60])],
        objective_metric_title="loss", objective_metric_series="validation", optimizer_class=GridSearch,
        max_number_of_concurrent_tasks=1, **limit)
    opt.start_locally()
    assert opt.wait(timeout=3)  # the trial holds for 5 minutes unless it is stopped
    [trial] = opt.trials()
    assert trial.state == "stopped" and trial.message == reason
    row = backend().get_task(trial.task_id)
    assert row.status == "stopped" and row.status_reason == reason
    assert backend().get_task(opt.id).status == "completed"  # the search itself ended normally
