"""Operations on pipeline runs: the list, and one run's DAG with live step statuses."""
from __future__ import annotations

from typing import Any

from jupyter_ext.server.call import Call
from jupyter_ext.wire import codec

# Keys whose values are not times, though their words may be time fields (step_status["completed"]
# is a count) or belong to the user (pipeline parameters).
_KEPT = ("step_status", "parameters")


def _out(item: dict[str, Any]) -> dict[str, Any]:
    kept = {k: item[k] for k in _KEPT if k in item}
    out: dict[str, Any] = codec.times_to_iso({k: v for k, v in item.items() if k not in kept})
    out.update(kept)
    return out


def list_pipelines(call: Call) -> dict[str, Any]:
    items = call.backend.list_pipelines(project=call.q("project"), status=call.q("status"),
                                        limit=call.q_int("limit", None, lo=1, hi=10_000),
                                        offset=call.q_int("offset", 0) or 0)
    return {"items": [_out(i.to_dict()) for i in items], "total": len(items)}


def get_pipeline(call: Call) -> dict[str, Any]:
    return _out(call.backend.get_pipeline(call.path["task_id"]))


OPERATIONS = {"list_pipelines": list_pipelines, "get_pipeline": get_pipeline}
