"""A notebook run's story, as pure rules: which cell execution a result came from, which cell of a
snapshot an execution was, and whether the cells ran out of order or were edited after they ran.

A result's origin is the cell execution that started last at or before the result's time (a
thread the cell started goes on reporting under it). An execution belongs to the first snapshot
read after it ended, and is found in a snapshot by its cell id, or else (a frontend that sends no
cell id, as nbclient) by its source.
"""
from __future__ import annotations

import bisect
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

SHA_CHARS = 16


def source_sha(source: str | Sequence[str]) -> str:
    """The short hash of a cell's source that identifies it and tells an edit."""
    text = source if isinstance(source, str) else "".join(source)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:SHA_CHARS]


def origin_index(starts: Sequence[float], when: float) -> int | None:
    """Index in ``starts`` (sorted start times of the executions) of the one ``when`` belongs to."""
    i = bisect.bisect_right(starts, when) - 1
    return i if i >= 0 else None


def snapshot_version(ended: float, taken: Sequence[tuple[int, float]]) -> int | None:
    """The first version (of ``(version, taken)`` sorted by version) read at or after ``ended``."""
    for version, at in taken:
        if at >= ended:
            return version
    return None


def cells_of(nb: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``[{index, id, type, sha, tags}]`` of a notebook's cells, in order."""
    out = []
    for index, cell in enumerate(nb.get("cells") or []):
        tags = (cell.get("metadata") or {}).get("tags") or []
        out.append({"index": index, "id": str(cell.get("id") or ""), "type": str(cell.get("cell_type") or ""),
                    "sha": source_sha(cell.get("source") or ""), "tags": [str(t) for t in tags]})
    return out


def locate(runs: Sequence[Mapping[str, Any]], cells: Sequence[Mapping[str, Any]]) -> list[int | None]:
    """For each run, the index of its cell in ``cells`` (by id, else by the source it ran), or None."""
    by_id = {c["id"]: c["index"] for c in cells if c["id"]}
    by_sha: dict[str, int] = {}
    for c in cells:
        if c["type"] == "code":
            by_sha.setdefault(c["sha"], c["index"])
    out: list[int | None] = []
    for run in runs:
        cell_id = str(run.get("cell_id") or "")
        if cell_id and cell_id in by_id:
            out.append(by_id[cell_id])
        else:
            out.append(by_sha.get(str(run.get("source_sha") or "")))
    return out


def check(runs: Sequence[Mapping[str, Any]], cells: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """What a reader should be warned of: executions that went back up the notebook (within one
    kernel: a restart starts over), cells whose source changed since their last execution, and
    executions of cells that are no longer in the notebook."""
    positions = locate(runs, cells)
    by_id = {c["id"]: c for c in cells if c["id"]}
    out_of_order: list[int] = []
    edited: dict[int, int] = {}  # cell index -> seq of its last execution
    missing: list[int] = []
    last_pos: dict[str, int] = {}
    for run, pos in zip(runs, positions, strict=True):
        seq, kernel = int(run["seq"]), str(run.get("kernel") or "")
        if pos is None:
            missing.append(seq)
            continue
        previous = last_pos.get(kernel)
        if previous is not None and pos < previous:
            out_of_order.append(seq)
        last_pos[kernel] = pos
        cell = by_id.get(str(run.get("cell_id") or "")) or cells[pos]
        edited.pop(pos, None)
        if run.get("source_sha") and cell["sha"] != run.get("source_sha"):
            edited[pos] = seq
    messages = []
    if out_of_order:
        messages.append(f"cells ran out of order: {len(out_of_order)} execution(s) went back up the notebook")
    if edited:
        messages.append(f"{len(edited)} cell(s) edited after they ran: their outputs come from older code")
    if missing:
        messages.append(f"{len(missing)} execution(s) of cells no longer in the notebook")
    return {"out_of_order": out_of_order, "edited_after_run": sorted(edited.values()), "missing": missing,
            "positions": positions, "messages": messages}


def parameters_of(nb: Mapping[str, Any]) -> dict[str, Any]:
    """The names a notebook's ``parameters`` cell (papermill's tag) assigns plain values to."""
    import ast

    for cell in nb.get("cells") or []:
        if cell.get("cell_type") != "code" or "parameters" not in ((cell.get("metadata") or {}).get("tags") or []):
            continue
        source = cell.get("source") or ""
        try:
            tree = ast.parse(source if isinstance(source, str) else "".join(source))
        except SyntaxError:
            return {}
        values: dict[str, Any] = {}
        for node in tree.body:
            target, value = None, None
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            if isinstance(target, ast.Name) and value is not None:
                try:
                    values[target.id] = ast.literal_eval(value)
                except ValueError:
                    continue  # an expression, not a value: papermill cannot set it either
        return values
    return {}


def inject_parameters(nb: dict[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """papermill's convention: a code cell tagged ``injected-parameters`` with ``values``, right
    after the cell tagged ``parameters`` (first when there is none), replacing an earlier one."""
    cells = [c for c in nb.get("cells") or []
             if "injected-parameters" not in ((c.get("metadata") or {}).get("tags") or [])]
    if values:
        lines = ["# Parameters\n"] + [f"{name} = {value!r}\n" for name, value in values.items()]
        injected: dict[str, Any] = {"cell_type": "code", "execution_count": None, "id": "injected-parameters",
                    "metadata": {"tags": ["injected-parameters"]}, "outputs": [], "source": "".join(lines)}
        at = 0
        for i, cell in enumerate(cells):
            if "parameters" in ((cell.get("metadata") or {}).get("tags") or []):
                at = i + 1
                break
        cells.insert(at, injected)
    nb["cells"] = cells
    return nb


def default_version(versions: Sequence[Any]) -> Any:
    """The version shown when none is asked for: the newest, unless no cell of it has run while an
    earlier one's had (a notebook re-opened in a fresh kernel, its outputs gone)."""
    if not versions:
        return None
    newest = versions[-1]
    if getattr(newest, "executed", 0):
        return newest
    for row in reversed(versions):
        if getattr(row, "executed", 0):
            return row
    return newest
