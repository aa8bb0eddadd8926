"""A pipeline whose store is a server: the controller and its steps (child processes) speak
HTTP only (``api_host`` and a key in the environment, as a user on another machine would)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

CODE = '''
from jupyter_ext import PipelineDecorator

@PipelineDecorator.component(return_values=["words"])
def split(text):
    return text.split()

@PipelineDecorator.component(return_values=["n"])
def count(words):
    return len(words)

@PipelineDecorator.pipeline(name="Remote", project="ML Pipelines")
def flow(text="one two three four"):
    return count(split(text))

print("RESULT", flow())
print("RUN_ID=" + PipelineDecorator.get_current_pipeline().id)
'''


def test_decorated_pipeline_against_a_server(run_py: Any, tmp_path: Path) -> None:
    from jupyter_ext.client.http import HttpBackend
    from jupyter_ext.server.background import BackgroundServer

    server = BackgroundServer(f"sqlite:///{tmp_path / 'server.db'}", str(tmp_path / "server-blobs"))
    try:
        access, secret = server.create_key("pipelines")
        env = {"JUPYTER_TRACK_API_HOST": server.url, "JUPYTER_TRACK_ACCESS_KEY": access,
               "JUPYTER_TRACK_SECRET_KEY": secret}
        done = run_py.run(CODE, env=env, timeout=180)
        assert done.returncode == 0, done.stderr
        assert "RESULT 4" in done.stdout
        run_id = next(x for x in done.stdout.splitlines() if x.startswith("RUN_ID=")).split("=", 1)[1]
        remote = HttpBackend(server.url, access, secret)
        view = remote.get_pipeline(run_id)
        assert view["task"]["status"] == "completed"
        assert [(n["name"], n["status"]) for n in view["nodes"]] == [("split", "completed"), ("count", "completed")]
        assert [r.task.id for r in remote.list_pipelines()] == [run_id]
        remote.close()
    finally:
        server.stop()
    assert not (run_py.home / "track.db").exists()  # nothing went to the local store
