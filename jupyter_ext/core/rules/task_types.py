"""The eleven task types, and the check that a name is one of them."""
from __future__ import annotations

from jupyter_ext.errors import InvalidArgument

TASK_TYPES = (
    "training",
    "testing",
    "inference",
    "data_processing",
    "application",
    "monitor",
    "controller",
    "optimizer",
    "service",
    "qc",
    "custom",
)
DEFAULT_TASK_TYPE = "training"


def check_task_type(value: object) -> str:
    name = getattr(value, "value", value)
    if not isinstance(name, str) or name not in TASK_TYPES:
        raise InvalidArgument(f"unknown task type {value!r}; use one of: {', '.join(TASK_TYPES)}")
    return name
