"""A process that renders notebooks to HTML (nbconvert), so the kernel never does.

nbconvert is pure Python: rendering in a kernel thread would hold the GIL for seconds and slow the
user's cells. Importing it costs seconds too (nbformat imports jsonschema, whose optional format
checkers build grammars at import), so one worker per kernel is started on the first snapshot and
serves every later one. It reads one JSON request per line on stdin::

    {"in": "<path of a redacted .ipynb>", "out": "<path to write the .html>", "title": "..."}

and answers one line on stdout: ``{"ok": true, "seconds": 0.4}`` or ``{"ok": false, "error": "..."}``.
It ends when stdin closes (the kernel went away).
"""
from __future__ import annotations

import json
import sys
import threading
import time
from typing import IO, Any

_lock = threading.Lock()
_worker: Any = None


def _serve(stdin: IO[str], stdout: IO[str]) -> None:
    # This process only renders notebooks; the IRI format checker (a grammar built at import,
    # seconds of CPU) is never used by nbformat's schema.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    import nbformat
    from nbconvert import HTMLExporter
    from nbformat.v4.rwbase import rejoin_lines

    exporter = HTMLExporter(template_name="lab")
    for line in stdin:
        if not line.strip():
            continue
        started = time.perf_counter()
        try:
            request = json.loads(line)
            with open(request["in"], encoding="utf-8") as fh:
                nb = rejoin_lines(nbformat.from_dict(json.load(fh)))
            body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": request.get("title", "")}})
            with open(request["out"], "w", encoding="utf-8") as fh:
                fh.write(body)
            answer = {"ok": True, "seconds": time.perf_counter() - started}
        except Exception as exc:
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        stdout.write(json.dumps(answer) + "\n")
        stdout.flush()


def render(ipynb_path: str, html_path: str, title: str = "", timeout: float = 300.0) -> None:
    """Render ``ipynb_path`` to ``html_path`` in the worker (started on first use)."""
    import subprocess

    global _worker
    with _lock:
        if _worker is None or _worker.poll() is not None:
            _worker = subprocess.Popen([sys.executable, "-m", "jupyter_ext.notebook.render_worker"],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        worker = _worker
        worker.stdin.write(json.dumps({"in": ipynb_path, "out": html_path, "title": title}) + "\n")
        worker.stdin.flush()
        answer_line = _read_line(worker, timeout)
    answer = json.loads(answer_line) if answer_line else {"ok": False, "error": "the render worker stopped"}
    if not answer.get("ok"):
        raise RuntimeError(f"HTML rendering failed: {answer.get('error')}")


def _read_line(worker: Any, timeout: float) -> str:
    result: list[str] = []
    reader = threading.Thread(target=lambda: result.append(worker.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    if reader.is_alive():
        worker.kill()
        raise TimeoutError(f"HTML rendering took more than {timeout:.0f} s")
    return result[0] if result else ""


def stop() -> None:
    global _worker
    with _lock:
        if _worker is not None and _worker.poll() is None:
            _worker.stdin.close()
            try:
                _worker.wait(timeout=5)
            except Exception:
                _worker.kill()
        _worker = None


if __name__ == "__main__":
    import signal

    # An interrupt of the kernel (the stop button) reaches its whole process group; a render in
    # progress should finish, and the worker ends when the kernel closes its stdin.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _serve(sys.stdin, sys.stdout)
