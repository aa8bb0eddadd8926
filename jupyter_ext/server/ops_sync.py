"""``POST sync/import``: one record of ``jupyter track sync`` (ids kept, idempotent; core/sync.py);
``GET changes/since``: the change feed read once (automation's triggers follow the store with it)."""
from __future__ import annotations

from typing import Any

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.server.call import Call
from jupyter_ext.wire import codec


def sync_import(call: Call) -> dict[str, Any]:
    record = call.body
    result = call.backend.sync_import(record)
    kind = record.get("kind")
    if result.get("created") and kind in ("finish_task", "model", "dataset"):
        ident = record.get("task_id") or (record.get("model") or record.get("version") or {}).get("id", "")
        call.announce({"finish_task": "task"}.get(str(kind), str(kind)), str(ident), ["created"])
    return result


def list_changes(call: Call) -> dict[str, Any]:
    text = call.q("since") or "0"
    try:
        since = float(text)
    except ValueError:
        raise InvalidArgument(f"query parameter since must be a number (seconds since the epoch), got {text!r}") \
            from None
    items = codec.rows_out(call.backend.changes_since(since, call.q_list("kind") or []))
    return {"items": items, "total": len(items)}


OPERATIONS = {"sync_import": sync_import, "list_changes": list_changes}
