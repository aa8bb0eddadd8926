"""The embedded SQLite file written through the stdlib: its schema is schema.py's, and every hot
write stores exactly the rows the SQLAlchemy path stores."""
from __future__ import annotations

import json
import math
import os
import sqlite3
import subprocess
import sys
import textwrap
from array import array
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from jupyter_ext.core import artifacts, embedded_writes, params, reporting, scalars, tasks
from jupyter_ext.core.event_batch import EventBatch
from jupyter_ext.errors import Conflict, NotFound
from jupyter_ext.store import embedded_scalars, sqlite_schema, sqlite_schema_gen
from jupyter_ext.store import scalars as scalar_rows
from jupyter_ext.store.embedded import EmbeddedDB
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.rows import ConfigRow, MetricSummary, ParamRow

pytestmark = pytest.mark.skipif(bool(os.environ.get("JUPYTER_TRACK_TEST_POSTGRES")),
                                reason="the stdlib path is the embedded SQLite file's")


def test_the_committed_sqlite_schema_is_what_schema_py_renders() -> None:
    with open(sqlite_schema_gen.TARGET, encoding="utf-8") as fh:
        assert fh.read() == sqlite_schema_gen.render(), (
            "store/sqlite_schema.py is out of date: run python -m jupyter_ext.store.sqlite_schema_gen")


