"""A JupyterLab whose settings name a team server, driven in Chromium: the panels list the team's
tasks (seeded by Ann's SDK over HTTP), live updates arrive over the proxied change feed, an
artifact downloads, a task is cloned and enqueued as Ann, and a project is shared. Screenshots of
the status chip and the Share dialog, light and dark, land in ui-tests/artifacts/team-*.png."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ui.test_ui import CHROMIUM, UI, _free_port, _missing

pytestmark = pytest.mark.slow

SEED = """
import pathlib
from jupyter_ext import Task
notes = pathlib.Path("notes.txt")
notes.write_text({notes!r})
task = Task.init(project_name="Vision", task_name="team baseline")
task.get_logger().report_scalar("loss", "train", 0.5, 1)
task.upload_artifact("notes", artifact_object=notes, wait_on_upload=True)
task.close()
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER_TRACK_", "CLEARML_"))}
    env.update(JUPYTER_TRACK_HOME=str(tmp_path / "lab-home"), JUPYTER_TRACK_CONFIG_FILE=str(tmp_path / "none.toml"),
               CLEARML_CONFIG_FILE=str(tmp_path / "none.conf"), JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter-config"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "jupyter-runtime"), PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD="1",
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    return env


def test_a_lab_shows_the_team_server(tmp_path: Path) -> None:
    reason = _missing()
    if reason:
        pytest.skip(reason)
    from jupyter_ext.client.local import LocalBackend
    from jupyter_ext.core import access, keys, users
    from jupyter_ext.store.meta import MetaStore

    store = f"sqlite:///{tmp_path / 'team.db'}"
    meta = MetaStore.open(store)
    users.add(meta, "root")
    users.add(meta, "ann", display_name="Ann Lee")
    users.add(meta, "ben")
    ann, ben = keys.create(meta, "ann's lab", user="ann"), keys.create(meta, "ben", user="ben")
    meta.close()
    env = _env(tmp_path)
    team = subprocess.Popen([sys.executable, "-m", "jupyter_ext.cli.main", "server", "--port", "0", "--store", store,
                             "--blobs", str(tmp_path / "team-blobs")], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        assert team.stdout is not None
        found = re.search(r"(http://127\.0\.0\.1:\d+)/", team.stdout.readline())
        assert found, "the team server did not start"
        url = found.group(1)
        client = {**env, "JUPYTER_TRACK_API_HOST": url, "JUPYTER_TRACK_ACCESS_KEY": ann[0],
                  "JUPYTER_TRACK_SECRET_KEY": ann[1]}
        notes = "notes kept on the team server"
        seeded = subprocess.run([sys.executable, "-c", SEED.format(notes=notes)], env=client, cwd=tmp_path,
                                capture_output=True, text=True, timeout=300)
        assert seeded.returncode == 0, seeded.stderr[-3000:]
        direct = LocalBackend(store, str(tmp_path / "team-blobs"))
        try:
            project = next(p.id for p in direct.list_projects() if p.name == "Vision")
            access.share(direct.store, project, "user:ben", "editor", actor="root")
            direct.create_queue("default")
        finally:
            direct.close()
        import requests

        # The server notices a grant made by another process within a second (core/access.py).
        deadline = time.monotonic() + 30
        while True:
            made = requests.post(f"{url}/track/api/v1/tasks", auth=ben, json={"name": "bens run", "project": "Vision"},
                                 timeout=30)
            if made.status_code != 403 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert made.status_code == 201 and made.json()["user"] == "ben", made.text
        (tmp_path / "notebooks").mkdir()
        client.update(JE_TEAM=json.dumps({"url": url, "access": ann[0], "secret": ann[1], "notes": notes,
                                          "project": project}),
                      JE_UI_PORT=str(_free_port()), JE_UI_ROOT=str(tmp_path / "notebooks"),
                      JE_UI_JUPYTER=os.path.join(os.path.dirname(sys.executable), "jupyter"), JE_UI_CHROMIUM=CHROMIUM)
        run = subprocess.run(["npx", "playwright", "test", "-c", "playwright.team.config.js"], cwd=UI, env=client,
                             capture_output=True, text=True, timeout=900)
        print(run.stdout[-20000:])
        assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-4000:]
    finally:
        team.terminate()
        team.wait(10)
    for name in ("team-01-status-chip", "team-03-share-dialog", "team-04-share-dialog-dark",
                 "team-05-status-chip-dark"):
        png = UI / "artifacts" / f"{name}.png"
        assert png.exists() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"screenshot {png} missing"
