"""What the parts of Task (parameters, results, models, artifacts, queue, lookup) need of Task.

``Task`` is assembled from the mixins in this folder. Each mixin reads a few things that only the
assembled ``Task`` has: its id, its state flags, a method of another part. :class:`TaskHost`
names them all, once; a mixin derives from :data:`TaskPart` and the type checker then knows
them. At run time ``TaskPart`` is plain ``object``, so Task's bases, metaclass and method
resolution order are exactly those of its mixins.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol, Self

if TYPE_CHECKING:
    from jupyter_ext.sdk.tasks.remote import RemoteValues
    from jupyter_ext.sdk.tasks.task import Task


class TaskHost(Protocol):
    """The attributes and methods of ``Task`` that its parts use from one another."""

    _data: dict[str, Any]  # the task's row as last read or written
    _live: bool  # this process runs the task (Task.init), so writes go through the reporter
    _closed: bool  # close() has run
    _remote: RemoteValues | None  # run by an agent: the values stored with the task

    def __init__(self, data: Mapping[str, Any], *, live: bool = False) -> None: ...

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    def get_output_destination(self, extra_path: str | None = None, **_: Any) -> str: ...

    def set_parameters(self, *args: Mapping[str, Any], **kwargs: Any) -> None: ...

    def _write_params(self, rows: list[Any], *, replace: bool) -> None: ...

    def flush(self, wait_for_uploads: bool = False) -> bool: ...

    def _finish(self, target: str, *, reason: str = "", timeout: float = 5.0) -> bool: ...

    @classmethod
    def clone(cls, source_task: Task | str | None = None, name: str | None = None, comment: str | None = None,
              parent: str | None = None, project: str | None = None) -> Self: ...

    @staticmethod
    def running_locally() -> bool: ...


if TYPE_CHECKING:
    TaskPart = TaskHost
else:
    TaskPart = object
