"""What makes a trigger fire: for each dataset version, model or task in its scope, the events
that hold now (``published``, ``tags``, ``archived``, ``status:failed``, ``metric``…), each with
a stamp, so that the same event read by two services gives the same key."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from jupyter_ext.core.rules import status as statuses
from jupyter_ext.errors import InvalidArgument

KINDS = ("dataset", "model", "task")
SIGNS = ("min", "max")


@dataclass
class Trigger:
    kind: str
    name: str
    base_task_id: str | None = None
    queue: str | None = None
    function: Callable[..., Any] | None = None
    project: str | None = None
    name_pattern: re.Pattern[str] | None = None
    on_publish: bool = False
    on_tags: list[str] = field(default_factory=list)
    on_archive: bool = False
    required_tags: list[str] = field(default_factory=list)
    on_status: list[str] = field(default_factory=list)
    exclude_dev: bool = False
    metric: str | None = None
    variant: str | None = None
    threshold: float | None = None
    sign: str = "min"
    target_project: str | None = None
    add_tag: bool = True
    single_instance: bool = False
    reuse_task: bool = False
    task_parameters: dict[str, Any] = field(default_factory=dict)
    task_overrides: dict[str, Any] = field(default_factory=dict)

    def check(self) -> None:
        if (self.base_task_id is None) == (self.function is None):
            raise InvalidArgument(f"trigger {self.name!r}: give exactly one of schedule_task_id (a task to clone "
                                  f"and enqueue) or schedule_function (a function called with the object's id)")
        if self.base_task_id is not None and not self.queue:
            raise InvalidArgument(f"trigger {self.name!r}: schedule_task_id needs schedule_queue=...")
        if self.function is not None and not callable(self.function):
            raise InvalidArgument(f"trigger {self.name!r}: schedule_function must be callable")
        for s in self.on_status:
            statuses.check_status(s)
        if self.metric is not None or self.threshold is not None:
            if self.metric is None or self.variant is None or self.threshold is None:
                raise InvalidArgument(f"trigger {self.name!r}: a metric trigger needs trigger_on_metric, "
                                      f"trigger_on_variant and trigger_on_threshold together")
            if self.sign not in SIGNS:
                raise InvalidArgument(f"trigger {self.name!r}: trigger_on_sign must be 'min' (fire at or below "
                                      f"the threshold) or 'max' (at or above); got {self.sign!r}")

    def in_scope(self, name: str, tags: Sequence[str], system_tags: Sequence[str] = ()) -> bool:
        if self.name_pattern is not None and not self.name_pattern.search(name):
            return False
        if self.required_tags and not set(self.required_tags) <= set(tags):
            return False
        return not (self.exclude_dev and "development" in system_tags)

    @property
    def default_event(self) -> str:
        """The event when no condition is given: a new final version, a new model, a new task."""
        return "final" if self.kind == "dataset" else "created"

    def events(self, obj: dict[str, Any], metrics: dict[str, Any] | None = None) -> dict[str, str]:
        """``{event: stamp}`` when ``obj`` (a row dict of its kind) matches every condition of
        the trigger now, else ``{}``. The stamp tells a task that ran again and ended the same
        way from its earlier run."""
        met: list[str] = []
        if self.on_publish:
            if not (obj.get("published") or obj.get("status") == "final"):
                return {}
            met.append("published")
        if self.on_tags:
            if not set(self.on_tags) <= set(obj.get("tags") or ()):
                return {}
            met.append("tags")
        if self.on_archive:
            if not obj.get("archived"):
                return {}
            met.append("archived")
        stamp = ""
        if self.on_status:
            if obj.get("status") not in self.on_status:
                return {}
            met.append(f"status:{obj['status']}")
            stamp = str(obj.get("completed") or obj.get("started") or "")
        if self.metric is not None:
            summary = (metrics or {}).get(self.metric, {}).get(self.variant or "", {})
            value = summary.get("last") if summary else None
            assert self.threshold is not None
            if value is None or not (value >= self.threshold if self.sign == "max" else value <= self.threshold):
                return {}
            met.append("metric")
        if not met:
            if self.kind == "dataset" and obj.get("status") != "final":
                return {}
            met.append(self.default_event)
        return {"+".join(met): stamp}
