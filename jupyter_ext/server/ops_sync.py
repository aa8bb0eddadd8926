"""``POST sync/import``: one record of ``jupyter track sync`` (ids kept, idempotent; core/sync.py)."""
from __future__ import annotations

from typing import Any

from jupyter_ext.server.call import Call


def sync_import(call: Call) -> dict[str, Any]:
    record = call.body
    result = call.backend.sync_import(record)
    kind = record.get("kind")
    if result.get("created") and kind in ("finish_task", "model", "dataset"):
        ident = record.get("task_id") or (record.get("model") or record.get("version") or {}).get("id", "")
        call.announce({"finish_task": "task"}.get(str(kind), str(kind)), str(ident), ["created"])
    return result


OPERATIONS = {"sync_import": sync_import}
