"""Two runs' notebooks compared cell by cell: nbdime's diff model, turned into aligned rows a
view can draw at once (sources as line diffs, outputs summarised, the parameters cells marked).

Outputs' large payloads (images, HTML) are replaced by their hash before nbdime sees them, so
equal bytes compare equal without nbdime walking megabytes of base64.
"""
from __future__ import annotations

import copy
import difflib
import hashlib
from collections.abc import Mapping
from typing import Any

BIG = 1024  # characters: a mime payload longer than this is compared by hash
TEXT_LIMIT = 4000
IMAGE_LIMIT = 256 * 1024
PARAMETER_TAGS = ("parameters", "injected-parameters")
# Cell metadata a run rewrites by itself (nbclient's and JupyterLab's timings, the view's state):
# not a change of the notebook.
VOLATILE_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime")
# Cell fields that differ between two runs of the same notebook without it changing: the cell id
# of a copy, the execution counter.
NOT_A_CHANGE = frozenset({"id", "execution_count"})


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "".join(value or [])


def _hashed(nb: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dict(nb))
    for cell in out.get("cells") or []:
        meta = cell.get("metadata") or {}
        for key in VOLATILE_METADATA:
            meta.pop(key, None)
        for output in cell.get("outputs") or []:
            data = output.get("data") or {}
            for mime, value in list(data.items()):
                if isinstance(value, dict):
                    continue  # application/json and friends: compared as they are
                text = _text(value)
                if len(text) > BIG:
                    data[mime] = "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return out


def _outputs(cell: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    for o in cell.get("outputs") or []:
        kind = str(o.get("output_type") or "")
        data = o.get("data") or {}
        item: dict[str, Any] = {"type": kind, "mime": sorted(data)}
        if kind == "stream":
            item["text"] = _text(o.get("text"))[:TEXT_LIMIT]
            item["name"] = o.get("name", "stdout")
        elif kind == "error":
            item["text"] = f"{o.get('ename', '')}: {o.get('evalue', '')}"[:TEXT_LIMIT]
        else:
            item["text"] = _text(data.get("text/plain"))[:TEXT_LIMIT]
            png = data.get("image/png")
            if isinstance(png, str) and len(png) <= IMAGE_LIMIT:
                item["image"] = "data:image/png;base64," + png.replace("\n", "")
        out.append(item)
    return out


def _is_parameters(cell: Mapping[str, Any]) -> bool:
    tags = (cell.get("metadata") or {}).get("tags") or []
    return any(t in tags for t in PARAMETER_TAGS)


def _line_diff(a: str, b: str) -> list[list[str]]:
    rows = []
    for line in difflib.ndiff(a.splitlines(), b.splitlines()):
        tag, text = line[:1], line[2:]
        if tag in ("-", "+", " "):
            rows.append(["=" if tag == " " else tag, text])
    return rows


def diff(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    """``{"rows": [...], "metadata_changed": [...], "counts": {...}}``; each row has ``status``
    (unchanged | modified | added | removed), the cell's index in ``a`` and ``b``, its type and id,
    whether it holds parameters, and for what changed: ``source_diff``, outputs, metadata keys."""
    import nbdime
    import nbformat

    model = nbdime.diff_notebooks(nbformat.from_dict(_hashed(a)), nbformat.from_dict(_hashed(b)))
    cells_a, cells_b = a.get("cells") or [], b.get("cells") or []
    adds: dict[int, int] = {}
    removed: set[int] = set()
    patched: dict[int, list[dict[str, Any]]] = {}
    meta_keys: list[str] = []
    for op in model:
        if op["key"] == "cells" and op["op"] == "patch":
            for c in op["diff"]:
                k = int(c["key"])
                if c["op"] == "addrange":
                    adds[k] = adds.get(k, 0) + len(c["valuelist"])
                elif c["op"] == "removerange":
                    removed.update(range(k, k + int(c["length"])))
                elif c["op"] == "patch" and {str(d["key"]) for d in c["diff"]} - NOT_A_CHANGE:
                    patched[k] = c["diff"]
        elif op["key"] == "metadata":
            meta_keys += [str(d["key"]) for d in op.get("diff") or []] if op["op"] == "patch" else ["metadata"]
    rows: list[dict[str, Any]] = []
    ib = 0
    for k in range(len(cells_a) + 1):
        for _ in range(adds.get(k, 0)):
            cell = cells_b[ib]
            rows.append(_row("added", None, ib, None, cell))
            ib += 1
        if k == len(cells_a):
            break
        if k in removed:
            rows.append(_row("removed", k, None, cells_a[k], None))
        elif k in patched:
            rows.append(_row("modified", k, ib, cells_a[k], cells_b[ib], patched[k]))
            ib += 1
        else:
            rows.append(_row("unchanged", k, ib, cells_a[k], cells_b[ib]))
            ib += 1
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    return {"rows": rows, "metadata_changed": meta_keys, "counts": counts}


def _row(status: str, ia: int | None, ib: int | None, ca: Mapping[str, Any] | None, cb: Mapping[str, Any] | None,
         patch: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    cell = cb if cb is not None else ca
    assert cell is not None
    row: dict[str, Any] = {"status": status, "a": ia, "b": ib, "cell_type": cell.get("cell_type", ""),
                           "id": str(cell.get("id") or ""),
                           "parameters": _is_parameters(cell) or (ca is not None and _is_parameters(ca))}
    if status == "unchanged":
        row["source"] = _text(cell.get("source"))
        row["execution_count"] = [ca.get("execution_count") if ca else None, cb.get("execution_count") if cb else None]
        return row
    if status in ("added", "removed"):
        row["source"] = _text(cell.get("source"))
        row["outputs"] = _outputs(cell)
        return row
    assert ca is not None and cb is not None and patch is not None
    keys = {str(p["key"]) for p in patch}
    source_a, source_b = _text(ca.get("source")), _text(cb.get("source"))
    row["source"] = source_b
    row["source_changed"] = "source" in keys
    if row["source_changed"]:
        row["source_diff"] = _line_diff(source_a, source_b)
    row["outputs_changed"] = "outputs" in keys
    if row["outputs_changed"]:
        row["outputs_a"], row["outputs_b"] = _outputs(ca), _outputs(cb)
    row["metadata_changed"] = sorted(keys - {"source", "outputs", "execution_count", "id"})
    row["execution_count"] = [ca.get("execution_count"), cb.get("execution_count")]
    return row
