"""A pipeline run as a cell value: its DAG as inline SVG, one box per step coloured by status.

Plain SVG in HTML (no script), so it shows in JupyterLab, saved notebooks and their HTML
snapshots alike. Steps are laid out by level (a step right of all its parents).
"""
from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from jupyter_ext.core.rules import pipelines

COLORS = {
    "completed": "#2e7d32", "published": "#1b5e20", "cached": "#558b2f", "in_progress": "#1565c0",
    "queued": "#6a1b9a", "created": "#757575", "pending": "#9e9e9e", "failed": "#c62828",
    "stopped": "#ef6c00", "skipped": "#bdbdbd", "aborted": "#ef6c00",
}
BOX_W, BOX_H, GAP_X, GAP_Y, PAD = 170, 54, 60, 20, 12


def _duration(seconds: Any) -> str:
    if seconds is None:
        return ""
    s = float(seconds)
    return f"{s:.1f} s" if s < 60 else f"{s / 60:.1f} min" if s < 3600 else f"{s / 3600:.1f} h"


def pipeline_html(view: Mapping[str, Any]) -> str:
    """``Backend.get_pipeline``'s answer as an HTML fragment."""
    nodes = {n["name"]: n for n in view.get("nodes") or ()}
    levels = pipelines.check_dag({name: [p for p in n["parents"] if p in nodes] for name, n in nodes.items()}) \
        if nodes else []
    pos: dict[str, tuple[int, int]] = {}
    for li, level in enumerate(levels):
        for ri, name in enumerate(level):
            pos[name] = (PAD + li * (BOX_W + GAP_X), PAD + ri * (BOX_H + GAP_Y))
    width = PAD * 2 + max(1, len(levels)) * (BOX_W + GAP_X) - GAP_X
    height = PAD * 2 + max([len(lv) for lv in levels] or [1]) * (BOX_H + GAP_Y) - GAP_Y
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'font-family="sans-serif" font-size="12">',
             '<defs><marker id="je-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" '
             'markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#888"/></marker></defs>']
    for parent, child in view.get("edges") or ():
        if parent in pos and child in pos:
            (x1, y1), (x2, y2) = pos[parent], pos[child]
            parts.append(f'<line x1="{x1 + BOX_W}" y1="{y1 + BOX_H // 2}" x2="{x2}" y2="{y2 + BOX_H // 2}" '
                         f'stroke="#888" stroke-width="1.5" marker-end="url(#je-arrow)"/>')
    for name, (x, y) in pos.items():
        n = nodes[name]
        status = str(n.get("status") or "pending")
        color = COLORS.get(status, "#757575")
        tip = html.escape(f"{name}: {status}" + (f" — {n.get('status_reason')}" if n.get("status_reason") else "")
                          + (f" (task {n['task_id']})" if n.get("task_id") else ""))
        extra = " · ".join(x for x in (status, _duration(n.get("duration")), n.get("queue") or "") if x)
        parts.append(f'<g data-step="{html.escape(name)}" data-status="{html.escape(status)}"><title>{tip}</title>'
                     f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="8" fill="#fff" '
                     f'stroke="{color}" stroke-width="3"/>'
                     f'<text x="{x + 10}" y="{y + 22}" font-weight="bold">{html.escape(name[:22])}</text>'
                     f'<text x="{x + 10}" y="{y + 40}" fill="{color}">{html.escape(extra[:28])}</text></g>')
    parts.append("</svg>")
    task = view.get("task") or {}
    title = html.escape(f"{task.get('name', '')} — {task.get('status', '')}")
    reason = task.get("status_reason")
    note = f'<div style="color:#c62828">{html.escape(str(reason))}</div>' if reason else ""
    return (f'<div class="jupyter-ext-pipeline" data-task-id="{html.escape(str(task.get("id", "")))}">'
            f'<div><b>Pipeline</b> {title} <code>{html.escape(str(task.get("id", "")))}</code></div>{note}'
            f'{"".join(parts)}</div>')
