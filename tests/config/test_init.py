"""`jupyter track init` against a real API server on 127.0.0.1, as a user runs it."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.config import load


@pytest.fixture
def server(db_url: str, tmp_path: Path) -> Iterator[Any]:
    background = pytest.importorskip("jupyter_ext.server.background")
    running = background.BackgroundServer(db_url, str(tmp_path / "server-blobs"))
    yield running
    running.stop()


def _init(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    exe = os.path.join(os.path.dirname(sys.executable), "jupyter-track")
    return subprocess.run([exe, "init", *args], env={**os.environ, **env}, input=stdin, capture_output=True,
                          text=True, timeout=60)


def _block(url: str, access: str, secret: str) -> str:
    # the shape clearml init asks for (the guide's section 1)
    return f"""api {{
  verify_certificate = False
  web_server: {url}/
  api_server: {url}
  credentials {{
    "access_key" = "{access}"
    "secret_key" = "{secret}"
  }}
}}
"""


def test_the_pasted_block_is_checked_and_written_without_echoing_the_secret(server, clean_env) -> None:
    access, secret = server.create_key("laptop")
    settings = Path(clean_env["JUPYTER_TRACK_CONFIG_FILE"])
    settings.write_text("flush_period = 2.0\n")  # other settings stay
    out = _init([], clean_env, stdin=_block(server.url, access, secret))
    assert out.returncode == 0, out.stderr
    assert "connected to" in out.stdout and "laptop" in out.stdout
    assert secret not in out.stdout + out.stderr
    assert stat.S_IMODE(settings.stat().st_mode) == 0o600
    cfg = load()
    assert (cfg.api_host, cfg.access_key, cfg.secret_key) == (server.url, access, secret)
    assert cfg.verify_certificate is False and cfg.flush_period == 2.0 and cfg.remote


def test_flags_and_a_file_work_too(server, clean_env, tmp_path: Path) -> None:
    access, secret = server.create_key("ci")
    block = tmp_path / "block.conf"
    block.write_text(_block(server.url, access, secret))
    out = _init(["--from-file", str(block)], clean_env)
    assert out.returncode == 0, out.stderr
    Path(clean_env["JUPYTER_TRACK_CONFIG_FILE"]).unlink()
    out = _init(["--api-host", server.url, "--access-key", access], {**clean_env, "JUPYTER_TRACK_SECRET_KEY": secret})
    assert out.returncode == 0, out.stderr
    assert load().access_key == access


def test_wrong_keys_or_no_server_write_nothing(server, clean_env) -> None:
    access, _ = server.create_key("x")
    settings = Path(clean_env["JUPYTER_TRACK_CONFIG_FILE"])
    out = _init([], clean_env, stdin=_block(server.url, access, "wrong-secret"))
    assert out.returncode == 2 and "refused the credentials" in out.stderr and "nothing was written" in out.stderr
    assert "wrong-secret" not in out.stderr + out.stdout
    assert not settings.exists()
    out = _init(["--api-host", "http://127.0.0.1:9", "--access-key", "A", "--secret-key", "B"], clean_env)
    assert out.returncode == 2 and "cannot be reached" in out.stderr and not settings.exists()
    out = _init(["--api-host", "http://127.0.0.1:9", "--access-key", "A", "--secret-key", "B", "--no-check"],
                clean_env)
    assert out.returncode == 0 and load().api_host == "http://127.0.0.1:9"


def test_bad_input_is_explained(clean_env) -> None:
    out = _init([], clean_env, stdin="api { web_server: x }\n")
    assert out.returncode == 2 and "api_server" in out.stderr
    out = _init(["--api-host", "server:8008", "--access-key", "A", "--secret-key", "B"], clean_env)
    assert out.returncode == 2 and "http://" in out.stderr


def test_interactive_prompts_never_echo_the_secret(server, clean_env) -> None:
    pexpect = pytest.importorskip("pexpect")
    access, secret = server.create_key("typed")
    exe = os.path.join(os.path.dirname(sys.executable), "jupyter-track")
    child = pexpect.spawn(exe, ["init"], env={**os.environ, **clean_env}, encoding="utf-8", timeout=60)
    try:
        child.expect("type the API URL")
        child.sendline(server.url)
        child.expect("access_key: ")
        child.sendline(access)
        child.expect(r"secret_key \(not shown\): ")
        child.sendline(secret)
        child.expect(pexpect.EOF)
        transcript = (child.before or "")
    finally:
        child.close()
    assert child.exitstatus == 0, transcript
    assert "connected to" in transcript and secret not in transcript
    assert load().secret_key == secret
