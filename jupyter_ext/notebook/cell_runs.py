"""The execution history of a tracked notebook: one record per cell execution, made by the
``pre_run_cell`` / ``post_run_cell`` hooks (once per cell, never per reported result).

Each record (cell id when the frontend sends one, execution count, a hash of the source as it
ran, start, duration, what it raised) goes to the reporter as an operation, so it reaches the
store in order with the results reported while the cell ran; those results find their origin
by time when read (core/rules/notebook_history.py). ``history()`` is what ``%track status`` lists.
"""
from __future__ import annotations

import time
import uuid
from typing import Any

KERNEL = uuid.uuid4().hex[:12]  # execution counts start over with a kernel: runs say which kernel
KEEP = 500  # executions kept in memory for %track status


class _State:
    def __init__(self) -> None:
        self.seq: dict[str, int] = {}  # task id -> last seq
        self.pending: dict[str, Any] | None = None  # the cell running now
        self.recorded_at_start: str | None = None  # the task its start was recorded for
        self.history: list[dict[str, Any]] = []


_state = _State()


def _task() -> Any:
    from jupyter_ext.sdk import _session as session

    return session.main_task()


def before_cell(info: Any, execution_count: int | None) -> None:
    from jupyter_ext.core.rules.notebook_history import source_sha

    source = str(getattr(info, "raw_cell", "") or "")
    _state.pending = {"cell_id": str(getattr(info, "cell_id", None) or ""), "execution_count": execution_count,
                      "source_sha": source_sha(source), "kernel": KERNEL, "started": time.time(),
                      "clock": time.perf_counter(), "first_line": source.strip().splitlines()[0][:60] if source.strip()
                      else ""}
    _state.recorded_at_start = None
    task = _task()
    if task is not None:  # so results reported while the cell runs find it
        _submit(task.id, _next_seq(task.id), _fields(_state.pending))
        _state.recorded_at_start = task.id


def after_cell(result: Any) -> None:
    run, _state.pending = _state.pending, None
    if run is None:
        return
    error = getattr(result, "error_in_exec", None) or getattr(result, "error_before_exec", None)
    run["duration"] = time.perf_counter() - run.pop("clock")
    run["raised"] = f"{type(error).__name__}: {error}"[:500] if error is not None else None
    count = getattr(result, "execution_count", None)
    if count is not None:
        run["execution_count"] = count
    if _state.recorded_at_start is not None:  # completed even when the cell closed its task (%track off)
        task_id = _state.recorded_at_start
        seq = _state.seq[task_id]
    else:  # the cell that started the task (%track, Task.init) is recorded whole at its end
        task = _task()
        if task is None:
            return
        task_id, seq = task.id, _next_seq(task.id)
    _submit(task_id, seq, _fields(run))
    run["seq"], run["task_id"] = seq, task_id
    _state.history.append(run)
    del _state.history[:-KEEP]


def _next_seq(task_id: str) -> int:
    seq = _state.seq.get(task_id, 0) + 1
    _state.seq[task_id] = seq
    return seq


def _fields(run: dict[str, Any]) -> dict[str, Any]:
    return {k: run[k] for k in ("cell_id", "execution_count", "source_sha", "kernel", "started", "duration", "raised")
            if k in run}


def _submit(task_id: str, seq: int, fields: dict[str, Any]) -> None:
    from jupyter_ext.sdk import _session as session

    session.reporter().submit(lambda: session.backend().record_cell_run(task_id, {"seq": seq, **fields}))


def history(task_id: str) -> list[dict[str, Any]]:
    """The executions of ``task_id`` this kernel made, oldest first."""
    return [r for r in _state.history if r.get("task_id") == task_id]


def reset_for_tests() -> None:
    global _state
    _state = _State()


def describe(story: dict[str, Any]) -> str:
    """The execution history as ``%track status`` prints it, warnings first."""
    runs = story.get("runs") or []
    warnings = story.get("warnings") or {}
    lines = [f"warning: {m}" for m in warnings.get("messages") or []]
    flagged = set(warnings.get("out_of_order") or []) | set(warnings.get("edited_after_run") or [])
    lines.append(f"cells run: {len(runs)}" + (" (in the order they ran)" if runs else ""))
    for r in runs:
        count = r.get("execution_count")
        where = f"cell {r['cell_index'] + 1}" if r.get("cell_index") is not None else "cell not in the snapshot"
        took = f"{r['duration']:.2f} s" if r.get("duration") is not None else "running"
        notes = []
        if r["seq"] in set(warnings.get("out_of_order") or []):
            notes.append("out of order")
        if r["seq"] in set(warnings.get("edited_after_run") or []):
            notes.append("edited since")
        if r.get("raised"):
            notes.append(f"raised {r['raised']}")
        mark = "!" if r["seq"] in flagged or r.get("raised") else " "
        lines.append(f" {mark} #{r['seq']:<3} [{count if count is not None else ' '}] {where:<24} {took:>9}"
                     + (f"  {'; '.join(notes)}" if notes else ""))
    return "\n".join(lines)


class _FromRequest:
    """The running cell, as its execute request (the kernel's parent header) describes it."""

    def __init__(self, header: dict[str, Any]) -> None:
        self.raw_cell = str((header.get("content") or {}).get("code") or "")
        self.cell_id = str((header.get("metadata") or {}).get("cellId") or "")


def loading_cell(shell: Any) -> None:
    """Begin the record of the cell that loads the extension (its ``pre_run_cell`` has passed)."""
    header = getattr(shell, "parent_header", None) or {}
    if _state.pending is None and (header.get("header") or {}).get("msg_type") == "execute_request":
        before_cell(_FromRequest(header), getattr(shell, "execution_count", None))
