"""Finding the notebook's path, the ways that need no server (the server's way: test_server_kernels.py)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from jupyter_ext.notebook.snapshot import path as nbpath


@pytest.fixture(autouse=True)
def no_servers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(runtime))
    for name in (nbpath.ENV_OVERRIDE, "JPY_SESSION_NAME", "__vsc_ipynb_file__"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(nbpath, "_pushed", {})


def test_vscode_variable(tmp_path: Path) -> None:
    nb = tmp_path / "analysis.ipynb"
    assert nbpath.detect({"__vsc_ipynb_file__": str(nb)}) == (str(nb), "vscode")


def test_the_environment_override_wins_over_vscode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(nbpath.ENV_OVERRIDE, str(tmp_path / "set.ipynb"))
    assert nbpath.detect({"__vsc_ipynb_file__": "/elsewhere.ipynb"}) == (str(tmp_path / "set.ipynb"), "environment")


def test_the_frontend_wins_over_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(nbpath.ENV_OVERRIDE, str(tmp_path / "set.ipynb"))
    nbpath.set_pushed_path(str(tmp_path / "renamed.ipynb"))
    assert nbpath.detect({}) == (str(tmp_path / "renamed.ipynb"), "frontend")


def test_session_name_relative_to_a_servers_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A password-only server answers 403 to the sessions API; JPY_SESSION_NAME (relative to the
    # server's root dir, from its runtime file) still names the notebook.
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "nb.ipynb").write_text("{}")
    info = {"url": "http://127.0.0.1:9/", "token": "", "root_dir": str(root), "pid": os.getpid()}
    (Path(os.environ["JUPYTER_RUNTIME_DIR"]) / "jpserver-1.json").write_text(json.dumps(info))
    monkeypatch.setenv("JPY_SESSION_NAME", "sub/nb.ipynb")
    assert nbpath.detect({}) == (str(root / "sub" / "nb.ipynb"), "session-name")
    assert nbpath.detect({"__session__": str(root / "sub" / "nb.ipynb")})[1] == "session-name"


def test_nothing_found_is_an_answer() -> None:
    assert nbpath.detect({}) == (None, "not found")
