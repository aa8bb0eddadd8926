"""Several openings of one fresh store at the same moment: threads of one process and separate
processes all end on the newest schema, and none fails."""
from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from jupyter_ext.store import migrations
from jupyter_ext.store.meta import MetaStore

OPENERS = 6


def _open_and_use(url: str) -> str:
    store = MetaStore.open(url)
    try:
        from jupyter_ext.core import tasks

        tasks.create(store, {"name": "opened", "project": "race"})  # the schema is really there
        return str(store.current_revision())
    finally:
        store.close()


@pytest.mark.parametrize("round_", range(3))
def test_threads_opening_a_fresh_store_at_once(tmp_path: Path, round_: int) -> None:
    url = f"sqlite:///{tmp_path / 'home' / 'track.db'}"
    start = threading.Barrier(OPENERS)
    results: list[str] = []
    failures: list[BaseException] = []

    def opener() -> None:
        start.wait()
        try:
            results.append(_open_and_use(url))
        except BaseException as exc:  # noqa: BLE001 - every failure is reported below
            failures.append(exc)

    threads = [threading.Thread(target=opener) for _ in range(OPENERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not failures, failures
    assert results == [migrations.HEAD_REVISION] * OPENERS


def test_threads_opening_different_fresh_stores_at_once(tmp_path: Path) -> None:
    # Alembic's context is process-wide: two databases migrating at once collide as well.
    urls = [f"sqlite:///{tmp_path / f'home{i}' / 'track.db'}" for i in range(OPENERS)]
    start = threading.Barrier(OPENERS)
    failures: list[BaseException] = []

    def opener(url: str) -> None:
        start.wait()
        try:
            assert _open_and_use(url) == migrations.HEAD_REVISION
        except BaseException as exc:  # noqa: BLE001
            failures.append(exc)

    threads = [threading.Thread(target=opener, args=(u,)) for u in urls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not failures, failures


@pytest.mark.slow
def test_processes_opening_a_fresh_store_at_once(tmp_path: Path) -> None:
    db = tmp_path / "home" / "track.db"
    go = tmp_path / "go"
    code = (
        "import os, sys, time\n"
        f"while not os.path.exists({str(go)!r}):\n"
        "    time.sleep(0.001)\n"
        "from jupyter_ext.store.meta import MetaStore\n"
        "from jupyter_ext.core import tasks\n"
        f"s = MetaStore.open({'sqlite:///' + str(db)!r})\n"
        "tasks.create(s, {'name': 'opened', 'project': 'race'})\n"
        "print(s.current_revision())\n"
    )
    # Imports done before the start signal, so the openings really overlap.
    procs = [subprocess.Popen([sys.executable, "-c", "import jupyter_ext.core.tasks, alembic.command\n" + code],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(OPENERS)]
    go.touch()
    outs = [p.communicate(timeout=180) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert out.strip() == migrations.HEAD_REVISION
    store = MetaStore.open(f"sqlite:///{db}")
    try:
        from jupyter_ext.core import tasks

        assert tasks.count(store, tasks.TaskFilter(project_name="race")) == OPENERS
    finally:
        store.close()
