"""Rich previews of artifacts, models and datasets in a notebook.

An artifact shows as what it holds: a table for DataFrames and CSV files, the picture for an
image, a collapsible tree for JSON and dicts, text for text, and HTML inside an iframe whose
``sandbox`` forbids scripts, forms and same-origin access (stored HTML is somebody's content,
not ours). Everything is plain HTML or PNG, so saved notebooks and GitHub show it too.
"""
from __future__ import annotations

import base64
import html
import json
import os
from typing import Any

MAX_BYTES = 20 * 1024 * 1024  # larger files are not read for a preview; their text preview is shown
MAX_ROWS = 50
MAX_TEXT = 64 * 1024
MAX_CHARTS = 8  # a model preview's scalar panels; get_reported_scalars() has them all
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif"}


def _card(title: str, rows: list[tuple[str, Any]], body: str = "") -> str:
    cells = "".join(f"<tr><th style='text-align:left;padding-right:12px'>{html.escape(k)}</th>"
                    f"<td style='text-align:left'>{html.escape(str(v))}</td></tr>"
                    for k, v in rows if v not in (None, ""))
    return f"<div class='jupyter-track-preview'><b>{html.escape(title)}</b><table>{cells}</table>{body}</div>"


# -- artifacts --------------------------------------------------------------------------------------
def artifact_bundle(artifact: Any) -> dict[str, Any]:
    """``{mime: data}`` for an Artifact."""
    head = _card(f"Artifact {artifact.name!r}", [("type", artifact.type), ("file", artifact.file_name),
                                                 ("size", artifact.size), ("task", artifact.task_id),
                                                 ("metadata", json.dumps(artifact.metadata) if artifact.metadata
                                                  else "")])
    data: dict[str, Any] = {"text/plain": repr(artifact)}
    try:
        body, extra = _artifact_body(artifact)
    except Exception as exc:  # noqa: BLE001 - a preview must never fail the cell: say why it is missing
        body, extra = f"<p><i>no preview: {html.escape(f'{type(exc).__name__}: {exc}')}</i></p>", {}
    data["text/html"] = head + body
    data.update(extra)
    return data


def _artifact_body(artifact: Any) -> tuple[str, dict[str, Any]]:
    name = artifact.file_name.lower()
    kind = artifact.type
    if artifact.size > MAX_BYTES or (not artifact.size and not artifact.url):
        return _pre(artifact.preview), {}
    ext = os.path.splitext(name[:-3] if name.endswith(".gz") else name)[1]
    if kind in ("pandas", "data-audit-table") or ext in (".csv", ".tsv", ".parquet"):
        return table_html(_dataframe(artifact, ext)), {}
    if kind == "image" or ext in IMAGE_TYPES:
        path = artifact.get_local_copy(raise_on_error=True)
        with open(path, "rb") as fh:
            raw = fh.read()
        mime = IMAGE_TYPES.get(ext, "image/png")
        b64 = base64.b64encode(raw).decode("ascii")
        return f"<img src='data:{mime};base64,{b64}' style='max-width:100%'/>", {mime: b64}
    if kind == "dict" or ext == ".json":
        path = artifact.get_local_copy(raise_on_error=True)
        with open(path, encoding="utf-8") as fh:
            return json_tree_html(json.load(fh)), {}
    if ext in (".html", ".htm"):
        path = artifact.get_local_copy(raise_on_error=True)
        with open(path, encoding="utf-8", errors="replace") as fh:
            return sandboxed_iframe(fh.read()), {}
    if kind == "string" or ext in (".txt", ".md", ".log", ".py", ".yaml", ".yml", ".cfg", ".ini", ""):
        path = artifact.get_local_copy(raise_on_error=True)
        with open(path, encoding="utf-8", errors="replace") as fh:
            return _pre(fh.read(MAX_TEXT)), {}
    return _pre(artifact.preview), {}


def _dataframe(artifact: Any, ext: str) -> Any:
    import pandas as pd

    if artifact.type in ("pandas", "data-audit-table") and not artifact.file_name.endswith((".pkl", ".pickle")):
        return artifact.get()
    path = artifact.get_local_copy(raise_on_error=True)
    if ext == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path, sep="\t" if ext == ".tsv" else ",", nrows=MAX_ROWS * 20)


def table_html(df: Any) -> str:
    shape = getattr(df, "shape", None)
    note = f"<p><small>{shape[0]} rows × {shape[1]} columns" if shape else "<p><small>"
    note += f", first {MAX_ROWS} shown</small></p>" if shape and shape[0] > MAX_ROWS else "</small></p>"
    html: str = df.head(MAX_ROWS).to_html(max_cols=40, border=0)
    return html + note


