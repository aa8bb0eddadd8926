"""A process that renders notebooks to HTML (nbconvert), so the kernel never does.

nbconvert is pure Python: rendering in a kernel thread would hold the GIL for seconds and slow the
user's cells. Importing it costs seconds too (nbformat imports jsonschema, whose optional format
checkers build grammars at import), so one worker per kernel is started on the first snapshot and
serves every later one. It also reads and redacts the notebook (regular expressions over every
text of it), for the same reason. It reads one JSON request per line on stdin::

    {"in": "<notebook path>", "dir": "<folder for the results>", "stem": "<name>", "skip_if": "<sha256>"}

and answers one line on stdout: ``{"ok": true, "digest", "unchanged", "ipynb", "html", "phases"}``
or ``{"ok": false, "error": "..."}``; with ``unchanged`` (the redacted copy hashes to ``skip_if``)
nothing is written.
It ends when stdin closes (the kernel went away).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
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
    import warnings

    warnings.simplefilter("ignore")  # nbformat's advice about old notebooks is for their authors, not a log
    import nbformat
    from nbconvert import HTMLExporter
    from nbformat.v4.rwbase import rejoin_lines

    exporter = _exporter(HTMLExporter)
    for line in stdin:
        if not line.strip():
            continue
        try:
            answer = _snapshot(json.loads(line), exporter, nbformat, rejoin_lines)
        except Exception as exc:  # noqa: BLE001 - sent back as the answer
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        stdout.write(json.dumps(answer) + "\n")
        stdout.flush()


def _snapshot(request: dict[str, Any], exporter: Any, nbformat: Any, rejoin_lines: Any) -> dict[str, Any]:
    """Read, redact, hash; unless unchanged, write the redacted .ipynb and render its HTML."""
    import hashlib

    from jupyter_ext.notebook.snapshot.notebook_file import dumps, read, redact

    started = time.perf_counter()
    phases: dict[str, float] = {}
    clean = redact(read(request["in"]))
    text = dumps(clean)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    phases["redact"] = time.perf_counter() - started
    if digest == request.get("skip_if"):
        return {"ok": True, "unchanged": True, "digest": digest, "phases": phases}
    stem = request.get("stem") or "notebook"
    ipynb_path = os.path.join(request["dir"], stem + ".ipynb")
    html_path = os.path.join(request["dir"], stem + ".html")
    with open(ipynb_path, "w", encoding="utf-8") as fh:
        fh.write(text)
    mark = time.perf_counter()
    nb = rejoin_lines(nbformat.from_dict(clean))
    images = _set_images_aside(nb)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": stem}})
    if images:
        body = re.sub(r"jtimg[0-9a-f]{12}n[0-9]+x", lambda m: images.get(m.group(0), m.group(0)), body)
    with open(html_path, "w", encoding="utf-8") as fh:
        fh.write(body)
    phases["render"] = time.perf_counter() - mark
    from jupyter_ext.core.rules.notebook_history import parameters_of

    code = [c for c in clean.get("cells") or [] if c.get("cell_type") == "code"]
    return {"ok": True, "unchanged": False, "digest": digest, "ipynb": ipynb_path, "html": html_path,
            "phases": phases, "cells": len(clean.get("cells") or []),
            "executed": sum(1 for c in code if c.get("execution_count") is not None),
            "parameters": parameters_of(clean)}


def _set_images_aside(nb: Any) -> dict[str, str]:
    """Swap each base64 image for a short token (put back in the HTML afterwards). nbconvert
    copies the notebook and validates it: with the images there, much of a large notebook's
    rendering time goes to moving base64 text around."""
    import secrets

    nonce = secrets.token_hex(6)
    images: dict[str, str] = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            for mime in ("image/png", "image/jpeg", "image/gif", "image/webp"):
                value = data.get(mime)
                if isinstance(value, str) and len(value) > 1024:
                    token = f"jtimg{nonce}n{len(images)}x"
                    images[token] = value
                    data[mime] = token
    return images


class _Highlighted(str):
    """HTML made by pygments from a cell's source (every character of the code escaped)."""


