"""The optimizer's loop, on a thread of this process: launch trials while there is room, watch
them (objective, iteration limits, time limits, early stopping), record each end on the
optimizer task, finish the task when nothing is left to try."""
from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jupyter_ext.core.rules import status as statuses
from jupyter_ext.errors import TrackError
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk.automation import report
from jupyter_ext.sdk.automation import trials as trial_ops
from jupyter_ext.sdk.automation.trials import Trial

if TYPE_CHECKING:
    from jupyter_ext.sdk.automation.optimizer import HyperParameterOptimizer

POLL_S = 0.25
# The trials table and plots are stored anew at each report (a task's plots are never replaced),
# so reports thin out as the search goes on: at most every 2 s, or a quarter of the time run so
# far, and once at the end.
REPORT_EVERY_S = 2.0
OPTIMIZER_TAG = "optimizer"


class TrialLoop:
    def __init__(self, opt: HyperParameterOptimizer, *, local: bool, callback: Callable[..., Any] | None) -> None:
        self.opt = opt
        self.local = local
        self.callback = callback
        self.trials: list[Trial] = []
        self.wake = threading.Event()
        self.finished = threading.Event()
        self.stopping = ""
        self.error: BaseException | None = None
        self.exhausted = False
        self._reported_at = 0.0
        self.started = time.time()
        self.task, self.own_task = self._optimizer_task()
        self.logger = self.task.get_logger()
        limits = opt.limits
        self.total_max_jobs: int | None = limits["total_max_jobs"]
        self.max_iteration: int | None = limits["max_iteration_per_job"]
        self.time_limit_s = None if limits["time_limit_per_job"] is None else float(limits["time_limit_per_job"]) * 60
        self.poll_s = POLL_S if limits["pool_period_min"] is None else float(limits["pool_period_min"]) * 60
        self._thread = threading.Thread(target=self._run, name="jupyter-track-optimizer", daemon=True)

    def _optimizer_task(self) -> tuple[Any, bool]:
        from jupyter_ext.sdk.tasks.task import Task

        current = Task.current_task()
        if current is not None and self.opt.auto_connect_task and not self.opt.always_create_task:
            current.set_task_type("optimizer")
            return current, False
        base = self.opt.base
        row = session.backend().create_task({
            "project": base.project_name, "name": f"Optimizer: {base.name}", "type": "optimizer",
            "status": statuses.IN_PROGRESS, "system_tags": [OPTIMIZER_TAG], "user": session.getpid_user(),
            "comment": f"hyperparameter search over clones of task {base.id}"})
        return Task(row.to_dict()), True

    # -- driving -----------------------------------------------------------------------------------
    def start(self) -> None:
        self._log(f"searching {', '.join(self.opt.names)} with {type(self.opt.optimizer).__name__}; "
                  f"objective {self.opt.objective.title}/{self.opt.objective.series} ({self.opt.objective.sign})")
        self._thread.start()

    def stop(self, reason: str) -> None:
        if not self.stopping:
            self.stopping = reason
        self.wake.set()

    def _run(self) -> None:
        try:
            while True:
                self._watch()
                self._launch()
                if not self._running() and (self.stopping or self.exhausted):
                    break
                self.wake.wait(self.poll_s)
                self.wake.clear()
        except BaseException as exc:  # noqa: BLE001 - the loop broke: stop the trials, record why, wait() re-raises
            self.error = exc
            self.stopping = self.stopping or f"optimizer error: {type(exc).__name__}: {exc}"
            for t in self._running():
                trial_ops.stop(t, self.stopping)
        finally:
            try:
                self._finish()
            finally:
                self.finished.set()

    def _running(self) -> list[Trial]:
        return [t for t in self.trials if t.state in ("running", "pruning")]

    # -- launching ---------------------------------------------------------------------------------
    def _launch(self) -> None:
        while not self.stopping and not self.exhausted and len(self._running()) < self.opt.concurrency:
            if self._out_of_budget():
                self.exhausted = True
                return
            index = len(self.trials)
            values = self.opt.optimizer.suggest(index)
            if values is None:
                self.exhausted = True
                return
            trial = Trial(index=index, values=dict(values))
            self.trials.append(trial)
            try:
                trial.task_id = trial_ops.create_trial_task(
                    self.opt.base.id, trial, name=f"{self.opt.base.name}: trial {index}", parent_id=self.task.id,
                    project=self.opt.spawn_project)
                trial.started = time.time()
                trial.state = "running"
                if self.local:
                    trial_ops.run_here(trial, self.wake.set)
                else:
                    session.backend().enqueue_task(trial.task_id, self.opt.execution_queue)
                    if index == 0:
                        self._warn_if_no_worker()
            except TrackError as exc:
                self._end(trial, "failed", f"could not launch: {exc.message}")
                continue
            self._log(f"trial {index} launched (task {trial.task_id}): {values}")

    def _warn_if_no_worker(self) -> None:
        queue = self.opt.execution_queue
        try:
            workers = session.backend().list_workers()
        except TrackError:
            return
        if not any(queue in w.queues and w.state != "lost" for w in workers):
            print(f"jupyter-track: no worker listens to queue {queue!r}: the trials wait there. Start one with:  "
                  f"jupyter track agent daemon --queues {queue}", file=sys.stderr, flush=True)

    def _out_of_budget(self) -> bool:
        if self.total_max_jobs is not None and len(self.trials) >= self.total_max_jobs:
            return True
        limit = self.opt.optimization_time_limit
        if limit is not None and time.time() - self.started > limit * 60:
            self._log(f"optimization_time_limit of {limit:g} min reached")
            return True
        budget = self.opt.compute_time_limit
        if budget is not None and sum(t.duration or 0.0 for t in self.trials) > budget * 60:
            self._log(f"compute_time_limit of {budget:g} min reached")
            return True
        return False

    # -- watching ----------------------------------------------------------------------------------
    def _watch(self) -> None:
        backend = session.backend()
        objective = self.opt.objective
        for trial in self._running():
            value, iteration = objective.read(backend.get_last_metrics(trial.task_id))
            if value is not None and (iteration, value) != (trial.iteration, trial.objective):
                trial.objective, trial.iteration = value, iteration
                prune = self.opt.optimizer.report(trial.index, int(iteration or 0), value)
                min_iter = self.opt.limits["min_iteration_per_job"] or 0
                if prune and (iteration or 0) >= min_iter and trial.state == "running" and not trial.message:
                    trial_ops.stop(trial, f"pruned: the objective {value:g} at iteration {iteration} fell "
                                          f"behind the other trials")
                    trial.state = "pruning"
            state = trial_ops.state_now(trial)
            if state is not None:
                self._end(trial, "pruned" if trial.state == "pruning" else state, trial.message)
                continue
            if trial.state == "pruning" or trial.message:
                continue
            if self.max_iteration is not None and (trial.iteration or 0) >= self.max_iteration:
                trial_ops.stop(trial, f"reached max_iteration_per_job ({self.max_iteration})")
            elif self.time_limit_s is not None and (trial.duration or 0.0) > self.time_limit_s:
                trial_ops.stop(trial, f"time_limit_per_job of {self.time_limit_s / 60:g} min exceeded")
            elif self.stopping:
                trial_ops.stop(trial, self.stopping)

    def _end(self, trial: Trial, state: str, message: str) -> None:
        value, iteration = self.opt.objective.read(session.backend().get_last_metrics(trial.task_id)) \
            if trial.task_id else (None, None)
        trial.objective, trial.iteration = value, iteration
        trial.state, trial.message, trial.ended = state, message, time.time()
        if state in ("pruned", "stopped") and message:
            self._say_why_stopped(trial)
        trial.execution = None
        self.opt.optimizer.complete(trial.index, value, state)
        self._log(f"trial {trial.index} {state}" + (f": {message}" if message else "")
                  + (f"; {self.opt.objective.title}/{self.opt.objective.series} = {value:g}" if value is not None
                     else ""))
        finished = [t for t in self.trials if t.finished]
        if value is not None:
            self.logger.report_scalar(self.opt.objective.title, self.opt.objective.series, value, trial.index)
        since = time.monotonic() - self._reported_at
        period = self.opt.report_period_s
        if since >= (period if period is not None else max(REPORT_EVERY_S, (time.time() - self.started) / 4)):
            self._report(len(finished))
        if self.callback is not None and state in ("completed", "stopped"):
            best = self.opt._ranked(1)
            self.callback(trial.task_id, value, iteration, dict(trial.values), best[0].task_id if best else None)

    def _report(self, iteration: int) -> None:
        report.report(self.logger, self.trials, self.opt.names, self.opt.objective, iteration)
        self._reported_at = time.monotonic()

    def _say_why_stopped(self, trial: Trial) -> None:
        """The trial's own SDK records the signal it got; the task says why it was stopped."""
        backend = session.backend()
        try:
            row = backend.get_task(trial.task_id)
            if row.status == statuses.STOPPED and row.status_reason != trial.message:
                backend.set_task_status(trial.task_id, statuses.STOPPED, reason=trial.message[:2000],
                                        message="stopped by the optimizer")
        except TrackError as exc:
            self._log(f"could not record why trial {trial.index} stopped: {exc.message}")

    # -- finishing ---------------------------------------------------------------------------------
    def _finish(self) -> None:
        for trial in self.trials:
            if not trial.finished:
                trial.state, trial.ended = "stopped", time.time()
                trial.message = trial.message or self.stopping or "the optimizer ended"
        self._archive_all_but_top()
        self._report(len(self.trials))
        best = self.opt._ranked(1)
        self._log("search ended" + (f" ({self.stopping})" if self.stopping else "")
                  + (f"; best trial {best[0].index} (task {best[0].task_id}): "
                     f"{self.opt.objective.title}/{self.opt.objective.series} = {best[0].objective:g}, "
                     f"{best[0].values}" if best else "; no trial reported the objective"))
        session.reporter().flush(timeout=30)
        if not self.own_task:
            return
        target = statuses.FAILED if self.error is not None else \
            statuses.STOPPED if self.stopping else statuses.COMPLETED
        try:
            if session.backend().get_task(self.task.id).status == statuses.IN_PROGRESS:
                session.backend().set_task_status(self.task.id, target, reason=self.stopping,
                                                  force=target == statuses.STOPPED)
        except TrackError as exc:
            print(f"jupyter-track: could not record the optimizer's end: {exc.message}", file=sys.stderr)

    def _archive_all_but_top(self) -> None:
        keep = self.opt.save_top_k_tasks_only
        if keep is None:
            return
        kept = {t.task_id for t in self.opt._ranked(keep)}
        for trial in self.trials:
            if trial.task_id and trial.task_id not in kept and trial.finished:
                try:
                    session.backend().archive_task(trial.task_id)
                except TrackError as exc:
                    self._log(f"could not archive trial {trial.index}: {exc.message}")

    def _log(self, text: str) -> None:
        session.reporter().add_event("console", (self.task.id, 20, f"{time.strftime('%H:%M:%S')} {text}\n",
                                                 time.time()))