def json_tree_html(value: Any, key: str = "", depth: int = 0) -> str:
    """A collapsible tree (``<details>``), open for the first two levels; no script needed."""
    label = f"<b>{html.escape(key)}</b>: " if key else ""
    if isinstance(value, (dict, list)):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        count = len(value)
        kids = "".join(f"<li>{json_tree_html(v, str(k), depth + 1)}</li>" for k, v in list(items)[:500])
        more = f"<li><i>… {count - 500} more</i></li>" if count > 500 else ""
        brackets = "{…}" if isinstance(value, dict) else "[…]"
        opened = " open" if depth < 2 else ""
        return (f"<details{opened}><summary>{label}{brackets} <small>{count} items</small></summary>"
                f"<ul style='list-style:none;padding-left:16px;margin:0'>{kids}{more}</ul></details>")
    return f"{label}<code>{html.escape(json.dumps(value, default=str))}</code>"


def sandboxed_iframe(content: str, height: int = 360) -> str:
    """``content`` in an iframe that may not run scripts, submit forms or reach our origin."""
    return (f"<iframe sandbox='' referrerpolicy='no-referrer' srcdoc=\"{html.escape(content, quote=True)}\" "
            f"style='width:100%;height:{height}px;border:1px solid #ddd'></iframe>")


def _pre(text: str) -> str:
    text = text or ""
    cut = len(text) > MAX_TEXT
    return f"<pre style='max-height:360px;overflow:auto'>{html.escape(text[:MAX_TEXT])}{' …' if cut else ''}</pre>"


# -- models and datasets ----------------------------------------------------------------------------
def model_bundle(model: Any) -> dict[str, Any]:
    rows = [("id", model.id), ("project", model.project_name), ("framework", model.framework),
            ("version", model.version), ("tags", ", ".join(model.tags)), ("task", model.task),
            ("published", model.published), ("size", model.size), ("url", model.url)]
    body = ""
    labels = model.labels
    if labels:
        body += "<p><b>Labels</b></p>" + json_tree_html(labels)
    meta = model.get_all_metadata()
    if meta:
        body += "<p><b>Metadata</b></p>" + json_tree_html(meta)
    if model.config_text:
        body += "<p><b>Design</b></p>" + _pre(model.config_text)
    try:
        body += model_metrics_html(model.get_reported_single_values(), model.get_reported_scalars())
    except Exception as exc:  # noqa: BLE001 - a preview must never fail the cell: say why the metrics are missing
        body += f"<p><i>no metrics: {html.escape(f'{type(exc).__name__}: {exc}')}</i></p>"
    return {"text/plain": repr(model), "text/html": _card(f"Model {model.name!r}", rows, body)}


def model_metrics_html(single_values: dict[str, float], scalars: dict[str, dict[str, dict[str, list[Any]]]]) -> str:
    """A table of the single values and a chart panel per scalar title (a PNG, like the task's
    static plot, so saved notebooks and GitHub show it too); "" when there are none."""
    from jupyter_ext.notebook.live_plot.png import charts_of, img_tag, scalar_png

    out = ""
    if single_values:
        cells = "".join(f"<tr><td style='text-align:left'>{html.escape(k)}</td><td>{v:.6g}</td></tr>"
                        for k, v in list(single_values.items())[:MAX_ROWS])
        out += f"<p><b>Single values</b></p><table><tr><th>name</th><th>value</th></tr>{cells}</table>"
    if scalars:
        shown = list(scalars)[:MAX_CHARTS]
        series = [(title, name, s["x"], s["y"]) for title in shown for name, s in scalars[title].items()]
        out += "<p><b>Scalars</b></p>" + img_tag(scalar_png(charts_of(series)), "the model's scalars")
        if len(scalars) > len(shown):
            out += f"<p><small>first {len(shown)} of {len(scalars)} charts</small></p>"
    return out


def dataset_bundle(dataset: Any) -> dict[str, Any]:
    entries = dataset.file_entries
    total = sum(e.size for e in entries)
    rows = [("id", dataset.id), ("project", dataset.project), ("version", dataset.version),
            ("files", len(entries)), ("bytes", total), ("parents", ", ".join(dataset.parent_ids)),
            ("tags", ", ".join(dataset.tags)), ("description", dataset.description)]
    listing = "".join(f"<tr><td style='text-align:left'>{html.escape(e.relative_path)}</td><td>{e.size}</td>"
                      f"<td>{html.escape(e.state)}</td></tr>" for e in entries[:MAX_ROWS])
    more = f"<p><small>first {MAX_ROWS} of {len(entries)} files</small></p>" if len(entries) > MAX_ROWS else ""
    body = f"<table><tr><th>path</th><th>size</th><th>state</th></tr>{listing}</table>{more}"
    return {"text/plain": repr(dataset), "text/html": _card(f"Dataset {dataset.name!r}", rows, body)}


def show(obj: Any) -> None:
    """Display the preview of an Artifact, Model or Dataset."""
    from IPython.display import display

    display(bundle(obj), raw=True)


def bundle(obj: Any) -> dict[str, Any]:
    from jupyter_ext.sdk.artifacts.artifact import Artifact
    from jupyter_ext.sdk.datasets.dataset import Dataset

    if isinstance(obj, Artifact):
        return artifact_bundle(obj)
    if isinstance(obj, Dataset):
        return dataset_bundle(obj)
    return model_bundle(obj)
