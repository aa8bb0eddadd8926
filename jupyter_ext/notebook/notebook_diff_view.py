"""The "Notebook" part of ``jupyter_ext.compare``: two runs' notebooks diffed cell by cell
(client/notebook_diff.py, nbdime's model) as an HTML fragment; unchanged cells are folded."""
from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

_STYLE = ("<style>.je-nbdiff{font:12px/1.45 monospace}.je-nbdiff .row{border:1px solid #ddd;margin:4px 0;"
          "border-radius:4px}.je-nbdiff .head{font:12px sans-serif;padding:2px 6px;background:#f4f4f4}"
          ".je-nbdiff .params{border-color:#f9ab00;box-shadow:0 0 0 1px #f9ab00}"
          ".je-nbdiff .add{background:#e6ffed}.je-nbdiff .del{background:#ffeef0}"
          ".je-nbdiff pre{margin:0;padding:2px 6px;white-space:pre-wrap}"
          ".je-nbdiff .outs{display:flex;gap:6px}.je-nbdiff .outs>div{flex:1;min-width:0}</style>")


def _outputs(items: list[Mapping[str, Any]], cls: str) -> str:
    parts = []
    for o in items:
        if o.get("image"):
            parts.append(f"<img class='{cls}' style='max-width:100%' src='{html.escape(str(o['image']))}'>")
        else:
            parts.append(f"<pre class='{cls}'>{html.escape(str(o.get('text') or ''))}</pre>")
    return "".join(parts) or "<pre><i>no output</i></pre>"


def render(diff: Mapping[str, Any], names: tuple[str, str]) -> str:
    counts = diff.get("counts") or {}
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()) if k != "unchanged") or "no change"
    parts = [_STYLE, f"<div class='je-nbdiff'><div class='head'>{html.escape(names[0])} → {html.escape(names[1])}: "
                     f"{html.escape(summary)} ({counts.get('unchanged', 0)} cells unchanged, folded)</div>"]
    for row in diff.get("rows") or []:
        status = row["status"]
        if status == "unchanged":
            continue
        where = f"cell {row['b'] + 1 if row.get('b') is not None else row['a'] + 1}"
        params = " params" if row.get("parameters") else ""
        label = f"{where} {status}" + (" · parameters" if row.get("parameters") else "")
        parts.append(f"<div class='row{params}' data-status='{status}'><div class='head'>{html.escape(label)}</div>")
        if status in ("added", "removed"):
            cls = "add" if status == "added" else "del"
            parts.append(f"<pre class='{cls}'>{html.escape(str(row.get('source') or ''))}</pre>")
            parts.append(_outputs(row.get("outputs") or [], cls))
        else:
            if row.get("source_changed"):
                for tag, text in row.get("source_diff") or []:
                    cls = {"+": "add", "-": "del"}.get(tag, "")
                    parts.append(f"<pre class='{cls}'>{html.escape(tag if tag != '=' else ' ')} {html.escape(text)}"
                                 "</pre>")
            if row.get("outputs_changed"):
                parts.append("<div class='outs'><div>" + _outputs(row.get("outputs_a") or [], "del") + "</div><div>"
                             + _outputs(row.get("outputs_b") or [], "add") + "</div></div>")
            if row.get("metadata_changed"):
                parts.append(f"<pre>metadata: {html.escape(', '.join(row['metadata_changed']))}</pre>")
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)
