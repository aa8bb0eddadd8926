"""JupyterHub (from PyPI, its dummy authenticator and local-process spawner) with
configurable-http-proxy (npm, tests/hub/node_modules), all on 127.0.0.1, in front of per-user
JupyterLabs whose settings name a team server that trusts the Hub: a hub user's lab lists their
team's tasks, as that user, with no key copied anywhere."""
from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHP = HERE / "node_modules" / ".bin" / "configurable-http-proxy"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(check: Any, what: str, seconds: float = 90.0) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        try:
            found = check()
        except requests.RequestException:
            found = None
        if found:
            return found
        assert time.monotonic() < deadline, f"{what} did not happen within {seconds:.0f} s"
        time.sleep(0.5)


@pytest.fixture
def team(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A team server trusting the Hub at a port picked now; Ann may see "Hub Team", not "Secret"."""
    if shutil.which("node") is None or not CHP.exists():
        pytest.skip("configurable-http-proxy missing: npm install in tests/hub/")
    pytest.importorskip("jupyterhub")
    from jupyter_ext.client.local import LocalBackend
    from jupyter_ext.core import access, users

    store = f"sqlite:///{tmp_path / 'team.db'}"
    backend = LocalBackend(store, str(tmp_path / "team-blobs"))
    users.add(backend.store, "root")
    users.add(backend.store, "ann", display_name="Ann Lee")
    shared = backend.create_task({"name": "team run", "project": "Hub Team"})
    backend.create_task({"name": "not for ann", "project": "Secret"})
    access.share(backend.store, shared.project_id, "user:ann", "editor", actor="root")
    backend.close()
    hub_port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER_TRACK_", "CLEARML_", "JUPYTERHUB_"))}
    server = subprocess.Popen([sys.executable, "-m", "jupyter_ext.cli.main", "server", "--port", "0", "--store",
                               store, "--jupyterhub", f"http://127.0.0.1:{hub_port}/hub/api"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert server.stdout is not None
    found = re.search(r"(http://127\.0\.0\.1:\d+)/", server.stdout.readline())
    assert found, "the team server did not start"
    yield {"url": found.group(1), "hub_port": hub_port, "env": env}
    server.terminate()
    server.wait(10)


@pytest.fixture
def hub(team: dict[str, Any], tmp_path: Path) -> Iterator[dict[str, Any]]:
    port, token = _free_port(), secrets.token_hex(32)
    bin_dir = os.path.dirname(sys.executable)
    user_env = {"JUPYTER_TRACK_API_HOST": team["url"], "PYTHONPATH": str(ROOT),
                "JUPYTER_TRACK_CONFIG_FILE": str(tmp_path / "none.toml"),
                "CLEARML_CONFIG_FILE": str(tmp_path / "none.conf"), "JUPYTER_TRACK_HOME": str(tmp_path / "lab-home")}
    (tmp_path / "homes").mkdir()
    config = tmp_path / "jupyterhub_config.py"
    config.write_text(f"""
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {team["hub_port"]}
c.JupyterHub.db_url = "sqlite:///{tmp_path / 'hub.sqlite'}"
c.JupyterHub.cookie_secret_file = "{tmp_path / 'cookie_secret'}"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{tmp_path / 'homes'}/{{username}}"
c.Spawner.cmd = ["{bin_dir}/jupyterhub-singleuser"]
c.Spawner.args = ["--allow-root"]
c.Spawner.environment = {user_env!r}
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.ConfigurableHTTPProxy.command = ["{CHP}"]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{_free_port()}"
c.JupyterHub.services = [{{"name": "tester", "api_token": "{token}"}}]
c.JupyterHub.load_roles = [{{"name": "tester", "services": ["tester"],
                             "scopes": ["admin:users", "admin:servers", "tokens"]}}]
""")
    env = {**team["env"], "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    log = open(tmp_path / "hub.log", "wb")  # noqa: SIM115 - the Hub's whole life
    proc = subprocess.Popen([f"{bin_dir}/jupyterhub", "-f", str(config)], cwd=tmp_path, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: requests.get(f"{base}/hub/api/", timeout=5).ok, "the Hub answering")
        yield {"url": base, "headers": {"Authorization": f"token {token}"}, "log": tmp_path / "hub.log"}
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_a_hub_users_lab_lists_their_teams_tasks_as_them(hub: dict[str, Any], team: dict[str, Any]) -> None:
    api, headers = f"{hub['url']}/hub/api", hub["headers"]
    assert requests.post(f"{api}/users/ann", headers=headers, timeout=30).status_code in (201, 409)
    started = requests.post(f"{api}/users/ann/server", headers=headers, timeout=120)
    assert started.status_code in (201, 202), started.text
    _wait(lambda: requests.get(f"{api}/users/ann", headers=headers, timeout=10).json()["servers"][""]["ready"],
          "Ann's server starting", 150)
    token = requests.post(f"{api}/users/ann/tokens", headers=headers, json={"note": "browser"},
                          timeout=30).json()["token"]
    lab = f"{hub['url']}/user/ann/track/api/v1/"
    as_ann = {"Authorization": f"token {token}"}
    where = requests.get(lab + "where", headers=as_ann, timeout=60)
    assert where.status_code == 200, (where.text, hub["log"].read_text()[-3000:])
    assert where.json()["mode"] == "server" and where.json()["user"] == "ann"
    tasks = requests.get(lab + "tasks", headers=as_ann, timeout=60).json()
    assert [t["name"] for t in tasks["items"]] == ["team run"]
    made = requests.post(lab + "tasks", headers=as_ann, json={"name": "from the hub", "project": "Hub Team",
                                                              "user": "someone else"}, timeout=60)
    assert made.status_code == 201 and made.json()["user"] == "ann"
    # A script in Ann's lab (its kernels have the server's Hub token): the SDK reports as Ann too.
    script = ("from jupyter_ext import Task\n"
              "t = Task.init(project_name='Hub Team', task_name='from a kernel')\n"
              "t.get_logger().report_scalar('loss', 'train', 0.5, 1)\nt.close()\n")
    env = {**team["env"], "JUPYTER_TRACK_API_HOST": team["url"], "JUPYTERHUB_API_TOKEN": token,
           "JUPYTER_TRACK_HOME": str(hub["log"].parent / "kernel-home"),
           "JUPYTER_TRACK_CONFIG_FILE": str(hub["log"].parent / "none.toml")}
    ran = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr[-3000:]
    kernel = requests.get(lab + "tasks", headers=as_ann, params={"name": "from a kernel"}, timeout=60).json()
    assert [(t["user"], t["status"]) for t in kernel["items"]] == [("ann", "completed")]
    # The team server never saw a key: it asked the Hub whose token the lab's is.
    stranger = requests.get(f"{team['url']}/track/api/v1/tasks", headers={"Authorization": "token forged"}, timeout=30)
    assert stranger.status_code == 401
