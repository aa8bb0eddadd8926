"""Per-task requests to the scheduler: the hyperparameters section ``glue/…`` and ``glue/KEY=VALUE`` tags.

A cloned task can ask for more than the launcher's defaults (``glue/partition = gpu-large``,
``glue/time = 08:00:00``, a tag ``glue/gres=gpu:2``); parameters win over tags. Each scheduler
names the keys it understands; an unknown key is an error on that task (it fails with a message
naming the keys), never silently ignored.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from jupyter_ext.errors import InvalidArgument

SECTION = "glue"
TAG_PREFIX = "glue/"
MAX_VALUE = 256


def _check(key: str, value: str, known: Mapping[str, str]) -> str:
    if key not in known:
        raise InvalidArgument(f"glue/{key} is not a setting this launcher knows; known: "
                              + ", ".join(f"glue/{k} ({what})" for k, what in sorted(known.items())))
    text = str(value).strip()
    if not text or len(text) > MAX_VALUE or any(ord(c) < 32 for c in text):
        raise InvalidArgument(f"glue/{key} must be one line of 1 to {MAX_VALUE} characters, got {value!r}")
    return text


def from_task(params: Iterable[tuple[str, str, object]], tags: Iterable[str],
              known: Mapping[str, str]) -> dict[str, str]:
    """The overrides a task asks for, from ``(section, name, value)`` parameter rows and its tags.
    ``known`` maps each key the scheduler accepts to what it means (for the error message)."""
    found: dict[str, str] = {}
    for tag in tags:
        if tag.startswith(TAG_PREFIX) and "=" in tag:
            key, _, value = tag[len(TAG_PREFIX):].partition("=")
            found[key.strip()] = _check(key.strip(), value, known)
    for section, name, raw in params:
        if section == SECTION and raw is not None and str(raw).strip():
            found[name] = _check(name, str(raw), known)
    return found
