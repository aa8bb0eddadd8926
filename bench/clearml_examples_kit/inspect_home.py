"""Print, as one JSON document, what a store holds: every task with what it recorded, every dataset.

Run as a script in a process whose JUPYTER_TRACK_HOME is the home to read (the runner does this
after each example, so the reading never shares a process with the example).
"""
from __future__ import annotations

import json
import sys
from typing import Any


def _task_record(backend: Any, row: Any) -> dict[str, Any]:
    tid = row.id
    params = backend.get_parameters(tid)
    models = backend.get_task_models(tid)
    return {
        "id": tid, "project": row.project_name, "name": row.name, "type": row.type, "status": row.status,
        "queue": row.queue, "system_tags": list(row.system_tags), "tags": list(row.tags),
        "params": sorted(f"{p.section}/{p.name}" for p in params),
        "configs": sorted(c.name for c in backend.get_configurations(tid)),
        "scalars": sorted(backend.get_last_metrics(tid)),
        "single": sorted(backend.get_single_values(tid)),
        "plots": sorted({p["title"] for p in backend.get_plots(tid)}),
        "debug": sorted({d["title"] for d in backend.get_debug_samples(tid)}),
        "artifacts": sorted(a.name for a in backend.get_artifacts(tid)),
        "models_out": len(models.get("output", [])), "models_in": len(models.get("input", [])),
        "console": "".join(r["text"] for r in backend.get_console(tid))[-20000:],
    }


def main() -> None:
    from jupyter_ext.sdk import _session as session
    backend = session.backend()
    tasks = [_task_record(backend, row) for row in backend.query_tasks()]
    datasets = [{"project": d.project_name, "name": d.name, "status": d.status, "files": d.file_count,
                 "parents": len(d.parents)} for d in backend.query_datasets()]
    json.dump({"tasks": tasks, "datasets": datasets}, sys.stdout)


if __name__ == "__main__":
    main()
