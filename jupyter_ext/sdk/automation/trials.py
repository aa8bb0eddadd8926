"""One trial of a hyperparameter search: a clone of the base task with the sampled values,
run here (a child process, as ``jupyter track agent execute`` runs it) or sent to a queue,
watched until it ends, stopped early when the search says so."""
from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from jupyter_ext.core.rules import param_types as param_values
from jupyter_ext.core.rules import status as statuses
from jupyter_ext.errors import TrackError
from jupyter_ext.sdk import _session as session

TRIAL_TAG = "optimizer-trial"
FINAL_STATES = ("completed", "failed", "stopped", "pruned")
_STATE_OF_STATUS = {statuses.COMPLETED: "completed", statuses.PUBLISHED: "completed", statuses.CLOSED: "completed",
                    statuses.FAILED: "failed", statuses.STOPPED: "stopped"}


@dataclass
class Objective:
    """Which scalar a trial is judged by: ``sign`` is min, max, min_global or max_global (the
    ``_global`` forms take the series' best value, the others its last)."""

    title: str
    series: str
    sign: str = "min"

    @property
    def maximize(self) -> bool:
        return self.sign.startswith("max")

    def read(self, metrics: dict[str, Any]) -> tuple[float | None, int | None]:
        """(value, last iteration) from ``get_last_scalar_metrics()``; (None, None) before a report."""
        summary = metrics.get(self.title, {}).get(self.series)
        if not summary:
            return None, None
        key = {"min_global": "min", "max_global": "max"}.get(self.sign, "last")
        value = summary.get(key)
        iteration = summary.get("last_iteration")
        return (None if value is None else float(value)), (None if iteration is None else int(iteration))

    def better(self, a: float | None, b: float | None) -> bool:
        """Whether ``a`` beats ``b`` (no value never beats one)."""
        if a is None:
            return False
        if b is None:
            return True
        return a > b if self.maximize else a < b


@dataclass
class Trial:
    """A trial: its number, values, task and how it went."""

    index: int
    values: dict[str, Any]
    task_id: str = ""
    state: str = "pending"  # pending, running, then one of FINAL_STATES
    objective: float | None = None
    iteration: int | None = None
    started: float | None = None
    ended: float | None = None
    message: str = ""
    execution: Any = None
    thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def finished(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def duration(self) -> float | None:
        if self.started is None:
            return None
        return (self.ended or time.time()) - self.started


def create_trial_task(base_id: str, trial: Trial, *, name: str, parent_id: str, project: str | None) -> str:
    """The trial's task: a draft clone of the base with the trial's values."""
    backend = session.backend()
    row = backend.clone_task(base_id, name=name, parent_id=parent_id, project=project,
                             comment=f"trial {trial.index} of optimizer {parent_id}, cloned from {base_id}")
    backend.set_parameters(row.id, param_values.rows_from_flat(trial.values))
    backend.update_task(row.id, {"system_tags": list(dict.fromkeys([*row.system_tags, TRIAL_TAG]))})
    return row.id


def run_here(trial: Trial, on_end: Any) -> None:
    """Run the trial's task in a child process of this one, on a thread of its own."""
    from jupyter_ext.client.execution import run_task

    def remember(execution: Any) -> None:
        trial.execution = execution

    def run() -> None:
        try:
            run_task(trial.task_id, session.backend(), session.reporter(), session.config().home, echo=False,
                     on_start=remember)
        except BaseException as exc:  # noqa: BLE001 - recorded on the trial the loop reads
            trial.message = f"local run failed: {type(exc).__name__}: {exc}"
        finally:
            on_end()

    trial.thread = threading.Thread(target=run, name=f"jupyter-track-trial-{trial.index}", daemon=True)
    trial.thread.start()


def state_now(trial: Trial) -> str | None:
    """The trial's final state if its task ended, else None."""
    if trial.thread is not None and trial.thread.is_alive():
        return None
    row = session.backend().get_task(trial.task_id)
    state = _STATE_OF_STATUS.get(row.status)
    if state is None and trial.thread is not None:  # the local run is over without a final status
        state = "failed"
    if state is None and row.status == statuses.CREATED:  # dequeued by someone: it will not run
        state = "stopped"
        trial.message = trial.message or "dequeued before it ran"
    if state is not None and state != "completed" and not trial.message:
        trial.message = row.status_reason or row.status_message or ""
    return state


def stop(trial: Trial, reason: str) -> None:
    """Stop a running or queued trial; its task ends stopped and its console says why."""
    trial.message = reason
    session.reporter().add_event("console", (trial.task_id, 20, f"jupyter-track optimizer: {reason}\n", time.time()))
    if trial.execution is not None:
        trial.execution.abort(reason)
        return
    backend = session.backend()
    try:
        backend.abort_task(trial.task_id)
    except TrackError as exc:
        print(f"jupyter-track: could not stop trial {trial.index} (task {trial.task_id}): {exc.message}",
              file=sys.stderr)
