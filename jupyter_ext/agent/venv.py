"""A virtual environment per set of requirements, built once and reused.

The environment sees this interpreter's packages (``--system-site-packages``, and a ``.pth``
line that adds the agent's own site-packages, so a venv-based agent passes its packages on):
pip then installs only what the task needs beyond them, and the venv's own installs win.
A marker written when pip succeeded says it is complete, so a half-built environment is never
reused; a lock keeps two agents on one home from building the same one at once.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import site
import sys
from collections.abc import Callable

from jupyter_ext.client.workspace import agent_dir
from jupyter_ext.errors import InvalidArgument

Run = Callable[[list[str], str], int]  # (command, cwd) -> exit code; output goes to the task's console


def requirements_key(requirements: str) -> str:
    lines = sorted({ln.strip() for ln in requirements.splitlines() if ln.strip() and not ln.lstrip().startswith("#")})
    text = f"{sys.version_info[:2]}\n{sys.prefix}\n" + "\n".join(lines)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def python_of(folder: str) -> str:
    return os.path.join(folder, "Scripts" if os.name == "nt" else "bin", "python")


def ensure_venv(home: str, requirements: str, run: Run, log: Callable[[str], None]) -> str:
    """The python of an environment holding ``requirements`` (pip's requirements text)."""
    import fcntl

    root = agent_dir(home, "venvs")
    key = requirements_key(requirements)
    folder = os.path.join(root, key)
    with open(os.path.join(root, key + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.isfile(os.path.join(folder, ".ready")):
            log(f"environment: reusing {folder}")
            return python_of(folder)
        if os.path.exists(folder):  # a build that broke off: start again
            shutil.rmtree(folder, ignore_errors=True)
        try:
            log(f"environment: creating a virtual environment for {_count(requirements)} requirements")
            code = run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", folder], root)
            if code != 0:
                raise InvalidArgument(f"python -m venv failed (exit code {code})")
            _inherit_packages(folder)
            if requirements.strip():
                req = os.path.join(folder, "requirements.txt")
                with open(req, "w", encoding="utf-8") as fh:
                    fh.write(_installable(requirements))
                # pip comes from the agent's packages and installs into this environment
                code = run([python_of(folder), "-m", "pip", "install", "--disable-pip-version-check",
                            "--no-input", "-r", req], folder)
                if code != 0:
                    raise InvalidArgument(f"pip could not install the task's requirements (exit code {code}); "
                                          f"see the task's console for pip's message")
            open(os.path.join(folder, ".ready"), "w").close()  # only now is it reused
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    return python_of(folder)


def _count(requirements: str) -> int:
    return sum(1 for ln in requirements.splitlines() if ln.strip() and not ln.lstrip().startswith("#"))


def _installable(requirements: str) -> str:
    """Drop what pip cannot install from an index: editable and local-path lines from a freeze
    of the machine that first ran the task (the agent's own packages provide those)."""
    keep = []
    for line in requirements.splitlines():
        text = line.strip()
        if not text or text.startswith("#") or text.startswith("-e ") or " @ file:" in text:
            continue
        keep.append(text)
    return "\n".join(keep) + "\n"


def _site_packages(folder: str) -> str:
    lib = os.path.join(folder, "lib")
    for name in sorted(os.listdir(lib)) if os.path.isdir(lib) else ():
        path = os.path.join(lib, name, "site-packages")
        if os.path.isdir(path):
            return path
    return os.path.join(folder, "Lib", "site-packages")


def _inherit_packages(folder: str) -> None:
    dirs = [d for d in site.getsitepackages() if os.path.isdir(d)]
    user = site.getusersitepackages()
    if site.ENABLE_USER_SITE and isinstance(user, str) and os.path.isdir(user):
        dirs.append(user)
    lines = "".join(f"import site; site.addsitedir({d!r})\n" for d in dirs)
    with open(os.path.join(_site_packages(folder), "_jupyter_track_agent_parent.pth"), "w", encoding="utf-8") as fh:
        fh.write(lines)

