"""A real token-protected Jupyter server: its kernels find their notebook (and follow a rename)
through the sessions API, and load ``%track`` by themselves once the autoload hook is installed."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import kernel_env

pytestmark = pytest.mark.slow  # a Jupyter server started as a process, with kernels

TOKEN = "t0ken-for-tests-only"
PROBE = '''
def _jupyter_server_extension_points():
    return [{"module": "autoload_probe"}]


def _load_jupyter_server_extension(server_app):
    from jupyter_ext.notebook import autoload

    autoload.install(server_app)
'''


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, url: str, runtime: Path, proc: subprocess.Popen[bytes]) -> None:
        self.url, self.runtime, self.proc = url, runtime, proc

    def api(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            text = resp.read().decode()
        return json.loads(text) if text else None


@pytest.fixture
def server(tmp_path: Path, nb_home: Path) -> Iterator[Server]:
    root, runtime, ext = tmp_path / "root", tmp_path / "runtime", tmp_path / "ext"
    for d in (root / "sub", runtime, ext):
        d.mkdir(parents=True)
    (ext / "autoload_probe.py").write_text(PROBE)
    (root / "sub" / "My Notebook.ipynb").write_text(json.dumps(
        {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    config = tmp_path / "server_config.py"
    config.write_text("c.ServerApp.jpserver_extensions = {'autoload_probe': True}\n")
    port = _free_port()
    env = kernel_env(nb_home, JUPYTER_RUNTIME_DIR=str(runtime),
                     PYTHONPATH=os.pathsep.join([str(ext), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen([sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}",
                             "--ip=127.0.0.1", "--allow-root", f"--IdentityProvider.token={TOKEN}",
                             f"--ServerApp.root_dir={root}",
                             f"--config={config}"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    srv = Server(url, runtime, proc)
    deadline = time.monotonic() + 60
    while True:
        try:
            srv.api("GET", "api/status")
            break
        except Exception as exc:  # noqa: BLE001 - any failure means "not up yet" until the deadline
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("jupyter server did not start: " + proc.stderr.read().decode()[-2000:]) from exc
            time.sleep(0.3)
    try:
        yield srv
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _wait_for_kernel(kc: Any, timeout: float = 90.0) -> None:
    """Ask for kernel_info until it answers (the heartbeat check of wait_for_ready misfires when
    the machine is busy and the kernel is still starting)."""
    import queue

    deadline = time.monotonic() + timeout
    while True:
        kc.kernel_info()
        try:
            reply = kc.get_shell_msg(timeout=5)
            if reply["msg_type"] == "kernel_info_reply":
                return
        except queue.Empty:
            pass
        assert time.monotonic() < deadline, "the kernel started by the server never answered"


def _run(kc: Any, code: str) -> str:
    msg_id = kc.execute(code)
    out = []
    while True:
        msg = kc.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        if msg["msg_type"] == "error":
            raise AssertionError("\n".join(msg["content"]["traceback"]))
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return "".join(out)


def test_kernel_of_a_token_protected_server_finds_its_notebook_and_loads_track(server: Server,
                                                                                  tmp_path: Path) -> None:
    from jupyter_client import BlockingKernelClient

    session = server.api("POST", "api/sessions", {"path": "sub/My Notebook.ipynb", "type": "notebook",
                                                  "name": "My Notebook.ipynb", "kernel": {"name": "python3"}})
    kid = session["kernel"]["id"]
    kc = BlockingKernelClient()
    kc.load_connection_file(str(server.runtime / f"kernel-{kid}.json"))
    kc.start_channels()
    try:
        _wait_for_kernel(kc)
        probe = "from jupyter_ext.notebook.snapshot import path\nprint(repr(path.detect(get_ipython().user_ns)))"
        assert _run(kc, "print(get_ipython().find_line_magic('track') is not None)").strip() == "True"
        root = tmp_path / "root"
        assert _run(kc, probe).strip() == repr((str(root / "sub" / "My Notebook.ipynb"), "sessions-api"))
        # A rename in the frontend updates the session; the kernel's JPY_SESSION_NAME stays stale.
        (root / "sub" / "My Notebook.ipynb").rename(root / "sub" / "Renamed.ipynb")
        server.api("PATCH", f"api/sessions/{session['id']}", {"path": "sub/Renamed.ipynb", "name": "Renamed.ipynb"})
        assert _run(kc, probe).strip() == repr((str(root / "sub" / "Renamed.ipynb"), "sessions-api"))
        out = _run(kc, "%track")
        assert "(sub / Renamed)" in out
        _run(kc, "%track off")
    finally:
        kc.stop_channels()
        server.api("DELETE", f"api/sessions/{session['id']}")


def test_autoload_env_keeps_the_users_startup_file() -> None:
    from jupyter_ext.notebook import autoload

    env = autoload.kernel_env({"PYTHONSTARTUP": "/home/me/startup.py", "PATH": "/bin"})
    assert env["PYTHONSTARTUP"] == autoload.STARTUP_FILE
    assert env[autoload.CHAIN_VAR] == "/home/me/startup.py"
    assert env[autoload.AUTOLOAD_VAR] == "1" and env["PATH"] == "/bin"
    assert autoload.kernel_env({"JUPYTER_TRACK_AUTOLOAD": "0"}) == {"JUPYTER_TRACK_AUTOLOAD": "0"}
