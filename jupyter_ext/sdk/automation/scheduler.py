"""TaskScheduler: launch a task (cloned and enqueued) or call a function on a cron-like schedule.

    sched = TaskScheduler()
    sched.add_task(schedule_task_id=train.id, queue="default", hour=2, minute=0, weekdays=["monday"],
                   task_overrides={"General/epochs": 5}, single_instance=True)
    sched.add_task(schedule_function=cleanup, minute=30)        # every hour at :30
    sched.start()                       # or sched.start_remotely(queue="services")

Times follow cron in the scheduler's ``timezone`` (UTC unless given; see ``core/rules/cron.py``):
``minute=30`` fires at :30 of every hour (ClearML read it as "every 30 minutes"; write
``minute="*/30"`` for that). The scheduler is a task of type ``service`` whose configuration
``Automation State`` holds each entry's last fire and the tasks it launched, so a restarted scheduler
fires a missed time once at start and never fires a time twice (a fire's task id is made from
the entry and the time).
"""
from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from jupyter_ext.core.rules.cron import Cron
from jupyter_ext.errors import InvalidArgument, NotFound
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk.automation import launch, service_task
from jupyter_ext.sdk.automation.schedule_entry import ScheduleEntry
from jupyter_ext.sdk.automation.service_task import ServiceTask

SCHEDULER_TAG = "task-scheduler"
UTC = dt.timezone.utc


def as_datetime(now: dt.datetime | float | None) -> dt.datetime:
    if now is None:
        return dt.datetime.now(UTC)
    if isinstance(now, (int, float)):
        return dt.datetime.fromtimestamp(now, UTC)
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


