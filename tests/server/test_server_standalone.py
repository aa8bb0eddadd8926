"""`jupyter track server` as a user runs it, and the extension switched on by its shipped config."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER_TRACK_", "CLEARML_"))}
    env.update(JUPYTER_TRACK_HOME=str(tmp_path / "home"), JUPYTER_TRACK_CONFIG_FILE=str(tmp_path / "none.toml"),
               CLEARML_CONFIG_FILE=str(tmp_path / "none.conf"), PYTHONUNBUFFERED="1")
    return env


def _wait_for_line(proc: subprocess.Popen[str], pattern: str, timeout: float = 60.0) -> re.Match[str]:
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    seen = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            if proc.poll() is not None:
                break
            continue
        seen.append(line)
        found = re.search(pattern, line)
        if found:
            return found
    raise AssertionError(f"no line matching {pattern!r}; output:\n{''.join(seen)}")


def _wait_until_listening(url: str, timeout: float = 30.0) -> None:
    """Jupyter prints its URL a moment before the socket accepts connections."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            requests.head(url, timeout=5)
            return
        except requests.exceptions.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


@pytest.fixture
def server_process(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str, Path]]:
    store = tmp_path / "team" / "track.db"
    store.parent.mkdir()
    cmd = [sys.executable, "-m", "jupyter_ext.cli.main", "server", "--ip", "127.0.0.1", "--port", "0",
           "--store", f"sqlite:///{store}"]
    proc = subprocess.Popen(cmd, env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = _wait_for_line(proc, r"(http://127\.0\.0\.1:\d+)/track/api/v1/").group(1)
        yield proc, url, store
    finally:
        _stop(proc)


def test_standalone_server_serves_keys_only(server_process: Any, tmp_path: Path) -> None:
    from jupyter_ext.client.http import HttpBackend
    from jupyter_ext.core import keys
    from jupyter_ext.store.meta import MetaStore

    _, url, store_path = server_process
    assert requests.get(url + "/track/api/v1/tasks", timeout=10).status_code == 401
    meta = MetaStore.open(f"sqlite:///{store_path}")
    try:
        access, secret = keys.create(meta, "cli test")
    finally:
        meta.close()
    backend = HttpBackend(url, access, secret)
    try:
        row = backend.create_task({"name": "team run", "project": "Team"})
        assert backend.get_task(row.id).name == "team run"
        sha, _ = backend.put_blob(b"bytes beside the store")
    finally:
        backend.close()
    assert list((store_path.parent / "blobs").rglob(sha))  # --blobs defaults to blobs/ beside a SQLite store


@pytest.mark.slow
def test_standalone_server_speaks_tls(tmp_path: Path) -> None:
    from jupyter_ext.client.http import HttpBackend
    from jupyter_ext.errors import Unavailable

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                           "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                           "-out", str(cert)], capture_output=True, text=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"openssl cannot make a test certificate here: {made.stderr[:200]}")
    store = tmp_path / "tls.db"
    cmd = [sys.executable, "-m", "jupyter_ext.cli.main", "server", "--port", "0", "--store", f"sqlite:///{store}",
           "--certfile", str(cert), "--keyfile", str(key)]
    proc = subprocess.Popen(cmd, env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = _wait_for_line(proc, r"(https://127\.0\.0\.1:\d+)/").group(1)
        from jupyter_ext.core import keys
        from jupyter_ext.store.meta import MetaStore

        meta = MetaStore.open(f"sqlite:///{store}")
        access, secret = keys.create(meta, "tls")
        meta.close()
        untrusted = HttpBackend(url, access, secret)
        with pytest.raises(Unavailable, match="verify_certificate"):
            untrusted.list_projects()
        untrusted.close()
        trusted = HttpBackend(url, access, secret, verify=str(cert))
        assert trusted.list_projects() == []
        trusted.close()
    finally:
        _stop(proc)


@pytest.mark.slow
def test_extension_is_enabled_by_its_shipped_config(tmp_path: Path) -> None:
    """The file pip installs into etc/jupyter/jupyter_server_config.d switches the API on."""
    shipped = ROOT / "jupyter-config" / "jupyter_server_config.d" / "jupyter_ext.json"
    assert json.loads(shipped.read_text())["ServerApp"]["jpserver_extensions"] == {"jupyter_ext.server": True}
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert ('"jupyter-config/jupyter_server_config.d/jupyter_ext.json" = '
            '"etc/jupyter/jupyter_server_config.d/jupyter_ext.json"') in pyproject
    env = _env(tmp_path)
    env.update(JUPYTER_CONFIG_PATH=str(ROOT / "jupyter-config"), JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"),
               JUPYTER_DATA_DIR=str(tmp_path / "data"), JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"))
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cmd = [sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
           "--IdentityProvider.token=secret-token", "--allow-root", f"--ServerApp.root_dir={tmp_path}",
           "--ServerApp.base_url=/hub/user/ann/"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = _wait_for_line(proc, r"(http://127\.0\.0\.1:\d+/hub/user/ann/)\?token").group(1)
        api = url + "track/api/v1/"
        _wait_until_listening(api + "tasks")
        assert requests.get(api + "tasks", timeout=10).status_code == 401
        ok = requests.get(api + "tasks", headers={"Authorization": "token secret-token"}, timeout=10)
        assert ok.status_code == 200 and ok.json() == {"items": [], "total": 0}
    finally:
        _stop(proc)
