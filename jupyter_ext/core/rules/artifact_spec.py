"""What an artifact record must hold, and its stored fields (one rule for every store)."""
from __future__ import annotations

import re
import time
from collections.abc import Mapping
from typing import Any

from jupyter_ext.core.rules.names import check_artifact_name
from jupyter_ext.errors import InvalidArgument

MODES = ("output", "input")
DEFAULT_LOCATION = ""  # the default blob folder
_SHA256 = re.compile(r"[0-9a-f]{64}")


def check_artifact(task_id: str, spec: Mapping[str, Any]) -> dict[str, Any]:
    """The row to store for an artifact whose bytes are already stored (``blob_sha256`` at
    ``location``) or that only names a remote ``url``."""
    name = check_artifact_name(spec.get("name"))
    mode = spec.get("mode") or "output"
    if mode not in MODES:
        raise InvalidArgument(f"artifact mode must be 'output' or 'input', not {mode!r}")
    sha = spec.get("blob_sha256")
    if not sha and not spec.get("url"):
        raise InvalidArgument(f"artifact {name!r} has neither stored bytes nor a URL")
    if sha and (not isinstance(sha, str) or _SHA256.fullmatch(sha) is None):
        # A stored sha256 later names cache folders and blob paths: only a real digest may pass.
        raise InvalidArgument(f"{sha!r} is not a sha256 digest (64 lowercase hex characters)")
    size = int(spec.get("size") or 0)
    if size < 0:
        raise InvalidArgument(f"artifact {name!r}: size must be >= 0, not {size}")
    metadata = spec.get("metadata") or {}
    if not isinstance(metadata, Mapping):
        raise InvalidArgument("artifact metadata must be a dict of name -> value")
    return {
        "task_id": task_id, "name": name, "type": str(spec.get("type") or "custom"), "mode": mode,
        "location": str(spec.get("location") or DEFAULT_LOCATION), "blob_sha256": str(sha) if sha else None,
        "url": str(spec["url"]) if spec.get("url") else None, "file_name": str(spec.get("file_name") or ""),
        "content_type": str(spec.get("content_type") or "application/octet-stream"), "size": size,
        "preview": str(spec.get("preview") or ""), "metadata": {str(k): str(v) for k, v in metadata.items()},
        "user": str(spec.get("user") or ""), "time": float(spec.get("time") or time.time()),
    }
