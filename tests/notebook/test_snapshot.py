"""Notebook snapshots: stored as .ipynb + HTML, redacted, debounced, fed by the frontend's comm."""
from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import nbformat
import pytest
from conftest import Kernel, comm_messages
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

SECRET = "sk-proj-abcdefghijklmnopqrstuvwx12345"
GH_TOKEN = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"


def _write_notebook(path: Path, marker: str) -> dict[str, Any]:
    nb = new_notebook(cells=[
        new_markdown_cell(f"# {marker}"),
        new_code_cell(f"%env OPENAI_API_KEY={SECRET}\n%env HF_TOKEN hf_abcdefghijklmnopqrstuvwx"),
        new_code_cell("print(token)", outputs=[new_output("stream", name="stdout", text=f"{GH_TOKEN}\n")]),
        new_code_cell("cfg", outputs=[new_output("execute_result", execution_count=3,
                                                 data={"text/plain": "{'db_password': 'hunter2'}"})]),
    ])
    nbformat.write(nb, str(path))
    return dict(json.loads(path.read_text()))


def _stored(task_id: str, name: str) -> str:
    from jupyter_ext import Task

    artifact = Task.get_task(task_id=task_id).artifacts[name]
    return Path(artifact.get_local_copy(raise_on_error=True)).read_text(encoding="utf-8")


def _assert_redacted(text: str) -> None:
    for secret in (SECRET, GH_TOKEN, "hunter2", "hf_abcdefghijklmnopqrstuvwx"):
        assert secret not in text
    assert "********" in text


def _task_id(kernel: Kernel) -> str:
    out = kernel.text(kernel.run("print(Task.current_task().id)"))
    return out.strip().splitlines()[-1]


def test_track_stores_the_notebook_and_its_html_without_secrets(kernel: Kernel, tmp_path: Path) -> None:
    _write_notebook(tmp_path / "work.ipynb", "Marker title 7f3a")
    kernel.run('%load_ext jupyter_ext\n%track "Snap/one"\nfrom jupyter_ext import Task')
    out = kernel.text(kernel.run("%track snapshot"))
    assert "notebook stored" in out
    task_id = _task_id(kernel)
    ipynb = _stored(task_id, "notebook")
    html = _stored(task_id, "notebook preview")
    assert json.loads(ipynb)["cells"][0]["source"] == "# Marker title 7f3a"
    assert "Marker title 7f3a" in html and "<html" in html
    _assert_redacted(ipynb)
    _assert_redacted(html)
    kernel.run("%track off")
    from jupyter_ext import Task

    task = Task.get_task(task_id=task_id)
    assert task.get_status() == "completed"
    assert task.data["script"]["entry_point"] == str(tmp_path / "work.ipynb")
    assert task.data["runtime"]["kernel"]["versions"]["ipykernel"]


def test_track_again_closes_the_old_task_and_starts_a_new_one(kernel: Kernel) -> None:
    kernel.run('%load_ext jupyter_ext\n%track "Runs/first"\nfrom jupyter_ext import Task')
    first = _task_id(kernel)
    # (with --queue the notebook goes to an agent instead: tests/agent/test_agent_notebook.py)
    kernel.run('%track Runs/first again --tags a,b --type testing')  # a name with spaces needs no quotes
    second = _task_id(kernel)
    assert first != second
    kernel.run("x = 1")  # the kernel lives on
    # Rows are written by the kernel's reporter thread, a moment after %track returns.
    kernel.run("Task.current_task().flush(wait_for_uploads=True)")
    from jupyter_ext import Task

    deadline = time.monotonic() + 60  # the old task finishes in the background: its last snapshot first
    while Task.get_task(task_id=first).get_status() != "completed":
        assert time.monotonic() < deadline, "the old task was not closed"
        time.sleep(0.2)
    again = Task.get_task(task_id=second)
    assert again.get_status() == "in_progress"
    assert again.get_tags() == ["a", "b"] and again.task_type == "testing"
    assert (again.get_project_name(), again.name) == ("Runs", "first again")
    deadline = time.monotonic() + 20
    while "kernel" not in again.data["runtime"] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert again.data["runtime"]["kernel"]["path_found_by"]


def test_bad_arguments_say_what_is_wrong(kernel: Kernel) -> None:
    kernel.run("%load_ext jupyter_ext")
    with pytest.raises(AssertionError, match="unrecognized arguments: --bogus"):
        kernel.run("%track --bogus")


