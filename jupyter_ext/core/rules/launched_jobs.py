"""What a scheduler's job (Slurm, Kubernetes) means for the task it runs: the phases a launcher
shows, and the task's status when the job ends without the task ending by itself.

A launcher knows a job by a scheduler's own words (``TIMEOUT``, ``OOMKilled``, …); each
scheduler module turns them into a :class:`JobState` with one of the phases below, and this
rule decides the rest, so Slurm and Kubernetes end tasks alike.
"""
from __future__ import annotations

import dataclasses

from jupyter_ext.core.rules import status

PENDING = "pending"  # accepted, waiting for resources (or an image)
RUNNING = "running"
SUCCEEDED = "succeeded"  # the job's command exited 0
FAILED = "failed"  # the command failed, or the job could not start
CANCELLED = "cancelled"  # scancel, a deleted Job: someone ended it on purpose
PREEMPTED = "preempted"  # the scheduler took the resources back for other work
TIMEOUT = "timeout"  # over its time limit
OUT_OF_MEMORY = "out_of_memory"
NODE_LOST = "node_lost"  # the machine failed or left the cluster
LOST = "lost"  # the scheduler no longer knows the job at all

ACTIVE = frozenset({PENDING, RUNNING})
ENDED = frozenset({SUCCEEDED, FAILED, CANCELLED, PREEMPTED, TIMEOUT, OUT_OF_MEMORY, NODE_LOST, LOST})
PHASES = ACTIVE | ENDED
# Ended on purpose, or to make room: the work was interrupted, not wrong. The rest is a failure.
STOPPING_PHASES = frozenset({CANCELLED, PREEMPTED})

# The reason an agent gives when the scheduler's signal ended it; a task stopped with it was
# ended by its job, and the job's own reason (time limit, memory) is the truer one.
SIGNAL_REASON_PREFIX = "the agent was stopped (signal"


@dataclasses.dataclass(frozen=True)
class JobState:
    """One job as the scheduler reports it: the phase, and its own words for it."""

    job_id: str
    phase: str
    detail: str = ""  # the scheduler's state and reason, e.g. "TIMEOUT (TimeLimit)"
    node: str = ""
    exit_code: int | None = None

    def __post_init__(self) -> None:
        if self.phase not in PHASES:
            raise ValueError(f"unknown job phase {self.phase!r}; one of {', '.join(sorted(PHASES))}")

    @property
    def active(self) -> bool:
        return self.phase in ACTIVE


def describe(scheduler: str, job: JobState) -> str:
    """A status message for a task whose job is live: "slurm job 12 pending (Resources)"."""
    where = f" on {job.node}" if job.node and job.phase == RUNNING else ""
    words = job.detail
    if words.upper().startswith(job.phase.upper()):  # "PENDING (Resources)" says "pending" once
        words = words[len(job.phase):].strip(" ()")
    detail = f" ({words})" if words else ""
    return f"{scheduler} job {job.job_id} {job.phase}{where}{detail}"


@dataclasses.dataclass(frozen=True)
class Ending:
    """The task's status (and why) after its job ended, when the launcher has to set it."""

    status: str
    reason: str


def ending(scheduler: str, job: JobState, task_status: str, task_reason: str) -> Ending | None:
    """What the task becomes now that ``job`` ended; None leaves it as it is.

    A task that ended by itself (completed, failed) keeps its own status; so does one a user
    aborted. A task still running, or stopped only because its job's signal reached the agent,
    takes the job's end: stopped for a cancel or preemption, failed otherwise (a job that
    exited 0 without its task ending failed to report)."""
    if job.active:
        return None
    ended_by_job = task_status == status.STOPPED and task_reason.startswith(SIGNAL_REASON_PREFIX)
    if task_status != status.IN_PROGRESS and not ended_by_job:
        return None
    words = f" ({job.detail})" if job.detail else ""
    if job.phase == SUCCEEDED:
        return Ending(status.FAILED, f"{scheduler} job {job.job_id} ended{words} but the task never reported its end")
    target = status.STOPPED if job.phase in STOPPING_PHASES else status.FAILED
    what = {CANCELLED: "was cancelled", PREEMPTED: "was preempted", TIMEOUT: "ran over its time limit",
            OUT_OF_MEMORY: "ran out of memory", NODE_LOST: "lost its node",
            LOST: "is no longer known to the scheduler", FAILED: "failed"}[job.phase]
    code = f", exit code {job.exit_code}" if job.exit_code not in (None, 0) and job.phase == FAILED else ""
    return Ending(target, f"{scheduler} job {job.job_id} {what}{words}{code}")
