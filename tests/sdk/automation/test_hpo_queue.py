"""``start()``: trials go to a queue and a real ``jupyter track agent daemon`` runs them."""
from __future__ import annotations

import signal
import subprocess
import sys
from typing import Any

import pytest

from jupyter_ext.automation import DiscreteParameterRange, GridSearch, HyperParameterOptimizer

from .conftest import backend

pytestmark = pytest.mark.slow


def test_trials_run_on_a_queue_by_an_agent(toy_base: str, run_py: Any) -> None:
    backend().create_queue("hpo")
    daemon = subprocess.Popen([sys.executable, "-m", "jupyter_ext.cli.main", "agent", "daemon", "--queues", "hpo",
                               "--polling-interval", "0.3"], env=run_py.env(), cwd=run_py.workdir,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        opt = HyperParameterOptimizer(
            base_task_id=toy_base, hyper_parameters=[DiscreteParameterRange("General/x", [1, 3])],
            objective_metric_title="loss", objective_metric_series="validation", optimizer_class=GridSearch,
            execution_queue="hpo", max_number_of_concurrent_tasks=2)
        opt.start()
        assert opt.wait(timeout=5)
    finally:
        daemon.send_signal(signal.SIGTERM)
        out, _ = daemon.communicate(timeout=60)
    trials = opt.trials()
    assert [t.state for t in trials] == ["completed", "completed"], out
    for t in trials:
        row = backend().get_task(t.task_id)
        assert row.worker and row.status == "completed"  # a worker ran it
    assert opt.get_top_experiments(1)[0].get_parameters()["General/x"] == 3
