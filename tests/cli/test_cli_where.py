"""`jupyter track where` says which store or team server the SDK and JupyterLab's panels show."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _where(env: dict[str, str]) -> str:
    exe = os.path.join(os.path.dirname(sys.executable), "jupyter-track")
    out = subprocess.run([exe, "where"], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_where_names_the_local_store_or_the_team_server(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER_TRACK_", "CLEARML_"))}
    env.update(JUPYTER_TRACK_HOME=str(tmp_path / "home"), JUPYTER_TRACK_CONFIG_FILE=str(tmp_path / "none.toml"),
               CLEARML_CONFIG_FILE=str(tmp_path / "none.conf"))
    local = _where(env)
    assert "shows     the local store" in local and str(tmp_path / "home") in local
    team = _where({**env, "CLEARML_API_HOST": "http://team.example:8008/", "CLEARML_API_ACCESS_KEY": "JTANN",
                   "CLEARML_API_SECRET_KEY": "s3cret-never-shown"})
    assert "the team server http://team.example:8008 as key JTANN" in team
    assert "s3cret-never-shown" not in team
