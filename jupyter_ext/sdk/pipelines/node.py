"""One step of a pipeline as the controller sees it (``PipelineController.Node``)."""
from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence
from typing import Any

from jupyter_ext.core.rules import status as statuses

# Controller states (core.rules.pipelines.NODE_STATES) that count as "finished".
FINISHED = frozenset({"completed", "failed", "aborted", "skipped", "cached"})
SUCCEEDED = frozenset({"completed", "cached"})


@dataclasses.dataclass(eq=False)
class Node:
    """What to run (a base task to clone, or a function), where, after which steps, and how it went.

    ``executed`` is the id of the step's task once launched; ``job`` its :class:`Task`;
    ``state`` the controller's word (pending, launched, completed, failed, aborted, skipped,
    cached); ``status`` the step task's live status once it has a task.
    """

    name: str
    parents: list[str] = dataclasses.field(default_factory=list)
    kind: str = "task"
    base_task_id: str | None = None
    queue: str | None = None
    parameters: dict[str, Any] = dataclasses.field(default_factory=dict)
    configurations: dict[str, Any] = dataclasses.field(default_factory=dict)
    task_overrides: dict[str, Any] = dataclasses.field(default_factory=dict)
    clone_task: bool = True
    continue_on_fail: bool = False
    time_limit: float | None = None  # minutes, as in ClearML
    cache_executed_step: bool = False
    retry_on_failure: int | Callable[..., bool] | None = None
    pre_execute_callback: Callable[..., Any] | None = None
    post_execute_callback: Callable[..., Any] | None = None
    status_change_callback: Callable[..., Any] | None = None
    monitor_metrics: list[Any] = dataclasses.field(default_factory=list)
    monitor_artifacts: list[Any] = dataclasses.field(default_factory=list)
    monitor_models: list[Any] = dataclasses.field(default_factory=list)
    recursively_parse_parameters: bool = False
    # function steps
    function: Callable[..., Any] | None = None
    function_kwargs: dict[str, Any] = dataclasses.field(default_factory=dict)
    return_names: list[str] = dataclasses.field(default_factory=list)
    helper_functions: Sequence[Callable[..., Any]] = ()
    task_name: str | None = None
    project_name: str | None = None
    task_type: str | None = None
    packages: Any = None
    tags: list[str] = dataclasses.field(default_factory=list)
    # what happened
    state: str = "pending"
    executed: str | None = None
    job: Any = None
    message: str = ""
    job_started: float | None = None
    job_ended: float | None = None
    retries: int = 0
    local: bool = False
    done: threading.Event = dataclasses.field(default_factory=threading.Event, repr=False)

    @property
    def status(self) -> str:
        """The step task's status now (or the controller's state when it has no task yet)."""
        if self.job is None or self.state in ("skipped", "cached"):
            return self.state
        try:
            return str(self.job.get_status())
        except Exception:  # noqa: BLE001 - the step's last known state stands
            return self.state

    @property
    def skip_job(self) -> bool:
        """True if the step was not run: a step it needs failed or was aborted, the run was stopped
        or ended first, or a ``pre_execute_callback`` (or ``step_task_created_callback``) returned False."""
        return self.state == "skipped"

    @property
    def finished(self) -> bool:
        """True once the step is over: completed, failed, aborted, skipped or cached."""
        return self.state in FINISHED

    @property
    def succeeded(self) -> bool:
        """True if the step completed, or its result was reused from an earlier run (cached)."""
        return self.state in SUCCEEDED

    def document(self) -> dict[str, Any]:
        """This node in the run's ``Pipeline`` configuration object."""
        return {"name": self.name, "parents": list(self.parents), "kind": self.kind,
                "base_task_id": self.base_task_id, "task_id": self.executed, "queue": self.queue,
                "state": self.state, "continue_on_fail": self.continue_on_fail,
                "function": getattr(self.function, "__name__", None), "return_names": list(self.return_names),
                "parameters": _plain(self.parameters if self.kind == "task" else self.function_kwargs),
                "message": self.message}


def state_of_status(status: str) -> str | None:
    """A finished step task's status as a controller state (None while it still runs)."""
    if status in (statuses.COMPLETED, statuses.PUBLISHED, statuses.PUBLISHING, statuses.CLOSED):
        return "completed"
    if status == statuses.FAILED:
        return "failed"
    if status == statuses.STOPPED:
        return "aborted"
    return None


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    from jupyter_ext.sdk.pipelines.function_step import is_basic

    return {k: (v if is_basic(v) else f"<{type(v).__name__}>") for k, v in values.items()}
