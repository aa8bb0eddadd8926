"""Queue rules at the core: pop is atomic across threads and processes on one SQLite file, and
a queue entry exists exactly while its task is queued."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from jupyter_ext.core import queues, tasks, workers
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.schema import queue_entries

N_TASKS = 240

_POPPER = """
import sys, time
from pathlib import Path
from jupyter_ext.core import queues
from jupyter_ext.store.meta import MetaStore

url, worker, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
store = MetaStore.open(url)
(go.parent / worker.replace(":", "-")).touch()  # ready
while not go.exists():
    time.sleep(0.005)
while (row := queues.pop_next(store, worker, ["high", "default"])) is not None:
    print(row.id, flush=True)
"""


def _entries(store: MetaStore) -> dict[str, str]:
    with store.read() as conn:
        return {r.task_id: r.queue_id for r in conn.execute(select(queue_entries))}


@pytest.mark.slow
def test_every_task_is_handed_out_exactly_once_to_threads_and_processes(store: MetaStore, make_task: Any,
                                                                        db_url: str, tmp_path: Path) -> None:
    queues.create(store, "high")
    made = []
    for i in range(N_TASKS):
        t = make_task(name=f"t{i}")
        queues.enqueue(store, t.id, "high" if i % 3 == 0 else None)
        made.append(t.id)
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", _POPPER, db_url, f"proc:{i}", str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(3)]
    got: dict[str, list[str]] = {}
    errors: list[BaseException] = []

    def pop_all(worker: str) -> None:
        own = MetaStore.open(db_url)  # its own connections, as a separate agent would have
        try:
            while not go.exists():
                time.sleep(0.005)
            while (row := queues.pop_next(own, worker, ["high", "default"])) is not None:
                got.setdefault(worker, []).append(row.id)
        except BaseException as exc:  # noqa: BLE001 - re-raised by the test's main thread
            errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=pop_all, args=(f"thread:{i}",)) for i in range(4)]
    for th in threads:
        th.start()
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"proc-{i}").exists() for i in range(3)) and time.monotonic() < deadline:
        time.sleep(0.01)  # every process has imported and opened the store: a fair start
    go.touch()
    for th in threads:
        th.join(timeout=120)
    for i, p in enumerate(procs):
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        got[f"proc:{i}"] = out.split()
    assert not errors
    handed = [tid for ids in got.values() for tid in ids]
    assert len(handed) == len(set(handed)) == N_TASKS  # none twice, none lost
    assert set(handed) == set(made)
    shares = {w: len(ids) for w, ids in got.items()}
    # the pops really raced: threads and processes both took tasks
    assert any(shares[f"proc:{i}"] for i in range(3)) and any(shares[f"thread:{i}"] for i in range(4)), shares
    for worker, ids in got.items():
        for tid in ids[:5]:
            row = tasks.get(store, tid)
            assert (row.status, row.worker) == ("in_progress", worker)
    assert _entries(store) == {}


def test_high_priority_queue_empties_first(store: MetaStore, make_task: Any) -> None:
    queues.create(store, "high")
    low, high = make_task(), make_task()
    queues.enqueue(store, low.id)
    queues.enqueue(store, high.id, "high")
    assert queues.pop_next(store, "w:1", ["high", "default"]).id == high.id  # type: ignore[union-attr]
    assert queues.pop_next(store, "w:1", ["high", "default"]).id == low.id  # type: ignore[union-attr]


def test_pop_drops_a_stale_entry_and_takes_the_next(store: MetaStore, make_task: Any) -> None:
    from sqlalchemy import update

    from jupyter_ext.store.schema import tasks as tasks_table

    a, b = make_task(), make_task()
    queues.enqueue(store, a.id)
    queues.enqueue(store, b.id)
    with store.write() as conn:  # a writer that bypassed the rules (an old version, a manual edit)
        conn.execute(update(tasks_table).where(tasks_table.c.id == a.id).values(status="created"))
    assert queues.pop_next(store, "w:1", ["default"]).id == b.id  # type: ignore[union-attr]
    assert _entries(store) == {}
    assert tasks.get(store, a.id).status == "created"


def test_set_status_to_queued_joins_the_last_queue_and_leaving_removes_the_entry(store: MetaStore,
                                                                                  make_task: Any) -> None:
    queues.create(store, "gpu")
    t = make_task()
    queues.enqueue(store, t.id, "gpu")
    tasks.set_status(store, t.id, "stopped")
    assert _entries(store) == {}
    row = tasks.set_status(store, t.id, "queued")
    gpu = queues.get(store, "gpu")
    assert row.queue == "gpu" and _entries(store) == {t.id: gpu.id}
    queues.delete(store, "gpu", force=True)
    assert tasks.get(store, t.id).status == "created" and _entries(store) == {}
    tasks.set_status(store, t.id, "queued")  # its queue is gone: default
    assert tasks.get(store, t.id).queue == "default"


def test_reset_forgets_the_worker(store: MetaStore, make_task: Any) -> None:
    t = make_task()
    queues.enqueue(store, t.id)
    workers.register(store, "w:9", ["default"], {})
    queues.pop_next(store, "w:9", ["default"])
    tasks.set_status(store, t.id, "completed")
    assert tasks.reset(store, t.id).worker is None


def test_the_head_is_read_with_skip_locked_on_postgresql() -> None:
    from sqlalchemy.dialects import postgresql

    from jupyter_ext.store import queues as queue_rows

    locked = str(queue_rows.head_query(skip_locked=True).compile(dialect=postgresql.dialect()))
    assert locked.rstrip().endswith("FOR UPDATE SKIP LOCKED")
    plain = str(queue_rows.head_query(skip_locked=False).compile(dialect=postgresql.dialect()))
    assert "FOR UPDATE" not in plain


def test_a_queued_task_copied_by_sync_waits_in_its_queue_there(store: MetaStore, make_task: Any,
                                                               tmp_path: Path) -> None:
    from jupyter_ext.core import sync

    queues.create(store, "gpu")
    t = make_task()
    queues.enqueue(store, t.id, "gpu")
    dest = MetaStore.open(f"sqlite:///{tmp_path / 'dest.db'}")
    try:
        for record in sync.export(store, "projects"):
            sync.import_record(dest, record)
        for record in sync.export(store, "task", t.id):
            sync.import_record(dest, record)
        copied = queues.get(dest, "gpu")
        assert [e.task_id for e in copied.entries] == [t.id]
        assert queues.pop_next(dest, "w:1", ["gpu"]).id == t.id  # type: ignore[union-attr]
    finally:
        dest.close()