@pytest.mark.slow
def test_comm_content_has_unsaved_edits_and_follows_renames(kernel: Kernel, tmp_path: Path) -> None:
    on_disk = _write_notebook(tmp_path / "work.ipynb", "saved version")
    live = json.loads(json.dumps(on_disk))
    live["cells"][0]["source"] = "# unsaved edit 91c2"
    kernel.run("%load_ext jupyter_ext\nfrom jupyter_ext import Task")
    comm_id = uuid.uuid4().hex
    renamed = str(tmp_path / "renamed.ipynb")
    kernel.send_comm("comm_open", {"comm_id": comm_id, "target_name": "jupyter_ext.snapshot",
                                   "data": {"path": renamed, "content": live}})
    out = kernel.text(kernel.run("%track"))
    assert f"notebook {renamed} [frontend]" in out
    task_id = _task_id(kernel)
    # The kernel asks the frontend for the document before each snapshot; answer like the
    # lab extension would, with an even newer edit.
    newer = json.loads(json.dumps(live))
    newer["cells"][0]["source"] = "# newer unsaved edit 5d0e"
    messages = kernel.run("%track snapshot")
    deadline = time.monotonic() + 10
    while not any(d == {"request": "content"} for d in comm_messages(messages + kernel.stray, comm_id)):
        assert time.monotonic() < deadline, "the kernel never asked for the live document"
        kernel.drain(0.1)
    kernel.send_comm("comm_msg", {"comm_id": comm_id, "data": {"path": renamed, "content": newer}})
    deadline = time.monotonic() + 20
    from jupyter_ext import Task
    from jupyter_ext.errors import NotFound

    while True:
        try:  # the task's row is written by the kernel's reporter thread, a moment after %track
            task = Task.get_task(task_id=task_id)
        except NotFound:
            task = None
        if task is not None and "notebook" in task.artifacts and "5d0e" in _stored(task_id, "notebook"):
            break
        assert time.monotonic() < deadline, "the snapshot with the frontend's content was not stored"
        time.sleep(0.3)
    ipynb = _stored(task_id, "notebook")
    assert task.artifacts["notebook"].metadata["source"] == "frontend"
    assert task.artifacts["notebook"].metadata["path"] == renamed
    _assert_redacted(ipynb)
    assert task.name == "renamed"


def test_a_rename_after_track_moves_the_tasks_recorded_path(kernel: Kernel, tmp_path: Path) -> None:
    _write_notebook(tmp_path / "before.ipynb", "x")
    kernel.run("%load_ext jupyter_ext\nfrom jupyter_ext import Task")
    comm_id = uuid.uuid4().hex
    kernel.send_comm("comm_open", {"comm_id": comm_id, "target_name": "jupyter_ext.snapshot",
                                   "data": {"path": str(tmp_path / "before.ipynb"), "content": None}})
    kernel.run("%track")
    task_id = _task_id(kernel)
    after = str(tmp_path / "sub" / "after.ipynb")
    kernel.send_comm("comm_msg", {"comm_id": comm_id, "data": {"path": after, "content": None}})
    from jupyter_ext import Task
    from jupyter_ext.errors import NotFound

    deadline = time.monotonic() + 20
    while True:
        try:
            script = Task.get_task(task_id=task_id).data["script"]
        except NotFound:
            script = {}
        if (script.get("notebook") or {}).get("path") == after:
            break
        assert time.monotonic() < deadline, f"the task still records {script.get('notebook')}"
        time.sleep(0.3)
    assert script["entry_point"] == after and script["working_dir"] == str(tmp_path / "sub")
    assert script["notebook"]["found_by"] == "frontend"


def test_snapshots_after_cells_are_debounced_and_only_when_changed(nb_home: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from jupyter_ext import Task
    from jupyter_ext.notebook.snapshot import snapshot
    from jupyter_ext.notebook.snapshot.snapshot import Snapshotter

    path = tmp_path / "nb.ipynb"
    _write_notebook(path, "first")
    task = Task.init(project_name="Snap", task_name="debounce")
    snaps = Snapshotter(task, lambda: str(path))
    snaps.after_cell()
    deadline = time.monotonic() + 30
    while snaps.stored < 1:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    _write_notebook(path, "second")
    snaps.after_cell()
    time.sleep(1.0)
    assert snaps.stored == 1, "a second snapshot within 30 s of the last one"
    monkeypatch.setattr(snapshot, "MIN_INTERVAL_S", 0.5)
    snaps.after_cell()  # the wait is worked out again with the shorter interval
    deadline = time.monotonic() + 30
    while snaps.stored < 2:
        assert time.monotonic() < deadline, "the deferred snapshot never came"
        time.sleep(0.05)
    assert snaps.now(always=False, wait=True, timeout=30) is False  # nothing changed
    assert snaps.now(always=True, wait=True, timeout=30) is True    # on demand: stored anyway
    assert "second" in _stored(task.id, "notebook")
    snaps.close()
    task.close()
