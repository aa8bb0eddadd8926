"""Which ``.ipynb`` this kernel runs: the answer every notebook feature starts from.

Tried in order, first answer wins:

1. the path the JupyterLab extension pushed over the ``jupyter_ext.snapshot`` comm (it follows
   renames and is the only source that knows about unsaved edits);
2. ``JUPYTER_TRACK_NOTEBOOK_PATH`` (an explicit override, for runners we cannot see through);
3. ``__vsc_ipynb_file__`` (VS Code sets it in the user namespace);
4. the Jupyter server's sessions API, matched by this kernel's id (JupyterLab 4, Notebook 7).
   The server and its token are found in the runtime dir (``jpserver-*.json``), so a token-
   protected server needs nothing from the user; a password-only server answers 403 and we go on;
5. ``JPY_SESSION_NAME`` / ``__session__`` (set by jupyter_server when the kernel started; stale
   after a rename, hence after the sessions API);
6. the command line of the process that started the kernel (``jupyter nbconvert --execute x.ipynb``,
   ``papermill in.ipynb out.ipynb``).

Every probe is bounded (sessions API: 0.5 s per server) and none raises: no path is an answer.
"""
from __future__ import annotations

import glob
import json
import os
import re
from typing import Any

ENV_OVERRIDE = "JUPYTER_TRACK_NOTEBOOK_PATH"
SESSIONS_TIMEOUT_S = 0.5

# Set by the comm handler when the frontend tells us (see comm.py).
_pushed: dict[str, str] = {}


def set_pushed_path(path: str) -> None:
    """Remember the path the frontend sent (absolute, or relative to the kernel's cwd)."""
    _pushed["path"] = os.path.abspath(path)


def pushed_path() -> str | None:
    return _pushed.get("path")


def detect(user_ns: dict[str, Any] | None = None) -> tuple[str | None, str]:
    """``(absolute path or None, how it was found)``."""
    if _pushed.get("path"):
        return _pushed["path"], "frontend"
    env = os.environ.get(ENV_OVERRIDE)
    if env:
        return os.path.abspath(env), "environment"
    ns = user_ns or {}
    vsc = ns.get("__vsc_ipynb_file__") or os.environ.get("__vsc_ipynb_file__")  # noqa: SIM112 - VS Code's own name
    if isinstance(vsc, str) and vsc:
        return os.path.abspath(vsc), "vscode"
    found = _from_sessions_api()
    if found:
        return found, "sessions-api"
    session_name = ns.get("__session__") or os.environ.get("JPY_SESSION_NAME")
    if isinstance(session_name, str) and session_name.endswith(".ipynb"):
        resolved = _resolve_session_name(session_name)
        if resolved:
            return resolved, "session-name"
    found = _from_parent_command_line()
    if found:
        return found, "command-line"
    return None, "not found"


# -- the Jupyter server's sessions API --------------------------------------------------------
def kernel_id() -> str | None:
    """This kernel's id, from its connection file name (``kernel-<id>.json``)."""
    try:
        from ipykernel.connect import get_connection_file

        name = os.path.basename(get_connection_file())
    except Exception:  # noqa: BLE001 - not in a kernel: the path is found another way
        return None
    match = re.match(r"kernel-(.+)\.json$", name)
    return match.group(1) if match else None


def running_servers() -> list[dict[str, Any]]:
    """Servers described in the runtime dir (and next to our connection file), newest first."""
    dirs: list[str] = []
    try:
        from jupyter_core.paths import jupyter_runtime_dir

        dirs.append(jupyter_runtime_dir())
    except Exception:  # noqa: BLE001 - a best-effort hint: other places are tried
        pass
    try:
        from ipykernel.connect import get_connection_file

        dirs.append(os.path.dirname(get_connection_file()))
    except Exception:  # noqa: BLE001 - a best-effort hint: other places are tried
        pass
    files: set[str] = set()
    for d in dict.fromkeys(dirs):
        files.update(glob.glob(os.path.join(d, "jpserver-*.json")))
        files.update(glob.glob(os.path.join(d, "nbserver-*.json")))
    servers = []
    for f in sorted(files, key=lambda p: os.path.getmtime(p) if os.path.exists(p) else 0, reverse=True):
        try:
            with open(f, encoding="utf-8") as fh:
                info = json.load(fh)
        except (OSError, ValueError):
            continue
        if _alive(info.get("pid")):
            servers.append(info)
    return servers


def _alive(pid: Any) -> bool:
    if not isinstance(pid, int):
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _from_sessions_api() -> str | None:
    kid = kernel_id()
    if not kid:
        return None
    for server in running_servers():
        sessions = fetch_sessions(server)
        for s in sessions:
            if (s.get("kernel") or {}).get("id") == kid and s.get("path"):
                root = server.get("root_dir") or server.get("notebook_dir") or os.getcwd()
                return os.path.abspath(os.path.join(root, str(s["path"])))
    return None


def fetch_sessions(server: dict[str, Any]) -> list[dict[str, Any]]:
    """``GET {url}api/sessions`` with the server's token; [] on any failure (403, timeout…)."""
    import urllib.request

    url = str(server.get("url") or "")
    if not url:
        return []
    if not url.endswith("/"):
        url += "/"
    token = server.get("token") or os.environ.get("JUPYTERHUB_API_TOKEN") or os.environ.get("JPY_API_TOKEN") or ""
    request = urllib.request.Request(url + "api/sessions")
    if token:
        request.add_header("Authorization", f"token {token}")
    context = None
    if url.startswith("https"):
        import ssl

        context = ssl.create_default_context()
        context.check_hostname = False  # our own local server, often with a self-signed certificate
        context.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(request, timeout=SESSIONS_TIMEOUT_S, context=context) as response:
            data = json.loads(response.read().decode("utf-8"))
    except Exception:  # noqa: BLE001 - a best-effort hint: other places are tried
        return []
    return data if isinstance(data, list) else []


def _resolve_session_name(name: str) -> str | None:
    if os.path.isabs(name):
        return name if os.path.exists(name) else None
    for server in running_servers():
        root = server.get("root_dir") or server.get("notebook_dir")
        if root and os.path.exists(os.path.join(root, name)):
            return os.path.abspath(os.path.join(root, name))
    for candidate in (name, os.path.basename(name)):
        if os.path.exists(candidate):
            return os.path.abspath(candidate)
    return None


# -- nbconvert / papermill runs ---------------------------------------------------------------
def _from_parent_command_line() -> str | None:
    try:
        import psutil

        parent = psutil.Process(os.getppid())
        argv: list[str] = parent.cmdline()
        cwd: str = parent.cwd()
    except Exception:  # noqa: BLE001 - psutil's errors differ per platform
        return None
    if not any(("nbconvert" in a or "papermill" in a or "nbclient" in a) for a in argv[:3]):
        return None
    for arg in argv[1:]:
        if arg.endswith(".ipynb"):
            path = arg if os.path.isabs(arg) else os.path.join(cwd, arg)
            if os.path.exists(path):
                return os.path.abspath(path)
    return None
