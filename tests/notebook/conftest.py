"""Real kernels for the notebook tests: a kernel per test, talking over ZeroMQ like a frontend.

``kernel`` gives a :class:`Kernel` whose ``run(code)`` executes a cell and returns every
iopub message it caused (comm messages included), so tests can check what a browser would get.
The kernel and the test share one tracker home, so what the kernel stored can be read back here.
"""
from __future__ import annotations

import os
import queue
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_LEAKY = ("JUPYTER_TRACK_", "CLEARML_")


def kernel_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_LEAKY)}
    env.update(JUPYTER_TRACK_HOME=str(home), JUPYTER_TRACK_CONFIG_FILE=str(home.parent / "none.toml"),
               PYTHONDONTWRITEBYTECODE="1", **extra)
    return env


class Kernel:
    def __init__(self, env: dict[str, str], cwd: str) -> None:
        from jupyter_client.manager import KernelManager

        self.km = KernelManager(kernel_name="python3")
        self.km.start_kernel(env=env, cwd=cwd)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self.stray: list[dict[str, Any]] = []  # iopub messages that arrived between cells

    def run(self, code: str, timeout: float = 120) -> list[dict[str, Any]]:
        """Execute ``code``; every iopub message up to the kernel's idle. Raises on an error."""
        msg_id = self.kc.execute(code)
        messages: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"cell did not finish in {timeout} s: {code[:80]!r}")
            try:
                msg = self.kc.get_iopub_msg(timeout=left)
            except queue.Empty:
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                self.stray.append(msg)
                continue
            messages.append(msg)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        errors = [m for m in messages if m["msg_type"] == "error"]
        if errors:
            raise AssertionError("cell failed:\n" + "\n".join(errors[0]["content"]["traceback"]))
        return messages

    def drain(self, seconds: float) -> list[dict[str, Any]]:
        """Collect iopub messages for ``seconds`` (those sent by the kernel's threads between cells)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self.stray.append(self.kc.get_iopub_msg(timeout=left))
            except queue.Empty:
                break
        return self.stray

    def text(self, messages: list[dict[str, Any]]) -> str:
        return "".join(m["content"].get("text", "") for m in messages if m["msg_type"] == "stream")

    def send_comm(self, msg_type: str, content: dict[str, Any]) -> None:
        msg = self.kc.session.msg(msg_type, content)
        self.kc.shell_channel.send(msg)

    def stop(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=False)


@pytest.fixture
def nb_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The tracker home shared by the kernel and this test process."""
    from jupyter_ext.sdk import _session as session

    home = tmp_path / "home"
    for name in list(os.environ):
        if name.startswith(_LEAKY):
            monkeypatch.delenv(name)
    monkeypatch.setenv("JUPYTER_TRACK_HOME", str(home))
    monkeypatch.setenv("JUPYTER_TRACK_CONFIG_FILE", str(tmp_path / "none.toml"))
    session.reset_for_tests()
    yield home
    session.reset_for_tests()


@pytest.fixture
def kernel(nb_home: Path, tmp_path: Path) -> Iterator[Kernel]:
    k = Kernel(kernel_env(nb_home, JUPYTER_TRACK_NOTEBOOK_PATH=str(tmp_path / "work.ipynb")), str(tmp_path))
    try:
        yield k
    finally:
        k.stop()


def comm_messages(messages: list[dict[str, Any]], comm_id: str) -> list[dict[str, Any]]:
    return [m["content"]["data"] for m in messages
            if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == comm_id]


def widget_comm_id(messages: list[dict[str, Any]]) -> str:
    """The comm of the live plot displayed by these messages."""
    for m in messages:
        if m["msg_type"] == "display_data":
            view = m["content"]["data"].get("application/vnd.jupyter.widget-view+json")
            if view:
                return str(view["model_id"])
    raise AssertionError("no widget was displayed")
