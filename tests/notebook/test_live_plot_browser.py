"""The live plot's JavaScript in a real (headless) Chromium, against a stand-in model."""
from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="needs a chromium binary")
def test_live_plot_renders_and_reacts(tmp_path: Path) -> None:
    shutil.copy(ROOT / "jupyter_ext" / "notebook" / "live_plot" / "live_plot.js", tmp_path)
    shutil.copy(Path(__file__).with_name("live_plot_harness.html"), tmp_path / "index.html")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        dom = subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
                              "--virtual-time-budget=5000",
                              "--dump-dom", f"http://127.0.0.1:{server.server_address[1]}/index.html"],
                             capture_output=True, text=True, timeout=120).stdout
    finally:
        server.shutdown()
    log = dom.split('<pre id="log">', 1)[1].split("</pre>", 1)[0]
    assert "ERR" not in log and "EXC" not in log, log
    dom = log
    assert 'sent {"t":"hello"}' in dom  # a new view asks the kernel for the whole plot
    assert "charts 2" in dom and "drawn true,true" in dom
    assert "legend train:,val:0.35,val:" in dom  # the clicked series is dimmed and hidden
    # The points came as binary buffers (DataViews at an unaligned offset): each series got its own.
    assert "labels train: 5000 points, last at 4999; val: 3 points, last at 200 | val: 3 points, last at 200" in dom
    assert "done" in dom
