"""How long each text a user gives may be, and which characters a name may hold: the one table
the core services, the SDK and the REST API's schema (``wire/shapes.py``) all read, so a limit is
the same wherever a value comes in and every refusal names the field and its limit."""
from __future__ import annotations

import re
from typing import Any

from jupyter_ext.errors import InvalidArgument

KiB = 1024

# names: one line of plain text
TASK_NAME = 1024
PROJECT_NAME = 512
ARTIFACT_NAME = 256
MODEL_NAME = ARTIFACT_NAME
DATASET_NAME = ARTIFACT_NAME
QUEUE_NAME = 200
WORKER_ID = 256
TAG = 256
LABEL = 1024  # a plot's title or series, a single value's name
USER = 256
ID = 64  # a task/model/dataset id: letters, digits, '-', '_'
# free text: newlines and tabs welcome, NUL refused
COMMENT = 64 * KiB
DESCRIPTION = 64 * KiB
STATUS_MESSAGE = 4 * KiB
CONFIG_TEXT = 4 * KiB * KiB  # one configuration object's text (a YAML, a JSON document)
URL = 8 * KiB
FILE_SIZE = 2**50  # bytes of one file (1 PiB): the sizes of a dataset's files must add up in int64
TOTAL_SIZE = 2**62  # bytes of a dataset version's files together
TOKEN_TTL = 7 * 24 * 3600.0  # seconds a bearer token may live
PARAM_NAME = 256  # a hyperparameter's section or name
REGEX = 1000  # a name filter's regular expression

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def first_control(text: str) -> str | None:
    """The first control character (C0, DEL or C1) in ``text``, or None: a name holds none."""
    found = _CONTROL.search(text)
    return found.group() if found else None


NO_CONTROL = "^[^\\x00-\\x1f\\x7f-\\x9f]*$"
"""A label: no control character (NUL, newline, escape…), as a JSON-Schema pattern."""
_PLAIN = "[^\\x00-\\x1f\\x7f-\\x9f]"
_SOLID = "[^\\x00-\\x1f\\x7f-\\x9f\\s]"
NAME = f"^{_PLAIN}*{_SOLID}{_PLAIN}*$"
"""A name: plain text with something besides spaces."""
_PART = "[^\\x00-\\x1f\\x7f-\\x9f/]*[^\\x00-\\x1f\\x7f-\\x9f/\\s][^\\x00-\\x1f\\x7f-\\x9f/]*"
PART = f"^{_PART}$"
"""One part of a path (a project's own name, a queue, a worker id): a name without '/'."""
PROJECT = f"^\\s*/*{_PART}(/{_PART})*/*\\s*$"
"""A project path 'Team/Project/Sub': parts that are names, no empty part between '/'."""
NO_NUL = "^[^\\x00]*$"
"""Free text: anything but NUL (which the store cannot keep)."""
ID_PATTERN = "^[0-9A-Za-z_-]{1,64}$"


def check_free_text(value: Any, field: str, limit: int) -> str:
    """A comment, description, message or configuration text: a string of at most ``limit``
    characters without NUL; the error names ``field`` and the limit."""
    if not isinstance(value, str):
        raise InvalidArgument(f"{field} must be a string, got {type(value).__name__}")
    if len(value) > limit:
        raise InvalidArgument(f"{field} is {len(value):,} characters long; the limit is {limit:,}")
    if "\x00" in value:
        raise InvalidArgument(f"{field} contains a NUL character")
    return value


def name_field(limit: int, pattern: str = NAME) -> dict[str, Any]:
    """The JSON-Schema ranges of a name field (``dataclasses.field(metadata=...)`` in wire/shapes.py)."""
    return {"minLength": 1, "maxLength": limit, "pattern": pattern}


def label_field(limit: int = LABEL) -> dict[str, Any]:
    """A label that may be empty (a plot's series)."""
    return {"maxLength": limit, "pattern": NO_CONTROL}


def text_field(limit: int) -> dict[str, Any]:
    """The JSON-Schema ranges of a free-text field."""
    return {"maxLength": limit, "pattern": NO_NUL}