def _exporter(html_exporter: Any) -> Any:
    """nbconvert's HTML exporter, ``lab`` template, minus two costs that do not change what a
    reader sees: re-parsing the finished page with BeautifulSoup (it only adds ``alt`` and
    ``tabindex`` attributes; about a second for a few MB) and sanitising pygments' output of every
    code cell (pygments escapes the code; bleach would rebuild an html5lib parser per cell).
    Falls back to the stock exporter when nbconvert's insides differ from what this expects."""
    try:
        from nbconvert.exporters.templateexporter import TemplateExporter
        from nbconvert.filters.highlight import Highlight2HTML
        from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
    except ImportError:
        return html_exporter(template_name="lab")

    class SnapshotExporter(html_exporter):  # type: ignore[misc]
        def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> Any:
            lang = nb.metadata.get("language_info", {})
            lexer = lang.get("pygments_lexer", lang.get("name", None))
            resources = self._init_resources(resources)
            highlight = Highlight2HTML(pygments_lexer=lexer, parent=self)
            self.register_filter("highlight_code", lambda *a, **k: _Highlighted(highlight(*a, **k)))
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    exporter = SnapshotExporter(template_name="lab")
    exporter.register_filter("clean_html", _reused_cleaner())
    return exporter


def _reused_cleaner() -> Any:
    """nbconvert's ``clean_html`` filter with the same rules, but one bleach Cleaner for every
    call: nbconvert builds a new one (an html5lib parser) per code cell."""
    import bleach
    from nbconvert.filters.strings import _get_default_css_sanitizer  # type: ignore[attr-defined]  # private: clean_html's own rules

    kwargs: dict[str, Any] = {}
    css_sanitizer = _get_default_css_sanitizer()
    if css_sanitizer:
        kwargs["css_sanitizer"] = css_sanitizer
    cleaner = bleach.sanitizer.Cleaner(tags=[*bleach.ALLOWED_TAGS, "div", "pre", "code", "span", "table", "tr", "td"],
                                       attributes={**bleach.ALLOWED_ATTRIBUTES, "*": ["class", "id"]}, **kwargs)

    def clean_html(element: Any) -> str:
        if isinstance(element, _Highlighted):  # pygments' own output: the code in it is escaped
            return str(element)
        return str(cleaner.clean(element.decode() if isinstance(element, bytes) else str(element)))

    return clean_html


def snapshot(source: str, folder: str, stem: str, skip_if: str | None = None,
             timeout: float = 300.0) -> dict[str, Any]:
    """Redact the notebook at ``source`` and render it, in the worker (started on first use).

    Returns ``{"digest", "unchanged"}`` and, when changed, the paths of ``<folder>/<stem>.ipynb``
    (redacted) and ``<folder>/<stem>.html``. ``skip_if``: the digest of the last stored copy."""
    import subprocess

    global _worker
    request = {"in": source, "dir": folder, "stem": stem, "skip_if": skip_if}
    with _lock:
        if _worker is None or _worker.poll() is not None:
            _worker = subprocess.Popen([sys.executable, "-m", "jupyter_ext.notebook.snapshot.render_worker"],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        worker = _worker
        worker.stdin.write(json.dumps(request) + "\n")
        worker.stdin.flush()
        answer_line = _read_line(worker, timeout)
    answer: dict[str, Any] = json.loads(answer_line) if answer_line else {"ok": False, "error": "the worker stopped"}
    if not answer.get("ok"):
        raise RuntimeError(f"snapshot failed in the render worker: {answer.get('error')}")
    return answer


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
            except subprocess.TimeoutExpired:
                _worker.kill()
        _worker = None


if __name__ == "__main__":
    import signal

    # An interrupt of the kernel (the stop button) reaches its whole process group; a render in
    # progress should finish, and the worker ends when the kernel closes its stdin.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _serve(sys.stdin, sys.stdout)
