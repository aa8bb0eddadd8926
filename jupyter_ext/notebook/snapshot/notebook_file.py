"""A notebook as stored with a task: read and redacted (render_worker.py renders it).

Redaction walks every text the notebook holds (cell sources, stream text, text-like outputs,
tracebacks, attachments' names) through :func:`jupyter_ext.core.rules.redact.redact_code`; binary
outputs (base64 images) are left alone, both because no secret hides there and because running
regular expressions over megabytes of base64 would be the slowest part of a snapshot.
"""
from __future__ import annotations

import copy
import json
from typing import Any

from jupyter_ext.core.rules.redact import redact_code

# Output mime types whose payload is text a person (or a secret) could have written.
_BINARY_PREFIXES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "application/pdf",
                    "application/vnd.jupyter.widget-view+json")


def read(path: str) -> dict[str, Any]:
    """The notebook at ``path`` as a plain dict (nbformat v4 JSON)."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, dict) or "cells" not in data:
        raise ValueError(f"{path} is not a notebook (no 'cells')")
    return data


def _text(value: Any) -> Any:
    if isinstance(value, str):
        return redact_code(value)
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            # A multi-line text stored as a list of lines: redact it whole, so a rule that needs
            # its whole line (``%env NAME value``) sees it; nbformat reads either shape.
            return redact_code("".join(value))
        return [_text(v) for v in value]
    if isinstance(value, dict):
        return {k: _text(v) for k, v in value.items()}
    return value


def redact(nb: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``nb`` with secrets masked in every cell and output (the input is not changed)."""
    out = copy.copy(nb)
    out["cells"] = [_redact_cell(c) for c in nb.get("cells", [])]
    meta = dict(nb.get("metadata") or {})
    # Widget state can hold anything a widget synced (text inputs included); it is not needed to
    # read the snapshot, and our own widgets emit static fallbacks.
    meta.pop("widgets", None)
    out["metadata"] = meta
    return out


def _redact_cell(cell: dict[str, Any]) -> dict[str, Any]:
    new = dict(cell)
    new["source"] = _text(cell.get("source", ""))
    if "outputs" in cell:
        new["outputs"] = [_redact_output(o) for o in cell["outputs"]]
    return new


def _redact_output(output: dict[str, Any]) -> dict[str, Any]:
    new = dict(output)
    if "text" in output:
        new["text"] = _text(output["text"])
    if "traceback" in output:
        new["traceback"] = _text(output["traceback"])
    if "evalue" in output:
        new["evalue"] = _text(output["evalue"])
    data = output.get("data")
    if isinstance(data, dict):
        new["data"] = {mime: (value if mime.startswith(_BINARY_PREFIXES) else _text(value))
                       for mime, value in data.items()}
    return new


def dumps(nb: dict[str, Any]) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
