"""HyperParameterOptimizer: clone a base task once per trial with sampled values, run the
trials (on a queue, or here), read each one's objective, keep the best.

    opt = HyperParameterOptimizer(
        base_task_id=base.id,
        hyper_parameters=[UniformIntegerParameterRange("General/depth", 4, 10, step_size=2)],
        objective_metric_title="ROC AUC", objective_metric_series="Test", objective_metric_sign="max",
        optimizer_class=GridSearch, execution_queue="default", max_number_of_concurrent_tasks=2)
    opt.start_locally(); opt.wait(); top = opt.get_top_experiments(top_k=3); opt.stop()

The optimizer is a task of type ``optimizer`` (the current task, if ``Task.init`` made one);
its results are a trials table, a parallel coordinates plot and the objective over trials,
updated as trials end. Time limits are in minutes, as in ClearML.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from jupyter_ext.errors import InvalidArgument, NotFound
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk.automation.parameters import Parameter, check_space
from jupyter_ext.sdk.automation.search import RandomSearch, SearchStrategy
from jupyter_ext.sdk.automation.trial_loop import TrialLoop
from jupyter_ext.sdk.automation.trials import Objective, Trial

SIGNS = ("min", "max", "min_global", "max_global")
_LOOP_KWARGS = ("total_max_jobs", "min_iteration_per_job", "max_iteration_per_job", "time_limit_per_job",
                "pool_period_min")


class HyperParameterOptimizer:
    """A hyperparameter search over clones of ``base_task_id`` (ClearML's signature)."""

    def __init__(self, base_task_id: str, hyper_parameters: Sequence[Parameter], objective_metric_title: str,
                 objective_metric_series: str, objective_metric_sign: str = "min",
                 optimizer_class: type[SearchStrategy] = RandomSearch, max_number_of_concurrent_tasks: int = 10,
                 execution_queue: str = "default", optimization_time_limit: float | None = None,
                 compute_time_limit: float | None = None, auto_connect_task: bool = True,
                 always_create_task: bool = False, spawn_project: str | None = None,
                 save_top_k_tasks_only: int | None = None, **optimizer_kwargs: Any) -> None:
        if objective_metric_sign not in SIGNS:
            raise InvalidArgument(f"objective_metric_sign must be one of {', '.join(SIGNS)}; "
                                  f"got {objective_metric_sign!r}")
        if not (isinstance(optimizer_class, type) and issubclass(optimizer_class, SearchStrategy)):
            raise InvalidArgument(f"optimizer_class must be GridSearch, RandomSearch, OptimizerOptuna or another "
                                  f"SearchStrategy class; got {optimizer_class!r}")
        _positive("max_number_of_concurrent_tasks", max_number_of_concurrent_tasks)
        for name in ("total_max_jobs", "min_iteration_per_job", "max_iteration_per_job"):
            if optimizer_kwargs.get(name) is not None:
                _positive(name, optimizer_kwargs[name])
        for name, value in (("time_limit_per_job", optimizer_kwargs.get("time_limit_per_job")),
                            ("optimization_time_limit", optimization_time_limit),
                            ("compute_time_limit", compute_time_limit),
                            ("pool_period_min", optimizer_kwargs.get("pool_period_min"))):
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0):
                raise InvalidArgument(f"{name} is in minutes and must be a positive number; got {value!r}")
        if save_top_k_tasks_only is not None and save_top_k_tasks_only < 0:
            raise InvalidArgument(f"save_top_k_tasks_only must be a number of tasks >= 0; got {save_top_k_tasks_only}")
        self.objective = Objective(str(objective_metric_title), str(objective_metric_series), objective_metric_sign)
        self.space = check_space(hyper_parameters)
        backend = session.backend()
        try:
            self.base = backend.get_task(str(base_task_id))
        except NotFound:
            raise InvalidArgument(f"base_task_id {base_task_id!r}: there is no such task; give the id of a task "
                                  f"that ran once (Task.get_task(project_name=..., task_name=...).id)") from None
        self.names = [n if "/" in n else f"General/{n}" for p in self.space for n in p.names()]
        self._check_base(backend)
        self.execution_queue = execution_queue
        self.concurrency = int(max_number_of_concurrent_tasks)
        self.optimization_time_limit = optimization_time_limit
        self.compute_time_limit = compute_time_limit
        self.auto_connect_task = auto_connect_task
        self.always_create_task = always_create_task
        self.spawn_project = spawn_project
        self.save_top_k_tasks_only = save_top_k_tasks_only
        self.limits = {k: optimizer_kwargs.pop(k, None) for k in _LOOP_KWARGS}
        self.optimizer = optimizer_class(
            self.space, objective_sign=objective_metric_sign, total_max_jobs=self.limits["total_max_jobs"],
            min_iteration_per_job=self.limits["min_iteration_per_job"],
            max_iteration_per_job=self.limits["max_iteration_per_job"], **optimizer_kwargs)
        self.report_period_s: float | None = None  # None: every 2 s at first, thinning out as the search goes on
        self._loop: TrialLoop | None = None
        self._lock = threading.Lock()

    def _check_base(self, backend: Any) -> None:
        known = {f"{p.section}/{p.name}" for p in backend.get_parameters(self.base.id)}
        unknown = [n for n in self.names if n not in known]
        if unknown:
            have = ", ".join(sorted(known)) or "none (run it once so its parameters are recorded)"
            raise InvalidArgument(f"unknown parameter name{'s' if len(unknown) > 1 else ''} "
                                  f"{', '.join(map(repr, unknown))} in hyper_parameters: base task {self.base.id} "
                                  f"has these parameters: {have}")
        metrics = backend.get_last_metrics(self.base.id)
        if self.objective.series not in metrics.get(self.objective.title, {}):
            reported = ", ".join(f"{t}/{s}" for t, ss in sorted(metrics.items()) for s in sorted(ss)
                                 if not t.startswith(":")) or "nothing"
            raise InvalidArgument(f"objective {self.objective.title!r}/{self.objective.series!r}: base task "
                                  f"{self.base.id} never reported it (it reported: {reported}); check "
                                  f"objective_metric_title and objective_metric_series, or run the base task once")

    # -- running -----------------------------------------------------------------------------------
    def start(self, job_complete_callback: Callable[..., Any] | None = None) -> bool:
        """Start the search: trials go to ``execution_queue`` for workers to run; returns at once
        (``wait()`` blocks until the search ends)."""
        backend = session.backend()
        try:
            backend.get_queue(self.execution_queue)
        except NotFound:
            raise InvalidArgument(f"there is no queue named {self.execution_queue!r}; create it "
                                  f"(jupyter track agent daemon --queues {self.execution_queue} --create-queue) "
                                  f"or use start_locally()") from None
        return self._start(local=False, callback=job_complete_callback)

    def start_locally(self, job_complete_callback: Callable[..., Any] | None = None) -> bool:
        """Start the search with each trial run here, as a child process; returns at once."""
        return self._start(local=True, callback=job_complete_callback)

    def _start(self, *, local: bool, callback: Callable[..., Any] | None) -> bool:
        with self._lock:
            if self._loop is not None:
                raise InvalidArgument("this optimizer already ran; make a new HyperParameterOptimizer to search again")
            self._loop = TrialLoop(self, local=local, callback=callback)
        self._loop.start()
        print(f"jupyter-track: optimizer task id={self._loop.task.id} ({self._loop.task.get_project_name()} / "
              f"{self._loop.task.name})")
        return True

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the search ends (``timeout`` in minutes); True when it ended."""
        if self._loop is None:
            return True
        ended = self._loop.finished.wait(None if timeout is None else timeout * 60)
        if ended and self._loop.error is not None:
            raise self._loop.error
        return ended

    def stop(self, timeout: float | None = None, wait_for_reporter: bool = True) -> None:
        """Stop the search: no new trials, running ones are aborted; waits for them to end
        (``timeout`` in minutes)."""
        if self._loop is None:
            return
        self._loop.stop("the optimizer was stopped")
        self._loop.finished.wait(None if timeout is None else timeout * 60)

    def is_active(self) -> bool:
        """True while the search runs."""
        return self._loop is not None and not self._loop.finished.is_set()

    is_running = is_active

    def set_time_limit(self, in_minutes: float | None = None) -> None:
        """Limit the whole search to ``in_minutes`` from its start."""
        self.optimization_time_limit = in_minutes

    def get_time_limit(self) -> float | None:
        """The search's time limit in minutes (``optimization_time_limit``), or None."""
        return self.optimization_time_limit

    def elapsed(self) -> float:
        """Minutes since the search started (-1 before it did)."""
        import time

        return -1.0 if self._loop is None else (time.time() - self._loop.started) / 60

    def reached_time_limit(self) -> bool:
        """Whether ``optimization_time_limit`` has passed."""
        limit = self.optimization_time_limit
        return limit is not None and self._loop is not None and self.elapsed() >= limit

    def set_report_period(self, report_period_minutes: float) -> None:
        """Rewrite the trials table and plots at most every ``report_period_minutes``."""
        if report_period_minutes <= 0:
            raise InvalidArgument(f"report_period_minutes must be positive; got {report_period_minutes}")
        self.report_period_s = report_period_minutes * 60

    def get_num_active_experiments(self) -> int:
        """How many trials are queued or running now."""
        return len(self.get_active_experiments())

    def get_active_experiments(self) -> list[Any]:
        """The tasks of the trials queued or running now."""
        from jupyter_ext.sdk.tasks.task import Task

        return [Task.get_task(task_id=t.task_id) for t in self.trials() if t.state in ("running", "pruning")]

    # -- results -----------------------------------------------------------------------------------
    @property
    def id(self) -> str:
        """The optimizer task's id (after ``start``)."""
        if self._loop is None:
            raise InvalidArgument("the optimizer has no task before start() or start_locally()")
        return str(self._loop.task.id)

    def get_optimizer(self) -> SearchStrategy:
        return self.optimizer

    def trials(self) -> list[Trial]:
        """Every trial so far, in order."""
        return [] if self._loop is None else list(self._loop.trials)

    def _ranked(self, top_k: int) -> list[Trial]:
        done = [t for t in self.trials() if t.objective is not None and t.state in ("completed", "stopped")]
        done.sort(key=lambda t: t.objective if t.objective is not None else 0.0, reverse=self.objective.maximize)
        return done[:max(0, int(top_k))]

    def get_top_experiments(self, top_k: int) -> list[Any]:
        """The ``top_k`` best trials' tasks, best first."""
        from jupyter_ext.sdk.tasks.task import Task

        return [Task.get_task(task_id=t.task_id) for t in self._ranked(top_k)]

    def get_top_experiments_id_metrics_pair(self, top_k: int, all_metrics: bool = False,
                                            only_completed: bool = False) -> list[tuple[str, dict[str, Any]]]:
        """``[(task id, {title: {series: value}})]`` of the best trials, best first."""
        return [(t.task_id, {self.objective.title: {self.objective.series: t.objective}}) for t in self._ranked(top_k)]

    def get_top_experiments_details(self, top_k: int, all_hyper_parameters: bool = False,
                                    all_metrics: bool = False, only_completed: bool = False) -> list[dict[str, Any]]:
        """``[{"task_id", "hyper_parameters", "metrics"}]`` of the best trials, best first."""
        return [{"task_id": t.task_id, "hyper_parameters": dict(t.values),
                 "metrics": {self.objective.title: {self.objective.series: t.objective}}} for t in self._ranked(top_k)]

    def _repr_html_(self) -> str:
        from jupyter_ext.sdk._notebook import optimizer_html

        return optimizer_html(self)

    def _ipython_display_(self) -> None:
        """In a notebook: the trials table, updated in place while the search runs."""
        from jupyter_ext.sdk._notebook import show_optimizer

        show_optimizer(self)


def _positive(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidArgument(f"{name} must be a whole number >= 1; got {value!r}")
