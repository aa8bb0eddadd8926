"""Paths inside a dataset: relative, "/"-separated, no ``..``, no drive, no empty segment.

Checked once per file of a dataset, on both sides of the API (the SDK before it sends, core before
it stores), with this one rule.
"""
from __future__ import annotations

import re

from jupyter_ext.errors import InvalidArgument

# A path already in normal form (what scanning a folder gives) is returned as it is: no
# whitespace at either end, no backslash, no empty, "." or ".." part, no drive.
_NORMAL = re.compile(r"(?![A-Za-z]:/)(?!\.\.?(?:/|$))[^/\\\s](?:[^/\\]|/(?![/]|\.\.?(?:/|$)))*(?<![/\s])")
_DRIVE = re.compile(r"[A-Za-z]:/")


def check_dataset_path(path: object) -> str:
    """A file's place inside a dataset: relative, "/"-separated, no ``..``."""
    if isinstance(path, str) and _NORMAL.fullmatch(path) is not None:
        return path
    if not isinstance(path, str) or not path.strip():
        raise InvalidArgument("a dataset path must be a non-empty relative path like 'imgs/cat.jpg'")
    norm = path.replace("\\", "/").strip()
    if norm.startswith("/") or _DRIVE.match(norm):
        raise InvalidArgument(f"dataset path {path!r} is absolute; use a path relative to the dataset root")
    parts = [p for p in norm.split("/") if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        raise InvalidArgument(f"dataset path {path!r} may not contain '..': it must stay inside the dataset")
    return "/".join(parts)


def check_folder(dataset_path: str | None) -> str:
    return "" if dataset_path in (None, "", ".", "/") else check_dataset_path(dataset_path)
