"""The launcher loop both schedulers share: pop, submit, record, follow, end, cancel, re-attach.

One thread, one cycle every ``polling_interval`` seconds: ask the scheduler how every job of
ours is, act on what changed (a job running, a job ended without its task ending, a task
aborted whose job still runs), then pop tasks from the queues while fewer than ``max_jobs``
jobs are live. A pop is the queue's atomic pop, so two launchers never submit one task. The
job id is recorded on the task (``runtime.glue``) and the task stays ``in_progress`` with a
status message that follows the job ("slurm job 12 pending (Resources)"); the run inside the
job (``jupyter track agent execute``) reports the task's own end. A restarted launcher finds
its tasks by its worker id and their recorded job ids (or the job names) and follows them on.
Stopping the launcher leaves the jobs to the scheduler: they run on and are re-attached later.
"""
from __future__ import annotations

import dataclasses
import os
import socket
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from jupyter_ext.core.rules import launched_jobs as jobs
from jupyter_ext.core.rules import status as statuses
from jupyter_ext.errors import AlreadyExists, Conflict, InvalidArgument, NotFound, TrackError, Unavailable
from jupyter_ext.glue import overrides
from jupyter_ext.glue.lock import LauncherLock
from jupyter_ext.sdk import _session as session

STOPPING = "stopping"  # the status message core/queues.py gives a task a live worker must abort
JOB_NAME_PREFIX = "track-"
RUNTIME_KEY = "glue"
AGENT_COMMAND = ("jupyter", "track", "agent", "execute")
STDOUT = 20
ENDED_GRACE_S = 60.0  # a task that ended by itself while its job lingers this long: the job is cancelled
ENDED_TASK_STATUSES = (statuses.COMPLETED, statuses.FAILED, statuses.STOPPED)
REATTACH_LOOKBACK = 1000  # the newest ended tasks a restarted launcher looks through for its jobs


@dataclasses.dataclass(frozen=True)
class JobRequest:
    """What a scheduler needs to submit the job of one task."""

    task_id: str
    task_name: str
    project: str
    queue: str
    job_name: str
    command: tuple[str, ...]
    launcher: str
    overrides: Mapping[str, str]


OUTPUT_DRAIN_S = 10.0  # at most this long for an ended job's streamed output to land


class Scheduler(Protocol):
    """A cluster's scheduler, as a launcher uses it (glue/slurm.py, glue/k8s.py)."""

    name: str
    settings: Mapping[str, str]  # the per-task override keys it understands -> what each means

    def bind(self, launcher: str) -> None: ...

    def check(self) -> None: ...

    def describe(self) -> dict[str, Any]: ...

    def submit(self, request: JobRequest) -> str: ...

    def states(self, job_ids: Sequence[str]) -> dict[str, jobs.JobState]: ...

    def cancel(self, job_id: str) -> None: ...

    def find(self, job_name: str) -> str | None: ...

    def follow_output(self, job_id: str, task_id: str, write: Any, resume: bool = False) -> None: ...

    def output_tail(self, job_id: str) -> list[str]: ...

    def output_done(self, job_id: str, timeout: float) -> None: ...


@dataclasses.dataclass
class Tracked:
    task_id: str
    job_id: str
    queue: str
    submitted: float
    phase: str = jobs.PENDING
    detail: str = ""
    cancelling: str = ""  # why the launcher cancelled it (a user's abort), once it did
    ended_seen: float = 0.0  # when the task was first seen ended while its job still ran (monotonic)


