"""TriggerScheduler: launch a task or call a function when a dataset version, a model or a
task changes the way a trigger asks for.

    trig = TriggerScheduler()
    trig.add_dataset_trigger(schedule_task_id=train.id, schedule_queue="default",
                             trigger_project="Datasets/Titanic", trigger_on_tags=["ready"])
    trig.add_model_trigger(schedule_function=deploy, trigger_project="Titanic", trigger_on_publish=True)
    trig.add_task_trigger(schedule_task_id=report.id, schedule_queue="default", trigger_on_status=["failed"])
    trig.start()

A first start fires only what happens after it; a restarted service (same name) also fires what
changed while it was down (its last look is stored), once. Each look reads the store's change feed
(``Backend.changes_since``, by the store's own clock, so a service on another machine with a
skewed clock misses nothing): when nothing changed it reads nothing else, and otherwise only the
tasks, dataset versions and models that changed. An event's launched task has an id made from the
trigger and the event, so two trigger services (or one restarted) fire each event once. A
function gets the object's id.
"""
from __future__ import annotations

import re
import sys
import threading
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from jupyter_ext.errors import InvalidArgument, NotFound
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk.automation import launch, service_task
from jupyter_ext.sdk.automation.service_task import ServiceTask
from jupyter_ext.sdk.automation.trigger_rules import Trigger

TRIGGER_TAG = "trigger-scheduler"
DEFAULT_POLL_S = 0.5
HISTORY = 50
STAMPS_KEPT = 100_000


