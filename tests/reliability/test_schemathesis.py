"""A bounded schemathesis run against the live server: no generated request gets a 5xx."""
from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jupyter_ext.server.background import BackgroundServer
from jupyter_ext.wire.openapi import document
from jupyter_ext.wire.routes import API_PREFIX

pytest.importorskip("schemathesis")


@pytest.mark.slow
def test_no_generated_request_gets_a_server_error(server: BackgroundServer, tmp_path: Path) -> None:
    import json

    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(document()), encoding="utf-8")
    access, secret = server.create_key("schemathesis")
    token = base64.b64encode(f"{access}:{secret}".encode()).decode()
    cli = os.path.join(os.path.dirname(sys.executable), "st")
    run = subprocess.run([cli, "run", str(spec), "--url", f"{server.url}/{API_PREFIX.rstrip('/')}",
                          "-H", f"Authorization: Basic {token}", "--max-examples", "5", "--seed", "1",
                          "--checks", "not_a_server_error", "--phases", "examples,fuzzing", "--no-color"],
                         capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "generated" in run.stdout
