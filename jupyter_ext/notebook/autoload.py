"""Loading ``%track`` by itself in kernels started from a JupyterLab that has our server extension.

The server extension calls :func:`install` once, from ``_load_jupyter_server_extension``::

    from jupyter_ext.notebook import autoload
    autoload.install(server_app)

From then on, every kernel the server starts *for a notebook session* gets three variables in
its environment (terminals and kernels started elsewhere get nothing):

- ``JUPYTER_TRACK_AUTOLOAD=1``;
- ``PYTHONSTARTUP`` pointing at ``kernel_startup.py`` in this package, which IPython kernels run
  at start (``InteractiveShellApp.exec_PYTHONSTARTUP``): it loads the extension when the variable
  above is set and ``jupyter_ext`` imports in that kernel, and otherwise does nothing;
- ``JUPYTER_TRACK_PYTHONSTARTUP_CHAIN``: the user's own ``PYTHONSTARTUP``, if there was one,
  which our startup file runs next, so nothing of the user's is lost.

Kernels of other languages ignore ``PYTHONSTARTUP``; Python kernels of environments without
``jupyter_ext`` skip it quietly. ``JUPYTER_TRACK_AUTOLOAD=0`` in the server's environment turns
the whole thing off.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

AUTOLOAD_VAR = "JUPYTER_TRACK_AUTOLOAD"
CHAIN_VAR = "JUPYTER_TRACK_PYTHONSTARTUP_CHAIN"
STARTUP_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kernel_startup.py")


def kernel_env(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` with the variables that make a kernel load the extension at start."""
    out = dict(env)
    if out.get(AUTOLOAD_VAR, "1") in ("0", "false", "False", "no"):
        return out
    previous = out.get("PYTHONSTARTUP", "")
    if previous and os.path.abspath(previous) != STARTUP_FILE:
        out[CHAIN_VAR] = previous
    out["PYTHONSTARTUP"] = STARTUP_FILE
    out[AUTOLOAD_VAR] = "1"
    return out


def install(server_app: Any) -> bool:
    """Make the sessions of ``server_app`` start kernels that load the extension (idempotent)."""
    manager = getattr(server_app, "session_manager", None)
    if manager is None or getattr(manager, "_jupyter_track_autoload", False):
        return False
    original = manager.get_kernel_env

    def get_kernel_env(path: Any, name: Any = None) -> dict[str, str]:
        return kernel_env(original(path, name))

    manager.get_kernel_env = get_kernel_env
    manager._jupyter_track_autoload = True
    return True