class Launcher:
    """Serve ``queues`` by submitting each task as a job of ``scheduler``; ``run()`` until stopped."""

    def __init__(self, scheduler: Scheduler, queues: Sequence[str], *, name: str | None = None, max_jobs: int = 10,
                 polling_interval: float = 2.0, agent_command: Sequence[str] = AGENT_COMMAND, once: bool = False,
                 create_queue: bool = False) -> None:
        if not queues:
            raise InvalidArgument("a launcher needs at least one queue: --queues default")
        if max_jobs < 1:
            raise InvalidArgument(f"the most jobs at once (--max-jobs, --max-pods) must be at least 1; got {max_jobs}")
        if polling_interval <= 0:
            raise InvalidArgument(f"--polling-interval must be a positive number of seconds; got {polling_interval}")
        self.scheduler = scheduler
        self.queues = list(dict.fromkeys(queues))
        self.worker_id = f"{socket.gethostname()}:{name or 'glue-' + scheduler.name + '-' + '+'.join(self.queues)}"
        self.max_jobs = max_jobs
        self.polling_interval = polling_interval
        self.agent_command = tuple(agent_command)
        self.once = once
        self.create_queue = create_queue
        self.tracked: dict[str, Tracked] = {}
        self.unsubmitted: dict[str, Any] = {}  # popped tasks the scheduler could not take yet (it was away)
        self.submitted: list[str] = []  # task ids, in order (tests and benchmarks read it)
        self._stop = threading.Event()
        self._backend: Any = None
        scheduler.bind(self.worker_id)

    # -- life --------------------------------------------------------------------------------
    def stop(self, signum: int | None = None) -> None:
        """Leave the loop; the jobs run on (a restarted launcher re-attaches to them)."""
        self._stop.set()

    def run(self) -> int:
        backend = self._backend = session.backend()
        with LauncherLock(session.config().home, self.worker_id):
            self.scheduler.check()
            self._check_queues(backend)
            backend.register_worker(self.worker_id, self.queues, self._info())
            self._say(f"launcher {self.worker_id}: {self.scheduler.name} jobs for {', '.join(self.queues)} "
                      f"(at most {self.max_jobs} at once)")
            try:
                self.reattach()
                while not self._stop.is_set():
                    try:
                        self.cycle()
                    except TrackError as exc:  # the scheduler or the store is away for a moment: look again
                        print(f"jupyter-track glue: {exc.message}; trying again in {self.polling_interval:g} s",
                              file=sys.stderr, flush=True)
                    if self.once and not self.tracked and not self.unsubmitted and not self._queues_have_work():
                        self._say("queues empty and no job left; exiting (--once)")
                        break
                    self._stop.wait(self.polling_interval)
            finally:
                try:
                    backend.unregister_worker(self.worker_id)
                except TrackError as exc:
                    print(f"jupyter-track glue: could not unregister {self.worker_id}: {exc}", file=sys.stderr)
                session.reporter().flush(timeout=30)
                left = len(self.tracked)
                self._say(f"launcher {self.worker_id} stopped" + (f"; {left} job(s) run on and are followed "
                                                                    f"again when it restarts" if left else ""))
        return 0

    def cycle(self) -> None:
        """One look: follow the jobs, then submit while there is room."""
        self.follow()
        self.fill()
        try:
            self._backend.worker_heartbeat(self.worker_id, None, self._stats())
        except NotFound:  # unregistered while away (a long outage): register again
            self._backend.register_worker(self.worker_id, self.queues, self._info())
        except TrackError as exc:
            print(f"jupyter-track glue: heartbeat failed: {exc}", file=sys.stderr)

    # -- re-attach ---------------------------------------------------------------------------
    def reattach(self) -> None:
        """Follow again the jobs of the tasks this launcher popped and that are still running."""
        mine = [r for r in self._backend.query_tasks(statuses=[statuses.IN_PROGRESS]) if r.worker == self.worker_id]
        for row in mine:
            record = (row.runtime or {}).get(RUNTIME_KEY) or {}
            job_id = str(record.get("job_id") or "") or self.scheduler.find(JOB_NAME_PREFIX + row.id)
            if job_id:
                self.tracked[row.id] = Tracked(row.id, job_id, row.queue or "", float(record.get("submitted") or 0),
                                               phase=str(record.get("phase") or jobs.PENDING))
                self._console(row.id, f"launcher restarted: following {self.scheduler.name} job {job_id} again")
                self.scheduler.follow_output(job_id, row.id, self._writer(row.id), resume=True)
            else:  # popped, but the launcher stopped before the job was submitted
                self.launch(row)
        # Tasks that ended (or were aborted) while no launcher looked: their jobs' ends are
        # recorded, and a job still running for an aborted task is cancelled, by the usual follow.
        for row in self._backend.query_tasks(statuses=list(ENDED_TASK_STATUSES), limit=REATTACH_LOOKBACK):
            record = (row.runtime or {}).get(RUNTIME_KEY) or {}
            if row.worker == self.worker_id and record.get("job_id") and not record.get("ended"):
                self.tracked[row.id] = Tracked(row.id, str(record["job_id"]), row.queue or "",
                                               float(record.get("submitted") or 0))
        if self.tracked:
            self._say(f"re-attached to {len(self.tracked)} job(s) of a previous run")

    # -- submit ------------------------------------------------------------------------------
    def fill(self) -> None:
        for row in list(self.unsubmitted.values()):  # popped before the scheduler went away
            self.launch(row)
            if row.id in self.unsubmitted:
                return
        while len(self.tracked) < self.max_jobs and not self._stop.is_set():
            row = self._backend.pop_next_task(self.worker_id, self.queues)
            if row is None:
                return
            self.launch(row)

    def launch(self, row: Any) -> None:
        job_name = JOB_NAME_PREFIX + row.id
        try:
            asked = overrides.from_task(((p.section, p.name, p.value) for p in self._backend.get_parameters(row.id)),
                                        row.tags, self.scheduler.settings)
        except InvalidArgument as exc:
            self._fail(row.id, f"launcher: {exc.message}")
            return
        request = JobRequest(task_id=row.id, task_name=row.name, project=row.project_name, queue=row.queue or "",
                             job_name=job_name, launcher=self.worker_id, overrides=asked,
                             command=(*self.agent_command, "--id", row.id, "--launched-by", self.worker_id))
        self._record(row.id, {"scheduler": self.scheduler.name, "launcher": self.worker_id, "job_name": job_name,
                              "overrides": dict(asked)}, message=f"{self.scheduler.name}: submitting")
        try:
            job_id = self.scheduler.submit(request)
        except Unavailable as exc:  # the scheduler is away: the task waits here and is submitted when it is back
            self.unsubmitted[row.id] = row
            self._say(f"task {row.id}: cannot submit now ({exc.message}); trying again")
            return
        except TrackError as exc:
            self._fail(row.id, f"launcher: {self.scheduler.name} refused the job: {exc.message}")
            return
        self.unsubmitted.pop(row.id, None)
        now = time.time()
        self.tracked[row.id] = Tracked(row.id, job_id, row.queue or "", now)
        self.submitted.append(row.id)
        asked_text = f" with {', '.join(f'{k}={v}' for k, v in sorted(asked.items()))}" if asked else ""
        self._record(row.id, {"job_id": job_id, "submitted": now, "phase": jobs.PENDING},
                     message=f"{self.scheduler.name} job {job_id} submitted")
        self._console(row.id, f"submitted as {self.scheduler.name} job {job_id}{asked_text} by {self.worker_id}")
        self.scheduler.follow_output(job_id, row.id, self._writer(row.id))
        self._say(f"task {row.id} ({row.name}) -> {self.scheduler.name} job {job_id}")

    # -- follow ------------------------------------------------------------------------------
    def follow(self) -> None:
        if not self.tracked:
            return
        states = self.scheduler.states([t.job_id for t in self.tracked.values()])
        rows = {r.id: r for r in self._backend.query_tasks(task_ids=list(self.tracked))}
        for task_id, item in list(self.tracked.items()):
            job = states.get(item.job_id) or jobs.JobState(item.job_id, jobs.LOST, "not in the scheduler's queue "
                                                                                    "or its history")
            row = rows.get(task_id)
            if row is None:  # the task was deleted: its job has nothing left to report to
                if job.active:
                    self._cancel(item, "the task was deleted")
                if not job.active:
                    del self.tracked[task_id]
                continue
            aborted = self._aborted(row, item, job)
            if job.active and aborted and not item.cancelling:
                self._cancel(item, row.status_reason or f"the task is {row.status}")
            if job.active:
                if (job.phase, job.detail) != (item.phase, item.detail) and not aborted:
                    self._moved(row, item, job)
                continue
            self._ended(row, item, job)

    def _aborted(self, row: Any, item: Tracked, job: jobs.JobState) -> bool:
        """Whether the job must be cancelled: its task was aborted, reset, or handed elsewhere; or
        it ended by itself (completed, failed) but the job lingers past a grace period."""
        if row.status == statuses.IN_PROGRESS:
            return row.status_message == STOPPING or (row.worker is not None and row.worker != self.worker_id)
        if row.status == statuses.STOPPED and (row.status_reason or "").startswith(jobs.SIGNAL_REASON_PREFIX):
            return False  # stopped by the job's own end (a time limit): the job is ending already
        if row.status in (statuses.STOPPED, statuses.CREATED, statuses.QUEUED):
            return True
        if not job.active:
            return False
        item.ended_seen = item.ended_seen or time.monotonic()  # the run is flushing and leaving: give it time
        return time.monotonic() - item.ended_seen > ENDED_GRACE_S

    def _moved(self, row: Any, item: Tracked, job: jobs.JobState) -> None:
        was = item.phase
        item.phase, item.detail = job.phase, job.detail
        message = jobs.describe(self.scheduler.name, job)
        try:
            self._backend.update_task(row.id, {"status_message": message})
        except TrackError as exc:
            print(f"jupyter-track glue: cannot update task {row.id}: {exc}", file=sys.stderr)
        if was != job.phase:
            self._console(row.id, message)

    def _ended(self, row: Any, item: Tracked, job: jobs.JobState) -> None:
        del self.tracked[row.id]
        # A short job can end before its streamed output reached the console: let it land first.
        self.scheduler.output_done(item.job_id, OUTPUT_DRAIN_S)
        verdict = jobs.ending(self.scheduler.name, job, row.status, row.status_reason or "")
        if item.cancelling and row.status == statuses.IN_PROGRESS:  # a user's abort ends it stopped, as they asked
            verdict = jobs.Ending(statuses.STOPPED, item.cancelling)
        if verdict is not None and verdict.status == statuses.FAILED:
            tail = self.scheduler.output_tail(item.job_id)
            for line in tail:
                self._console(row.id, line, raw=True)
        if verdict is not None:
            try:
                self._backend.set_task_status(row.id, verdict.status, force=True, reason=verdict.reason,
                                              message=f"{self.scheduler.name} job {item.job_id} ended")
            except (Conflict, NotFound):
                pass  # it moved on meanwhile (reset, deleted): nothing of this job applies any more
            self._console(row.id, f"{verdict.reason}: the task is {verdict.status}")
        self._record(row.id, {"phase": job.phase, "detail": job.detail, "ended": time.time(),
                              "exit_code": job.exit_code}, ended=True)
        self._say(f"task {row.id}: {self.scheduler.name} job {item.job_id} {job.phase}"
                  + (f" ({job.detail})" if job.detail else "") + (f" -> {verdict.status}" if verdict else ""))

    def _cancel(self, item: Tracked, why: str) -> None:
        item.cancelling = why
        try:
            self.scheduler.cancel(item.job_id)
        except TrackError as exc:
            item.cancelling = ""  # tried again next cycle
            print(f"jupyter-track glue: cannot cancel {self.scheduler.name} job {item.job_id}: {exc}",
                  file=sys.stderr)
            return
        self._console(item.task_id, f"{why}: cancelled {self.scheduler.name} job {item.job_id}")
        self._say(f"task {item.task_id}: {why}; cancelled {self.scheduler.name} job {item.job_id}")

    # -- the task's record -------------------------------------------------------------------
    def _record(self, task_id: str, values: Mapping[str, Any], *, message: str = "", ended: bool = False) -> None:
        """Merge ``values`` into the task's ``runtime.glue`` (and set its status message)."""
        try:
            row = self._backend.get_task(task_id)
            runtime = dict(row.runtime or {})
            runtime[RUNTIME_KEY] = {**(runtime.get(RUNTIME_KEY) or {}), **values}
            fields: dict[str, Any] = {"runtime": runtime}
            if message and row.status == statuses.IN_PROGRESS and row.status_message != STOPPING:
                fields["status_message"] = message
            self._backend.update_task(task_id, fields)
        except TrackError as exc:
            print(f"jupyter-track glue: cannot record the job on task {task_id}: {exc}", file=sys.stderr)

    def _fail(self, task_id: str, reason: str) -> None:
        self._console(task_id, reason)
        self._say(f"task {task_id}: {reason}")
        try:
            self._backend.set_task_status(task_id, statuses.FAILED, force=True, reason=reason[:2000],
                                          message="not submitted")
        except (Conflict, NotFound):
            pass

    def _writer(self, task_id: str) -> Any:
        return lambda text: self._console(task_id, text, raw=True)

    def _console(self, task_id: str, text: str, *, raw: bool = False) -> None:
        line = text if raw else f"jupyter-track launcher: {text}"
        session.reporter().add_event("console", (task_id, STDOUT, line if line.endswith("\n") else line + "\n",
                                                 time.time()))

    # -- the worker row ----------------------------------------------------------------------
    def _info(self) -> dict[str, Any]:
        return {"host": socket.gethostname(), "pid": os.getpid(), "launcher": self.scheduler.name,
                "max_jobs": self.max_jobs, **self.scheduler.describe()}

    def _stats(self) -> dict[str, Any]:
        listed = sorted(self.tracked.values(), key=lambda t: t.submitted)
        return {"launcher": self.scheduler.name, "max_jobs": self.max_jobs,
                "jobs_running": sum(t.phase == jobs.RUNNING for t in listed),
                "jobs_pending": sum(t.phase == jobs.PENDING for t in listed),
                "jobs": [{"task": t.task_id, "job": t.job_id, "phase": t.phase, "detail": t.detail}
                         for t in listed[:100]]}

    def _check_queues(self, backend: Any) -> None:
        for name in self.queues:
            try:
                backend.get_queue(name)
            except NotFound:
                if not (self.create_queue or name == "default"):
                    raise InvalidArgument(f"there is no queue named {name!r}; create it with --create-queue, or "
                                          f"serve an existing one (jupyter track queues list)") from None
                try:
                    backend.create_queue(name)
                except AlreadyExists:
                    pass

    def _queues_have_work(self) -> bool:
        return any(self._backend.get_queue(q).num_entries for q in self.queues)

    def _say(self, text: str) -> None:
        print(f"{time.strftime('%H:%M:%S')} jupyter-track glue: {text}", flush=True)
