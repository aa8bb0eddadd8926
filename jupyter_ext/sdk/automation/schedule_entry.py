"""One entry of a TaskScheduler: when it fires, what it launches, and what it remembers."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jupyter_ext.core.rules.cron import Cron

HISTORY = 20  # fires kept in the stored state, newest last


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _parse(text: Any) -> dt.datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


@dataclass
class ScheduleEntry:
    name: str
    cron: Cron
    fields: dict[str, Any]
    base_task_id: str | None = None
    function: Callable[..., Any] | None = None
    queue: str | None = None
    target_project: str | None = None
    limit_execution_time: float | None = None
    single_instance: bool = False
    recurring: bool = True
    execute_immediately: bool = False
    reuse_task: bool = False
    task_parameters: dict[str, Any] = field(default_factory=dict)
    task_overrides: dict[str, Any] = field(default_factory=dict)
    checked: dt.datetime | None = None  # fires up to here were considered
    last_fire: str | None = None  # the key (scheduled time) of the last fire
    last_task: str | None = None
    next_fire: dt.datetime | None = None
    done: bool = False  # a one-off entry that fired
    history: list[dict[str, Any]] = field(default_factory=list)

    def restore(self, kept: Mapping[str, Any] | None, moment: dt.datetime) -> None:
        """Take the stored state of an earlier run of this scheduler (fires after its last look
        are then due once); a new entry starts looking now."""
        if not kept:
            self.checked = moment
            return
        self.checked = _parse(kept.get("checked")) or moment
        self.last_fire = kept.get("last_fire")
        self.last_task = kept.get("last_task")
        self.done = bool(kept.get("done")) and not self.recurring
        self.history = [h for h in (kept.get("history") or []) if isinstance(h, dict)][-HISTORY:]

    def due(self, moment: dt.datetime) -> dt.datetime | None:
        """The latest fire time since the last look, if any (several missed ones fire once)."""
        if self.done or self.checked is None:
            return None
        return self.cron.last_at_or_before(moment, since=self.checked)

    def upcoming(self, moment: dt.datetime) -> dt.datetime | None:
        return None if self.done else self.cron.next_after(moment)

    def note(self, moment: dt.datetime, key: str, task_id: str, what: str) -> None:
        self.history.append({"at": moment.isoformat(), "for": key, "task": task_id, "what": what})
        del self.history[:-HISTORY]
        if task_id and not what.startswith(("skipped", "aborted")):
            self.last_task = task_id
            self.last_fire = key
            if not self.recurring and not key.startswith("start@"):
                self.done = True

    def reuse(self, parent_id: str) -> str | None:
        """``reuse_task``: the base task itself goes back to the queue (reset first)."""
        from jupyter_ext.sdk.automation.launch import reuse_base

        assert self.base_task_id is not None
        return reuse_base(self.base_task_id, self.queue)

    def document(self) -> dict[str, Any]:
        target = {"task": self.base_task_id, "queue": self.queue} if self.base_task_id else \
            {"function": getattr(self.function, "__qualname__", repr(self.function))}
        return {"name": self.name, **target, "schedule": {k: v for k, v in self.fields.items() if v is not None},
                "timezone": str(self.cron.tz), "recurring": self.recurring, "single_instance": self.single_instance,
                "checked": _iso(self.checked), "next_fire": _iso(self.next_fire), "last_fire": self.last_fire,
                "last_task": self.last_task, "done": self.done, "history": list(self.history)}
