"""The kernel end of the ``jupyter_ext.snapshot`` comm: the frontend's live copy of the notebook.

Only the frontend knows the notebook's current path (after a rename) and its unsaved edits. The
JupyterLab extension opens a comm to this target when the kernel attaches and sends::

    frontend -> kernel   {"path": "<path>", "content": <nbformat v4 dict> | null}

``path`` is absolute, or relative to the kernel's working directory; send it on attach and on
every rename (``content`` may be null then). Send ``content`` whenever the kernel asks::

    kernel -> frontend   {"request": "content"}

which it does right before a snapshot; the kernel waits up to a couple of seconds for the
answer and otherwise reads the saved file. The kernel answers nothing: a comm message is one way.
"""
from __future__ import annotations

import threading
import time
from typing import Any

TARGET = "jupyter_ext.snapshot"

_lock = threading.Lock()
_state: dict[str, Any] = {"comm": None, "doc": None, "doc_time": 0.0}
_arrived = threading.Condition(_lock)


def register(shell: Any = None) -> bool:
    """Register the comm target on this kernel (idempotent). False outside a kernel."""
    try:
        from comm import get_comm_manager

        manager = get_comm_manager()
    except Exception:  # noqa: BLE001 - no kernel comm manager: no live document
        return False
    if manager is None:
        return False
    manager.register_target(TARGET, _on_open)
    return True


def _on_open(comm: Any, open_msg: dict[str, Any]) -> None:
    with _lock:
        _state["comm"] = comm
    comm.on_msg(_on_msg)
    comm.on_close(lambda _msg: _forget(comm))
    data = (open_msg.get("content") or {}).get("data") or {}
    if data:
        handle(data)


def _forget(comm: Any) -> None:
    with _lock:
        if _state["comm"] is comm:
            _state["comm"] = None


def _on_msg(msg: dict[str, Any]) -> None:
    handle((msg.get("content") or {}).get("data") or {})


def handle(data: dict[str, Any]) -> None:
    """Take one message from the frontend: ``{"path": ..., "content": ...}``."""
    from jupyter_ext.notebook.snapshot import path as notebook_path

    path = data.get("path")
    if isinstance(path, str) and path:
        before = notebook_path.pushed_path()
        notebook_path.set_pushed_path(path)
        if notebook_path.pushed_path() != before:
            from jupyter_ext.notebook import run

            run.follow_rename()  # the task's record follows the notebook's new name
    content = data.get("content")
    if isinstance(content, dict) and isinstance(content.get("cells"), list):
        with _arrived:
            _state["doc"] = content
            _state["doc_time"] = time.time()
            _arrived.notify_all()


def connected() -> bool:
    return _state["comm"] is not None


def latest(*, request: bool = False, wait: float = 0.0) -> dict[str, Any] | None:
    """The live document: asked for afresh (``request``; waits up to ``wait`` seconds for the
    answer) when a frontend is connected, else the last one it sent; None without a frontend."""
    comm = _state["comm"]
    if comm is None:
        return None
    asked_at = time.time()
    if request:
        try:
            comm.send({"request": "content"})
        except Exception:  # noqa: BLE001 - a closed comm: the last document is the answer
            return _latest()
        with _arrived:
            _arrived.wait_for(lambda: _state["doc_time"] >= asked_at, timeout=wait)
    return _latest()


def _latest() -> dict[str, Any] | None:
    doc: dict[str, Any] | None = _state["doc"]
    return doc


def reset() -> None:
    """Forget the frontend (its comm closed, or a test starts over)."""
    with _lock:
        _state.update(comm=None, doc=None, doc_time=0.0)