class TaskScheduler:
    """Cron-like schedules of tasks and functions (ClearML's ``TaskScheduler``)."""

    def __init__(self, sync_frequency_minutes: float = 15, force_create_task_name: str | None = None,
                 force_create_task_project: str | None = None, pooling_frequency_minutes: float | None = None,
                 timezone: str | None = None) -> None:
        if sync_frequency_minutes <= 0:
            raise InvalidArgument(f"sync_frequency_minutes must be positive; got {sync_frequency_minutes}")
        self.timezone = timezone or "UTC"
        Cron.of(minute="*", timezone=self.timezone)  # an unknown zone is refused here, not at the first fire
        self.sync_frequency_minutes = float(sync_frequency_minutes)
        self.service = ServiceTask(name=force_create_task_name or "Task Scheduler",
                                   project=force_create_task_project or "DevOps", tag=SCHEDULER_TAG)
        self.entries: dict[str, ScheduleEntry] = {}
        self._stop = threading.Event()
        self._started: dt.datetime | None = None
        self._threads: dict[str, threading.Thread] = {}

    def add_task(self, schedule_task_id: str | Any = None, schedule_function: Callable[..., Any] | None = None,
                 queue: str | None = None, name: str | None = None, target_project: str | None = None,
                 minute: Any = None, hour: Any = None, day: Any = None, weekdays: Any = None, month: Any = None,
                 year: Any = None, limit_execution_time: float | None = None, single_instance: bool = False,
                 recurring: bool = True, execute_immediately: bool = False, reuse_task: bool = False,
                 task_parameters: Mapping[str, Any] | None = None,
                 task_overrides: Mapping[str, Any] | None = None) -> bool:
        """Add a schedule: clone ``schedule_task_id`` and enqueue it in ``queue``, or call
        ``schedule_function``, at the times the fields give. True when added."""
        task_id = getattr(schedule_task_id, "id", schedule_task_id)
        if (task_id is None) == (schedule_function is None):
            raise InvalidArgument("give exactly one of schedule_task_id (a task to clone and enqueue) or "
                                  "schedule_function (a function to call here)")
        if task_id is not None:
            if not queue:
                raise InvalidArgument("schedule_task_id needs queue=... (the queue its clones are sent to)")
            try:
                session.backend().get_task(str(task_id))
            except NotFound:
                raise InvalidArgument(f"schedule_task_id {task_id!r}: there is no such task") from None
        elif not callable(schedule_function):
            raise InvalidArgument(f"schedule_function must be callable; got {schedule_function!r}")
        cron = Cron.of(minute=minute, hour=hour, day=day, weekdays=weekdays, month=month, year=year,
                       timezone=self.timezone)
        label = str(name or (getattr(schedule_function, "__name__", "function") if schedule_function
                             else f"task {task_id}"))
        if label in self.entries:
            raise InvalidArgument(f"there is already a schedule named {label!r}; give name=... to tell them apart")
        if limit_execution_time is not None and limit_execution_time <= 0:
            raise InvalidArgument(f"limit_execution_time is in hours and must be positive; got {limit_execution_time}")
        self.entries[label] = ScheduleEntry(
            name=label, cron=cron, fields={"minute": minute, "hour": hour, "day": day, "weekdays": weekdays,
                                           "month": month, "year": year},
            base_task_id=None if task_id is None else str(task_id), function=schedule_function, queue=queue,
            target_project=target_project, limit_execution_time=limit_execution_time,
            single_instance=single_instance, recurring=recurring, execute_immediately=execute_immediately,
            reuse_task=reuse_task, task_parameters=dict(task_parameters or {}),
            task_overrides=dict(task_overrides or {}))
        return True

    # -- running -------------------------------------------------------------------------------------
    def start(self) -> None:
        """Run the schedules here until ``stop()`` (or Ctrl-C)."""
        self.begin()
        try:
            while not self._stop.is_set():
                now = self.run_pending()
                upcoming = [e.next_fire for e in self.entries.values() if e.next_fire is not None]
                wait_s = self.sync_frequency_minutes * 60
                if upcoming:
                    wait_s = min(wait_s, max(0.05, (min(upcoming) - now).total_seconds()))
                self._stop.wait(wait_s)
        except KeyboardInterrupt:
            pass
        finally:
            self.service.finish(self._state())

    def start_remotely(self, queue: str = "services") -> None:
        """Run the schedules on a worker of ``queue`` (``jupyter track agent daemon --queues services
        --services-mode``): this script is enqueued as the scheduler's task and, there, calls ``start()``."""
        service_task.start_remotely(self.service, queue, self.start)

    def stop(self) -> None:
        """End ``start()``'s loop (from another thread)."""
        self._stop.set()

    def begin(self, now: dt.datetime | float | None = None) -> None:
        """Open the scheduler's task, read the state it kept, fire what start calls for."""
        moment = as_datetime(now)
        self._started = moment
        state = self.service.open()
        kept = {e.get("name"): e for e in (state.get("entries") or []) if isinstance(e, Mapping)}
        for entry in self.entries.values():
            entry.restore(kept.get(entry.name), moment)
        for entry in self.entries.values():
            if entry.execute_immediately:
                self._fire(entry, moment, key=f"start@{moment.replace(second=0, microsecond=0).isoformat()}")
        self.run_pending(moment)

    def run_pending(self, now: dt.datetime | float | None = None) -> dt.datetime:
        """Fire every entry due at ``now`` (the time now when None) and store the state; the
        next time to look. Tests pass the time in."""
        if self._started is None:
            self.begin(now)
        moment = as_datetime(now)
        changed = False
        for entry in self.entries.values():
            due = entry.due(moment)
            if due is not None:
                self._fire(entry, moment, key=due.isoformat())
                changed = True
            entry.checked = moment
            entry.next_fire = entry.upcoming(moment)
            changed |= self._enforce_time_limit(entry, moment)
        self.service.save(self._state(), force=changed)
        return moment

    def _fire(self, entry: ScheduleEntry, moment: dt.datetime, *, key: str) -> None:
        if entry.single_instance and entry.last_task and (launch.is_running(entry.last_task) or (
                entry.name in self._threads and self._threads[entry.name].is_alive())):
            entry.note(moment, key, "", f"skipped: the last run ({entry.last_task}) is still running")
            return
        launch_id = launch.fire_id("schedule", self.service.project, self.service.name, entry.name, key)
        title = f"{entry.name} @ {key}"
        if entry.function is not None:
            thread = launch.run_function(entry.function, launch_id, name=title, project=self.service.project,
                                         parent_id=self.service.id)
            if thread is not None:
                self._threads[entry.name] = thread
            entry.note(moment, key, launch_id, "called" if thread is not None else "already fired")
            return
        assert entry.base_task_id is not None
        if entry.reuse_task:
            launched: str | None = entry.reuse(self.service.id)
        else:
            launched = launch.launch_clone(entry.base_task_id, launch_id, queue=entry.queue, name=title,
                                           project=entry.target_project, parameters=entry.task_parameters,
                                           overrides=entry.task_overrides, parent_id=entry.base_task_id)
        entry.note(moment, key, launched or launch_id, f"enqueued in {entry.queue}" if launched else "already fired")

    def _enforce_time_limit(self, entry: ScheduleEntry, moment: dt.datetime) -> bool:
        if entry.limit_execution_time is None or not entry.last_task or entry.function is not None:
            return False
        backend = session.backend()
        row = backend.get_task(entry.last_task)
        if row.status == "in_progress" and row.started and \
                moment.timestamp() - row.started > entry.limit_execution_time * 3600:
            backend.abort_task(row.id)
            entry.note(moment, "limit", row.id, f"aborted after {entry.limit_execution_time:g} h")
            return True
        return False

    # -- state ---------------------------------------------------------------------------------------
    def _state(self) -> dict[str, Any]:
        return {"kind": "task-scheduler", "timezone": self.timezone, "updated": time.time(),
                "entries": [e.document() for e in self.entries.values()]}

    def get_state(self) -> dict[str, Any]:
        """What the scheduler stores: each entry's schedule, next and last fires, launched tasks."""
        state: dict[str, Any] = json.loads(json.dumps(self._state(), default=str))
        return state

    @property
    def id(self) -> str:
        """The scheduler task's id (after ``start``)."""
        return self.service.id

