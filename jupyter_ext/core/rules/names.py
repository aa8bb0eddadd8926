"""Checks on names a user types (projects, tasks, tags), kept light for the caller's path."""
from __future__ import annotations

import re

from jupyter_ext.core.rules import limits
from jupyter_ext.errors import InvalidArgument

MAX_PROJECT_NAME = limits.PROJECT_NAME
MAX_TASK_NAME = limits.TASK_NAME
MAX_TAG = limits.TAG
DEFAULT_PROJECT = "Untitled"


def normalize_project_name(name: object) -> str:
    """``" A / B "`` -> ``"A/B"``; refuse empty segments with a message that says how to fix it."""
    if not isinstance(name, str):
        raise InvalidArgument(f"project name must be a string, got {type(name).__name__}")
    parts = [p.strip() for p in name.strip().strip("/").split("/")]
    if not name.strip() or any(not p for p in parts):
        raise InvalidArgument(
            f"invalid project name {name!r}: use names like 'Team/Project/Sub', with no empty parts between '/'"
        )
    full = "/".join(parts)
    _no_control(full, "project name")
    if len(full) > MAX_PROJECT_NAME:
        raise InvalidArgument(f"project name is {len(full)} characters long; the limit is {MAX_PROJECT_NAME}")
    return full


def check_task_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidArgument("a task name must be a non-empty string, e.g. task_name='Experiment 1'")
    if len(name) > MAX_TASK_NAME:
        raise InvalidArgument(f"task name is {len(name)} characters long; the limit is {MAX_TASK_NAME}")
    _no_control(name, "task name")
    return name.strip()


def _no_control(text: str, what: str) -> None:
    bad = limits.first_control(text)
    if bad is not None:
        raise InvalidArgument(f"{what} {text[:40]!r} contains the control character {bad!r}; names are plain text")


def check_tags(tags: object) -> tuple[str, ...]:
    if tags is None:
        return ()
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, (list, tuple, set, frozenset)):
        raise InvalidArgument(f"tags must be a list of strings, got {type(tags).__name__}")
    out = []
    for t in tags:
        if not isinstance(t, str) or not t.strip():
            raise InvalidArgument(f"every tag must be a non-empty string; got {t!r}")
        if len(t) > MAX_TAG:
            raise InvalidArgument(f"tag {t[:40]!r}… is longer than {MAX_TAG} characters")
        _no_control(t, "tag")
        out.append(t.strip())
    return tuple(dict.fromkeys(out))


MAX_ARTIFACT_NAME = limits.ARTIFACT_NAME


def check_artifact_name(name: object, what: str = "an artifact") -> str:
    """Artifact and model names only label rows: any text is fine, and none becomes a path."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidArgument(f"{what} needs a non-empty name, e.g. name='data.raw'")
    if len(name) > MAX_ARTIFACT_NAME:
        raise InvalidArgument(f"name {name[:40]!r}… is longer than {MAX_ARTIFACT_NAME} characters")
    _no_control(name, "name")
    return name


# A model's framework: ClearML's names, stored lower-case without separators.
FRAMEWORKS = ("caffe", "caffe2", "catboost", "cntk", "darknet", "keras", "lightgbm", "megengine", "mknet", "onnx",
              "openvino", "paddlepaddle", "parquet", "pytorch", "scikitlearn", "tensorflow", "tensorflowjs",
              "tensorflowlite", "tensorrt", "torch", "torchscript", "xgboost", "custom", "")

FRAMEWORK_ALIASES = {"sklearn": "scikitlearn", "mxnet": "mknet", "paddle": "paddlepaddle", "tf": "tensorflow"}


def check_framework(framework: object) -> str:
    """The stored name of a framework: ``"PyTorch"``, ``"scikit-learn"``, ``"TensorFlow Lite"``
    and ClearML's ``Framework`` values are all accepted."""
    name = str(getattr(framework, "value", framework) or "").lower()
    for sep in ("-", "_", " ", "."):
        name = name.replace(sep, "")
    name = FRAMEWORK_ALIASES.get(name, name)
    if name not in FRAMEWORKS:
        raise InvalidArgument(f"unknown framework {framework!r}; use one of: {', '.join(f for f in FRAMEWORKS if f)}")
    return name


def framework_pattern() -> str:
    """What :func:`check_framework` accepts, as a regular expression (any case, '-', '_', ' ' or
    '.' anywhere), for the REST API's schema."""
    sep = "[-_ .]*"

    def spelled(name: str) -> str:
        return "".join(f"[{c}{c.upper()}]{sep}" if c.isalpha() else f"{re.escape(c)}{sep}" for c in name)

    names = sorted({*(f for f in FRAMEWORKS if f), *FRAMEWORK_ALIASES}, key=len, reverse=True)
    return f"^{sep}(|{'|'.join(spelled(n) for n in names)})$"