def _master(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()


def test_a_new_file_gets_the_same_schema_as_sqlalchemy_creates(tmp_path: Path) -> None:
    db = EmbeddedDB.open(str(tmp_path / "stdlib.db"))
    assert db is not None
    assert db.revision() == sqlite_schema.REVISION
    db.close()
    MetaStore.open(f"sqlite:///{tmp_path / 'sqlalchemy.db'}").close()
    assert _master(tmp_path / "stdlib.db") == _master(tmp_path / "sqlalchemy.db")
    with sqlite3.connect(tmp_path / "stdlib.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert (os.stat(tmp_path / "stdlib.db").st_mode & 0o777) == 0o600


def test_a_file_at_another_revision_is_left_to_the_migrations(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    MetaStore.open(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0008'")
    assert EmbeddedDB.open(str(path)) is None


@pytest.mark.parametrize("n", [1, 2, 63, 64, 65, 200, 8192, 9000])
def test_block_summaries_and_running_summaries_match_numpy(n: int) -> None:
    rng = np.random.default_rng(n)
    it = np.arange(n, dtype="<i8") * 3 + 7
    va = rng.normal(size=n).round(1)  # rounded: ties, whose first occurrence must win
    if n > 3:
        va[1] = np.nan
        va[min(n - 1, 70):min(n, 70 + 64)] = np.nan  # a whole block of NaN
        va[2] = np.inf
    ti = 1.7e9 + np.arange(n, dtype="<f8")
    plain_it, plain_va = array("q", it.tolist()), array("d", va.tolist())
    assert embedded_scalars.block_summary(plain_it, plain_va) == scalar_rows.block_summary(it, va)
    assert embedded_scalars.block_summary(array("q", [3, 2]), array("d", [1.0, 2.0])) is None
    old = MetricSummary("t", "s", 5, 0.5, 0.25, 4, -9.0, 1, 0.75, 2, 1.0)
    for before in (MetricSummary("t", "s", 0, None, None, None, None, None, None, None, None), old):
        ours = embedded_writes.merge_summary(before, plain_it, plain_va, array("d", ti.tolist()))
        theirs = scalars.merge_summary(before, it, va, ti)
        assert _same(ours, theirs)


def _same(a: MetricSummary, b: MetricSummary) -> bool:
    import dataclasses

    for x, y in zip(dataclasses.astuple(a), dataclasses.astuple(b), strict=True):
        if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
            continue
        if x != y:
            return False
    return True


def _run_workload(write: Any) -> None:
    """The same writes through either path: ``write(name, *args, **kwargs)`` calls that path's function."""
    write("create", {"id": "t1", "project": "Team/P", "name": "run", "type": "training", "tags": ["b", "a", "a"],
                     "status": "in_progress", "created": 1000.0, "system_tags": ["development"],
                     "script": {"entry_point": "x.py"}})
    write("params", "t1", [ParamRow("General", "lr", 0.1, "float"), ParamRow("General", "n", 3, "int")])
    write("params", "t1", [ParamRow("General", "n", 4, "int"), ParamRow("Args", "x", "y", "str")])
    write("config", "t1", ConfigRow("model", "yaml", "a: 1", "desc"))
    write("update", "t1", {"comment": "hello", "runtime": {"python": "3"}})
    for start, n in ((0, 5000), (5000, 6000), (11000, 1)):  # fills the chunk, then a new one, then one point
        it = np.arange(start, start + n, dtype="<i8")
        va = np.sin(it / 100.0)
        va[::997] = np.nan
        ti = 1.7e9 + it.astype("<f8")
        batch = EventBatch()
        batch.scalars.append(("t1", "loss", "train", it, va, ti))
        batch.scalars.append(("t1", ":monitor:cpu", "usage", it[:3], va[:3], ti[:3]))
        batch.single_values.append(("t1", "acc", 0.5 + start, 5.0))
        batch.console.append(("t1", 20, f"line {start}\n", 6.0))
        batch.console.append(("gone", 20, "lost\n", 6.0))
        result = write("events", batch)
        assert result.dropped == {"gone": "the task no longer exists"}
    write("artifact", "t1", {"name": "weights", "blob_sha256": "ab" * 32, "size": 12, "time": 7.0,
                             "metadata": {"k": 1}})
    write("artifact", "t1", {"name": "weights", "blob_sha256": "cd" * 32, "size": 13, "time": 8.0})
    write("status", "t1", "completed")
    with pytest.raises(Conflict):
        write("status", "t1", "failed")  # completed -> failed is refused
    with pytest.raises(NotFound):
        write("params", "missing", [ParamRow("General", "x", 1, "int")])


def _embedded(db: EmbeddedDB) -> Any:
    calls = {"create": embedded_writes.create_task, "params": embedded_writes.set_parameters,
             "config": embedded_writes.set_configuration, "update": embedded_writes.update_task,
             "events": embedded_writes.write_events, "artifact": embedded_writes.put_artifact,
             "status": embedded_writes.set_status}
    return lambda name, *a, **k: calls[name](db, *a, **k)


def _sqlalchemy(store: MetaStore) -> Any:
    calls = {"create": tasks.create, "params": params.set_parameters, "config": params.set_configuration,
             "update": tasks.update, "events": reporting.apply, "artifact": artifacts.put, "status": tasks.set_status}
    return lambda name, *a, **k: calls[name](store, *a, **k)


_COMPARE = {
    "projects": "SELECT name, parent_id IS NULL FROM projects ORDER BY name",
    "tasks": "SELECT id, name, type, status, status_message, comment, user, created, started IS NOT NULL, "
             "completed IS NOT NULL, last_iteration, archived, system_tags, script, runtime FROM tasks",
    "task_tags": "SELECT * FROM task_tags ORDER BY tag",
    "params": "SELECT * FROM params ORDER BY position",
    "configurations": "SELECT * FROM configurations",
    "metrics": "SELECT task_id, title, series, count, first_value, last_value, last_iter, min_value, min_iter, "
               "max_value, max_iter, last_time FROM metrics ORDER BY title",
    "chunks": 'SELECT m.title, c.seq, c.n, c.iter_min, c.iter_max, c.iters, c."values", c.times, c.summary '
              "FROM scalar_chunks c JOIN metrics m ON m.id = c.metric_id ORDER BY m.title, c.seq",
    "single_values": "SELECT * FROM single_values",
    "console": "SELECT task_id, level, text, time FROM console ORDER BY id",
    "blobs": "SELECT sha256, size FROM blobs ORDER BY sha256",
    "artifacts": "SELECT task_id, name, type, mode, location, blob_sha256, url, file_name, content_type, size, "
                 "preview, metadata, user, time FROM artifacts",
}


def test_the_stdlib_path_stores_what_the_sqlalchemy_path_stores(tmp_path: Path) -> None:
    db = EmbeddedDB.open(str(tmp_path / "a.db"))
    assert db is not None
    store = MetaStore.open(f"sqlite:///{tmp_path / 'b.db'}")
    try:
        _run_workload(_embedded(db))
        _run_workload(_sqlalchemy(store))
        assert embedded_writes.get_task(db, "t1") == _without_times(tasks.get(store, "t1"), embedded_writes.get_task(
            db, "t1"))
        assert embedded_writes.is_reusable(db, "t1", project="Team/P", name="run", task_type="training") is False
    finally:
        db.close()
        store.close()
    with sqlite3.connect(tmp_path / "a.db") as a, sqlite3.connect(tmp_path / "b.db") as b:
        for what, sql in _COMPARE.items():
            assert a.execute(sql).fetchall() == b.execute(sql).fetchall(), what
        assert a.execute("SELECT count(*) FROM scalar_chunks").fetchone()[0] == 3  # two of loss, one of :monitor:


def _without_times(theirs: Any, ours: Any) -> Any:
    """``theirs`` with the ids and clock readings of ``ours`` (they differ by construction)."""
    import dataclasses

    return dataclasses.replace(theirs, project_id=ours.project_id, started=ours.started, completed=ours.completed,
                               last_update=ours.last_update)


def test_a_short_script_stores_everything_without_sqlalchemy_or_numpy(tmp_path: Path) -> None:
    home = tmp_path / "home"
    blob = tmp_path / "blob.bin"
    blob.write_bytes(b"x" * 100_000)
    code = textwrap.dedent(f"""
        import json, sys
        from jupyter_ext import Task
        task = Task.init(project_name="P", task_name="short")
        task.connect({{"lr": 0.1, "layers": 3}})
        log = task.get_logger()
        for i in range(20_000):
            log.report_scalar("loss", "train", 1.0 / (i + 1), iteration=i)
        log.report_single_value("acc", 0.9)
        print("hello from the script")
        task.upload_artifact("blob", artifact_object={str(blob)!r}, wait_on_upload=True)
        task.close()
        print(json.dumps({{"id": task.id, "loaded": sorted(m for m in ("sqlalchemy", "numpy", "alembic")
                                                            if m in sys.modules)}}))
    """)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER_TRACK_", "CLEARML_"))}
    env.update(JUPYTER_TRACK_HOME=str(home), JUPYTER_TRACK_CONFIG_FILE=str(tmp_path / "none.toml"))
    proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, check=True)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["loaded"] == []
    store = MetaStore.open(f"sqlite:///{home / 'track.db'}")
    try:
        row = tasks.get(store, out["id"])
        assert row.status == "completed"
        with store.read() as conn:
            series = scalars.read_series(conn, out["id"], max_samples=None)
        assert series["loss"]["train"]["x"] == list(range(20_000))
        assert [p.name for p in params.get_parameters(store, out["id"]) if p.section == "General"] == ["lr", "layers"]
        assert [a.name for a in artifacts.list_for_task(store, out["id"])] == ["blob"]
    finally:
        store.close()


def test_the_plain_task_list_is_the_full_querys(tmp_path: Path) -> None:
    db = EmbeddedDB.open(str(tmp_path / "t.db"))
    assert db is not None
    store = MetaStore.open(f"sqlite:///{tmp_path / 't.db'}")
    try:
        for i in range(30):
            project = ["A", "A/sub", "Ab", "a", "B/x"][i % 5]
            embedded_writes.create_task(db, {"id": f"t{i:02d}", "project": project, "name": f"n{i}",
                                             "type": ["training", "testing"][i % 2], "tags": [f"g{i % 3}"],
                                             "created": 100.0 + i // 2, "status": ["created", "in_progress"][i % 2]})
        tasks.archive(store, "t04")
        cases: list[dict[str, Any]] = [
            {}, {"limit": 7}, {"limit": 5, "offset": 4}, {"newest_first": False, "limit": 9},
            {"project_name": "A"}, {"project_name": ["Ab", "B"]}, {"project_name": "missing"},
            {"statuses": ["created"]}, {"types": ["testing"], "include_archived": False},
            {"project_name": "A", "statuses": ["in_progress"], "limit": 2},
        ]
        for filters in cases:
            assert embedded_writes.query_tasks(db, **filters) == tasks.query(store, **filters), filters
        for needs_more in ({"task_name": "n1"}, {"tags": ["g1"]}, {"task_ids": ["t01"]}, {"users": ["u"]}):
            with pytest.raises(embedded_writes.NeedsFullStore):
                embedded_writes.query_tasks(db, **needs_more)
    finally:
        db.close()
        store.close()


@pytest.mark.parametrize("known_n", [1, 63, 64, 100, 128])
def test_a_chunk_filled_up_keeps_its_whole_blocks_summary(known_n: int) -> None:
    rng = np.random.default_rng(known_n)
    it = np.arange(300, dtype="<i8")
    va = rng.normal(size=300).round(1)
    va[known_n // 2] = np.nan
    plain_it, plain_va = array("q", it.tolist()), array("d", va.tolist())
    known = embedded_scalars.block_summary(plain_it[:known_n], plain_va[:known_n])
    assert embedded_scalars.block_summary(plain_it, plain_va, known, known_n) == scalar_rows.block_summary(it, va)
    back = array("q", plain_it)
    back[known_n] = back[known_n - 1]  # the new points do not follow the old ones
    assert embedded_scalars.block_summary(back, plain_va, known, known_n) is None


def test_opening_the_file_again_in_the_process_keeps_its_locks(tmp_path: Path) -> None:
    """Closing any descriptor of the file drops every POSIX lock the process holds on it: a second
    opening must not open the file itself, or another process takes the WAL for unused, deletes it,
    and this process's later commits are lost."""
    path = tmp_path / "t.db"
    db = EmbeddedDB.open(str(path))
    assert db is not None
    store = MetaStore.open(f"sqlite:///{path}")  # the SQLAlchemy store of the same process
    try:
        other = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                 "c.execute('SELECT count(*) FROM tasks').fetchall(); c.close()")
        subprocess.run([sys.executable, "-c", other, str(path)], check=True, timeout=60)
        embedded_writes.create_task(db, {"id": "kept", "project": "P", "name": "n"})
        tasks.create(store, {"id": "kept2", "project": "P", "name": "n"})
        seen = subprocess.run([sys.executable, "-c", "import sqlite3, sys; print(sorted(r[0] for r in sqlite3.connect("
                               "sys.argv[1]).execute('SELECT id FROM tasks')))", str(path)],
                              check=True, timeout=60, capture_output=True, text=True).stdout.strip()
        assert seen == "['kept', 'kept2']"
    finally:
        db.close()
        store.close()