class TriggerScheduler:
    """Triggers on datasets, models and tasks (ClearML's ``TriggerScheduler``)."""

    def __init__(self, pooling_frequency_minutes: float | None = None, sync_frequency_minutes: float = 15,
                 force_create_task_name: str | None = None, force_create_task_project: str | None = None) -> None:
        if pooling_frequency_minutes is not None and pooling_frequency_minutes <= 0:
            raise InvalidArgument(f"pooling_frequency_minutes must be positive; got {pooling_frequency_minutes}")
        self.poll_s = DEFAULT_POLL_S if pooling_frequency_minutes is None else pooling_frequency_minutes * 60
        self.service = ServiceTask(name=force_create_task_name or "Trigger Scheduler",
                                   project=force_create_task_project or "DevOps", tag=TRIGGER_TAG)
        self.triggers: dict[str, Trigger] = {}
        self.history: list[dict[str, Any]] = []
        self._seen: dict[tuple[str, str], set[str]] = {}  # (trigger, object) -> event keys already handled
        self._stamps: dict[str, float] = {}  # task or model id -> last_update at the last look
        self._stamped: dict[str, float] = {}  # id -> its newest stamp in the change feed read so far
        self._last: dict[str, str] = {}  # trigger -> the last task it launched
        self._threads: dict[str, threading.Thread] = {}
        self._stop = threading.Event()
        self._begun = False
        # the newest change-feed stamp looked at (the store's clock): a restart fires what changed after
        self._watermark: float | None = None

    # -- adding ------------------------------------------------------------------------------------
    def _add(self, kind: str, *, schedule_task_id: Any, schedule_queue: str | None,
             schedule_function: Callable[..., Any] | None, trigger_project: str | None, trigger_name: str | None,
             name: str | None, **rest: Any) -> None:
        task_id = getattr(schedule_task_id, "id", schedule_task_id)
        label = str(name or f"{kind} trigger {len(self.triggers) + 1}")
        if label in self.triggers:
            raise InvalidArgument(f"there is already a trigger named {label!r}; give name=... to tell them apart")
        try:
            pattern = re.compile(trigger_name) if trigger_name else None
        except re.error as exc:
            raise InvalidArgument(f"trigger_name {trigger_name!r} is not a valid regular expression: {exc}") from None
        trigger = Trigger(kind=kind, name=label, base_task_id=None if task_id is None else str(task_id),
                          queue=schedule_queue, function=schedule_function, project=trigger_project,
                          name_pattern=pattern, **rest)
        trigger.check()
        if trigger.base_task_id is not None:
            try:
                session.backend().get_task(trigger.base_task_id)
            except NotFound:
                # as in ClearML, a trigger may be set before the task it launches exists (ClearML's own
                # example passes a placeholder): said now, and each firing while it is missing is noted
                warnings.warn(f"schedule_task_id {trigger.base_task_id!r}: there is no such task yet; trigger "
                              f"{label!r} launches nothing until it exists", UserWarning, stacklevel=3)
        self.triggers[label] = trigger

    def add_dataset_trigger(self, schedule_task_id: Any = None, schedule_queue: str | None = None,
                            schedule_function: Callable[..., Any] | None = None, trigger_project: str | None = None,
                            trigger_name: str | None = None, trigger_on_publish: bool | None = None,
                            trigger_on_tags: Sequence[str] | None = None, trigger_on_archive: bool | None = None,
                            trigger_required_tags: Sequence[str] | None = None, name: str | None = None,
                            target_project: str | None = None, add_tag: bool | str = True,
                            single_instance: bool = False, reuse_task: bool = False,
                            task_parameters: Mapping[str, Any] | None = None,
                            task_overrides: Mapping[str, Any] | None = None) -> None:
        """Fire on a dataset version in ``trigger_project``: finalized (``trigger_on_publish``, and
        the default), given all of ``trigger_on_tags``, or archived."""
        self._add("dataset", schedule_task_id=schedule_task_id, schedule_queue=schedule_queue,
                  schedule_function=schedule_function, trigger_project=trigger_project, trigger_name=trigger_name,
                  name=name, on_publish=bool(trigger_on_publish), on_tags=list(trigger_on_tags or ()),
                  on_archive=bool(trigger_on_archive), required_tags=list(trigger_required_tags or ()),
                  target_project=target_project, add_tag=bool(add_tag), single_instance=single_instance,
                  reuse_task=reuse_task, task_parameters=dict(task_parameters or {}),
                  task_overrides=dict(task_overrides or {}))

    def add_model_trigger(self, schedule_task_id: Any = None, schedule_queue: str | None = None,
                          schedule_function: Callable[..., Any] | None = None, trigger_project: str | None = None,
                          trigger_name: str | None = None, trigger_on_publish: bool | None = None,
                          trigger_on_tags: Sequence[str] | None = None, trigger_on_archive: bool | None = None,
                          trigger_required_tags: Sequence[str] | None = None, name: str | None = None,
                          target_project: str | None = None, add_tag: bool | str = True,
                          single_instance: bool = False, reuse_task: bool = False,
                          task_parameters: Mapping[str, Any] | None = None,
                          task_overrides: Mapping[str, Any] | None = None) -> None:
        """Fire on a model in ``trigger_project``: published, given all of ``trigger_on_tags``,
        archived, or (no condition) created."""
        self._add("model", schedule_task_id=schedule_task_id, schedule_queue=schedule_queue,
                  schedule_function=schedule_function, trigger_project=trigger_project, trigger_name=trigger_name,
                  name=name, on_publish=bool(trigger_on_publish), on_tags=list(trigger_on_tags or ()),
                  on_archive=bool(trigger_on_archive), required_tags=list(trigger_required_tags or ()),
                  target_project=target_project, add_tag=bool(add_tag), single_instance=single_instance,
                  reuse_task=reuse_task, task_parameters=dict(task_parameters or {}),
                  task_overrides=dict(task_overrides or {}))

    def add_task_trigger(self, schedule_task_id: Any = None, schedule_queue: str | None = None,
                         schedule_function: Callable[..., Any] | None = None, trigger_project: str | None = None,
                         trigger_name: str | None = None, trigger_on_tags: Sequence[str] | None = None,
                         trigger_on_status: Sequence[str] | None = None, trigger_exclude_dev_tasks: bool | None = None,
                         trigger_on_metric: str | None = None, trigger_on_variant: str | None = None,
                         trigger_on_threshold: float | None = None, trigger_on_sign: str | None = None,
                         trigger_required_tags: Sequence[str] | None = None, name: str | None = None,
                         target_project: str | None = None, add_tag: bool | str = True,
                         single_instance: bool = False, reuse_task: bool = False,
                         task_parameters: Mapping[str, Any] | None = None,
                         task_overrides: Mapping[str, Any] | None = None) -> None:
        """Fire on a task in ``trigger_project``: reaching one of ``trigger_on_status``, given all
        of ``trigger_on_tags``, or its last ``trigger_on_metric``/``trigger_on_variant`` at or
        beyond ``trigger_on_threshold`` (``trigger_on_sign`` "max": at or above; "min": at or below)."""
        self._add("task", schedule_task_id=schedule_task_id, schedule_queue=schedule_queue,
                  schedule_function=schedule_function, trigger_project=trigger_project, trigger_name=trigger_name,
                  name=name, on_tags=list(trigger_on_tags or ()), on_status=list(trigger_on_status or ()),
                  exclude_dev=bool(trigger_exclude_dev_tasks), metric=trigger_on_metric, variant=trigger_on_variant,
                  threshold=None if trigger_on_threshold is None else float(trigger_on_threshold),
                  sign=trigger_on_sign or "min", required_tags=list(trigger_required_tags or ()),
                  target_project=target_project, add_tag=bool(add_tag), single_instance=single_instance,
                  reuse_task=reuse_task, task_parameters=dict(task_parameters or {}),
                  task_overrides=dict(task_overrides or {}))

    # -- running -----------------------------------------------------------------------------------
    def start(self) -> None:
        """Watch until ``stop()`` (or Ctrl-C)."""
        if not self._begun:
            self.begin()
        try:
            while not self._stop.is_set():
                self.run_pending()
                self._stop.wait(self.poll_s)
        except KeyboardInterrupt:
            pass
        finally:
            self.service.finish(self.get_state())

    def start_remotely(self, queue: str = "services") -> None:
        """Watch on a worker of ``queue``: this script is enqueued as the service's task and,
        there, calls ``start()``."""
        service_task.start_remotely(self.service, queue, self.start)

    def stop(self) -> None:
        self._stop.set()

    def begin(self) -> int:
        """Open the service's task and take note of what holds now. A first start fires nothing;
        a restarted service (the same name) fires what changed after its last look; how many fired."""
        if not self.triggers:
            raise InvalidArgument("no triggers: add one with add_dataset_trigger, add_model_trigger or "
                                  "add_task_trigger before start()")
        kept = self.service.open()
        watermark = kept.get("watermark") if kept.get("kind") == "trigger-scheduler" else None
        self.history = [h for h in kept.get("history") or [] if isinstance(h, dict)][-HISTORY:]
        since = float(watermark) if isinstance(watermark, (int, float)) else None
        feed = session.backend().changes_since(since or 0.0, ["task", "model"])
        self._watermark = max((c.stamp for c in feed), default=since or 0.0)
        self._stamped = {c.id: c.stamp for c in feed}
        fired = self._look(fire_after=since)  # a whole look: what holds now is known, not fired
        self._begun = True
        self.service.save(self.get_state(), force=True)
        return fired

    def run_pending(self) -> int:
        """One look: fire every new event; how many fired."""
        if not self._begun:
            return self.begin()
        feed = session.backend().changes_since(self._watermark or 0.0, ["task", "model"])
        if not feed:
            return 0  # nothing changed in the store: nothing else is read
        self._watermark = max(c.stamp for c in feed)
        changed: dict[str, set[str]] = {"task": set(), "model": set()}
        for change in feed:
            changed[change.kind].add(change.id)
            self._stamped[change.id] = change.stamp
        if len(self._stamped) > STAMPS_KEPT:  # a long-lived service keeps the newest only
            newest = sorted(self._stamped.items(), key=lambda kv: kv[1])[-STAMPS_KEPT // 2:]
            self._stamped = dict(newest)
        fired = self._look(fire_after=0.0, changed=changed)
        self.service.save(self.get_state(), force=bool(fired))
        return fired

    # -- looking -----------------------------------------------------------------------------------
    def _look(self, *, fire_after: float | None, changed: Mapping[str, set[str]] | None = None) -> int:
        """Fire the events not seen yet of objects changed after ``fire_after`` (None: fire none);
        ``changed``: the ids of the tasks and models the feed named (None: every object in scope)."""
        fired = 0
        for trigger in self.triggers.values():
            for obj_id, events, changed_at in self._events(trigger, changed):
                seen = self._seen.setdefault((trigger.name, obj_id), set())
                for event, stamp in events.items():
                    key = f"{event}@{stamp}"
                    if key in seen:
                        continue
                    seen.add(key)
                    if fire_after is not None and changed_at > fire_after:
                        fired += self._fire(trigger, obj_id, key)
        return fired

    def _events(self, trigger: Trigger, changed: Mapping[str, set[str]] | None = None,
                ) -> list[tuple[str, dict[str, str], float]]:
        """(object id, events holding now, when the object last changed) per object in scope;
        only the objects in ``changed`` when it is given."""
        backend = session.backend()
        out: list[tuple[str, dict[str, str], float]] = []
        kind = "model" if trigger.kind == "model" else "task"  # dataset versions are tasks
        ids = None if changed is None else changed.get(kind, set())
        if ids is not None and not ids:
            return out
        if trigger.kind == "dataset":
            for version in backend.query_datasets(project=trigger.project):
                row = version.to_dict()
                if ids is not None and row["id"] not in ids:
                    continue
                if trigger.in_scope(row["name"], row.get("tags") or ()):
                    # a version's edits (tags) stamp its task: the feed's stamp says when it last changed
                    stamp = max(float(row.get("created") or 0.0), float(row.get("finalized") or 0.0),
                                self._stamped.get(row["id"], 0.0))
                    out.append((row["id"], trigger.events(row), stamp))
        elif trigger.kind == "model":
            for model in backend.query_models(project_name=trigger.project, include_archived=True):
                row = model.to_dict()
                if ids is not None and row["id"] not in ids:
                    continue
                if trigger.in_scope(row["name"], row.get("tags") or ()):
                    out.append((row["id"], trigger.events(row), float(row.get("last_update") or 0.0)))
        else:
            for task in backend.query_tasks(project_name=trigger.project, statuses=trigger.on_status or None,
                                            task_ids=sorted(ids) if ids is not None else None):
                if task.id == self.service.id or launch.FIRED_TAG in task.system_tags:
                    continue  # its own launches never trigger it
                moved = self._stamps.get(f"{trigger.name}/{task.id}") != task.last_update
                if not moved or not trigger.in_scope(task.name, task.tags, task.system_tags):
                    continue
                self._stamps[f"{trigger.name}/{task.id}"] = task.last_update
                metrics = backend.get_last_metrics(task.id) if trigger.metric else None
                out.append((task.id, trigger.events(task.to_dict(), metrics), task.last_update))
        return out

    def _fire(self, trigger: Trigger, obj_id: str, key: str) -> int:
        last = self._last.get(trigger.name)
        if trigger.single_instance and last and (launch.is_running(last) or (
                trigger.name in self._threads and self._threads[trigger.name].is_alive())):
            self._note(trigger, obj_id, key, "", "skipped: the last launch is still running")
            return 0
        launch_id = launch.fire_id("trigger", self.service.project, self.service.name, trigger.name, obj_id, key)
        title = f"{trigger.name}: {trigger.kind} {obj_id[:8]} {key.split('@')[0]}"
        if trigger.function is not None:
            thread = launch.run_function(trigger.function, launch_id, name=title, project=self.service.project,
                                         args=(obj_id,), parent_id=self.service.id or None)
            if thread is None:
                self._note(trigger, obj_id, key, launch_id, "already fired")
                return 0
            self._threads[trigger.name] = thread
            launched: str | None = launch_id
        elif trigger.reuse_task:
            assert trigger.base_task_id is not None
            launched = launch.reuse_base(trigger.base_task_id, trigger.queue)
        else:
            assert trigger.base_task_id is not None
            try:
                launched = launch.launch_clone(trigger.base_task_id, launch_id, queue=trigger.queue, name=title,
                                               project=trigger.target_project, parameters=trigger.task_parameters,
                                               overrides=trigger.task_overrides,
                                               tags=[trigger.name] if trigger.add_tag else ())
            except NotFound:
                self._note(trigger, obj_id, key, "", f"failed: there is no task {trigger.base_task_id!r} to launch")
                print(f"jupyter-track: trigger {trigger.name!r}: there is no task {trigger.base_task_id!r} to "
                      f"launch", file=sys.stderr)
                return 0
        if launched is None:
            self._note(trigger, obj_id, key, launch_id, "already fired")
            return 0
        self._last[trigger.name] = launched
        self._note(trigger, obj_id, key, launched, "called" if trigger.function else f"enqueued in {trigger.queue}")
        return 1

    def _note(self, trigger: Trigger, obj_id: str, key: str, task_id: str, what: str) -> None:
        self.history.append({"at": time.time(), "trigger": trigger.name, "object": obj_id, "event": key,
                             "task": task_id, "what": what})
        del self.history[:-HISTORY]

    def get_state(self) -> dict[str, Any]:
        """What the service stores: its triggers and their recent fires."""
        triggers = [{"name": t.name, "kind": t.kind, "project": t.project, "task": t.base_task_id, "queue": t.queue,
                     "function": getattr(t.function, "__qualname__", None), "last_task": self._last.get(t.name)}
                    for t in self.triggers.values()]
        return {"kind": "trigger-scheduler", "updated": time.time(), "watermark": self._watermark, "triggers": triggers,
                "history": list(self.history)}

    @property
    def id(self) -> str:
        """The service task's id (after ``start``)."""
        return self.service.id
