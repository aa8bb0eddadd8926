"""``Task.TaskTypes`` and ``Task.TaskStatusEnum``: members compare equal to their names."""
from __future__ import annotations

import enum


class TaskTypes(str, enum.Enum):
    """The kinds of task, as ClearML names them. A member equals its string, so either works:

    >>> Task.init(project_name="Demo", task_name="eval", task_type=Task.TaskTypes.testing)
    >>> Task.TaskTypes.testing == "testing"
    True
    """

    training = "training"
    testing = "testing"
    inference = "inference"
    data_processing = "data_processing"
    application = "application"
    monitor = "monitor"
    controller = "controller"
    optimizer = "optimizer"
    service = "service"
    qc = "qc"
    custom = "custom"

    def __str__(self) -> str:
        return self.value


class TaskStatusEnum(str, enum.Enum):
    """The statuses a task goes through (created → queued → in_progress → completed, stopped or
    failed; then published), as ClearML names them. A member equals its string:

    >>> task.get_status() == Task.TaskStatusEnum.completed
    True
    """

    created = "created"
    queued = "queued"
    in_progress = "in_progress"
    stopped = "stopped"
    published = "published"
    publishing = "publishing"
    closed = "closed"
    failed = "failed"
    completed = "completed"
    unknown = "unknown"

    def __str__(self) -> str:
        return self.value
