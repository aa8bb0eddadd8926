"""`jupyter track queues`: list, create, delete, on the store of the settings in force."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.cli.main import main


def test_create_list_and_delete(track_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from jupyter_ext.sdk import _session as session

    assert main(["queues"]) == 0
    assert "no queues yet" in capsys.readouterr().out
    assert main(["queues", "delete", "default"]) == 2  # not made just to be deleted
    assert "no queue named" in capsys.readouterr().err
    assert main(["queues"]) == 0 and "no queues yet" in capsys.readouterr().out
    assert main(["queues", "create", "gpu", "--tag", "a100"]) == 0
    assert "created queue gpu" in capsys.readouterr().out
    backend = session.backend()
    task = backend.create_task({"project": "P", "name": "waiting"})
    backend.enqueue_task(task.id, "gpu")
    assert main(["queues", "-v"]) == 0
    out = capsys.readouterr().out
    assert "gpu" in out and "a100" in out and task.id in out
    assert main(["queues", "list", "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed["name"] == "gpu" and listed["num_entries"] == 1
    assert main(["queues", "create", "gpu"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["queues", "delete", "gpu"]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["queues", "delete", "gpu", "--force"]) == 0
    assert "1 task(s) went back to draft" in capsys.readouterr().out
    assert backend.get_task(task.id).status == "created"
    assert main(["queues", "create", "bad/name"]) == 2
    assert "'/'" in capsys.readouterr().err


def test_the_installed_command_lists_queues(track_home: Path, tmp_path: Path) -> None:
    env: dict[str, Any] = dict(os.environ)
    exe = os.path.join(os.path.dirname(sys.executable), "jupyter-track")
    made = subprocess.run([exe, "queues", "create", "cpu"], env=env, capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    out = subprocess.run([exe, "queues"], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "cpu" in out.stdout
