"""An optimizer left as a cell's value: its trials table and best trial, redrawn every few
seconds while the search runs (a display that updates in place), then once at the end."""
from __future__ import annotations

import threading
import uuid
from html import escape
from typing import Any

REFRESH_S = 2.0


def optimizer_html(opt: Any) -> str:
    """The optimizer's state as HTML: status, best trial, the trials table."""
    from jupyter_ext.sdk.automation.report import table_rows

    trials = opt.trials()
    rows = table_rows(trials, opt.names, opt.objective)
    state = "running" if opt.is_active() else "not started" if opt._loop is None else "finished"
    best = opt.get_top_experiments_details(1)
    value = best[0]["metrics"][opt.objective.title][opt.objective.series] if best else None
    summary = (f"best: trial task {best[0]['task_id'][:8]} {escape(str(best[0]['hyper_parameters']))} → "
               f"{opt.objective.title}/{opt.objective.series} = {value:g}" if best else "no objective reported yet")
    done = sum(1 for t in trials if t.finished)
    head = "".join(f"<th>{escape(str(c))}</th>" for c in rows[0][:-1])
    body = "".join("<tr>" + "".join(f"<td>{escape('' if c is None else str(c))}</td>" for c in r[:-1]) + "</tr>"
                   for r in rows[1:])
    return (f"<div><b>HyperParameterOptimizer</b> ({state}; {done} of {len(trials)} trials finished)<br>"
            f"{summary}<table><tr>{head}</tr>{body}</table></div>")


def show_optimizer(opt: Any) -> None:
    """Display ``opt`` and keep the display current until the search ends."""
    from IPython.display import HTML, display, update_display

    display_id = uuid.uuid4().hex
    display(HTML(optimizer_html(opt)), display_id=display_id)
    if not opt.is_active():
        return

    def refresh() -> None:
        while opt.is_active():
            opt._loop.finished.wait(REFRESH_S)
            update_display(HTML(optimizer_html(opt)), display_id=display_id)

    threading.Thread(target=refresh, name="jupyter-track-optimizer-view", daemon=True).start()
