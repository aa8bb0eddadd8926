"""``Task.TaskTypes`` and ``Task.TaskStatusEnum``: members compare equal to their names."""
from __future__ import annotations

import enum


class TaskTypes(str, enum.Enum):
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
