"""Rows of the hot tables over a stdlib ``sqlite3`` cursor (``store/embedded.py``): what a
running script writes (its task, parameters, scalars, console, artifacts) and the few reads those
writes check. The SQLAlchemy row modules (``tasks.py``, ``params.py``, ``scalars.py`` …) are the
same rows for PostgreSQL and for everything else; both read and write the same bytes.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from jupyter_ext.store.embedded import Cursor, insert, insert_many
from jupyter_ext.store.rows import ArtifactRow, ConfigRow, MetricSummary, ParamRow, ProjectRow, TaskRow, dumps, loads

_TASK_COLUMNS = ("t.id, t.project_id, p.name, t.name, t.type, t.status, t.status_message, t.status_reason, "
                 "t.comment, t.parent_id, t.user, t.created, t.started, t.completed, t.last_update, "
                 "t.last_iteration, t.archived, t.system_tags, t.script, t.runtime, t.output_uri, t.queue, t.worker")
_TASK_JSON = ("script", "runtime")


# -- projects and tasks -------------------------------------------------------------------------
def project_by_name(cur: Cursor, name: str) -> ProjectRow | None:
    r = cur.execute("SELECT id, name, parent_id, description, default_output_uri, created, last_update "
                    "FROM projects WHERE name = ?", (name,)).fetchone()
    return None if r is None else ProjectRow(r[0], r[1], r[2], r[3] or "", r[4], r[5], r[6])


def insert_project(cur: Cursor, row: ProjectRow) -> None:
    insert(cur, "projects", row.to_dict())


def get_task(cur: Cursor, task_id: str) -> TaskRow | None:
    r = cur.execute(f"SELECT {_TASK_COLUMNS} FROM tasks t JOIN projects p ON p.id = t.project_id "
                    "WHERE t.id = ?", (task_id,)).fetchone()
    if r is None:
        return None
    return _task(r, tuple(t for (t,) in cur.execute("SELECT tag FROM task_tags WHERE task_id = ? ORDER BY tag",
                                                     (task_id,))))


def _task(r: Sequence[Any], tags: tuple[str, ...]) -> TaskRow:
    (tid, pid, pname, name, ttype, status, smsg, sreason, comment, parent, user, created, started, completed,
     last_update, last_iter, archived, stags, script, runtime, out_uri, queue, worker) = r
    return TaskRow(tid, pid, pname, name, ttype, status, smsg or "", sreason or "", comment or "", parent, user or "",
                   created, started, completed, last_update, int(last_iter or 0), bool(archived), tags,
                   tuple(loads(stags, [])), loads(script, {}), loads(runtime, {}), out_uri, queue, worker)


def task_status(cur: Cursor, task_id: str) -> tuple[str, int] | None:
    """(status, last_iteration) of a task, or None."""
    r = cur.execute("SELECT status, last_iteration FROM tasks WHERE id = ?", (task_id,)).fetchone()
    return None if r is None else (str(r[0]), int(r[1] or 0))


def insert_task(cur: Cursor, row: TaskRow) -> None:
    values = row.to_dict()
    values.pop("project_name")
    values.pop("tags")
    values["system_tags"] = dumps(list(row.system_tags))
    for name in _TASK_JSON:
        values[name] = dumps(values[name])
    insert(cur, "tasks", values)
    set_tags(cur, row.id, row.tags)


def update_task(cur: Cursor, task_id: str, fields: Mapping[str, Any], expected_status: str | None = None) -> bool:
    """Set ``fields`` (``tags`` replaces the tag rows); with ``expected_status``, only while the
    task still has it. True when the row was updated."""
    values = dict(fields)
    if "tags" in values:
        set_tags(cur, task_id, values.pop("tags"))
    if "system_tags" in values:
        values["system_tags"] = dumps(list(values["system_tags"]))
    for name in _TASK_JSON:
        if name in values:
            values[name] = dumps(values[name])
    if not values:
        return True
    _check_columns("tasks", values)
    sql = "UPDATE tasks SET " + ", ".join(f'"{c}" = ?' for c in values) + " WHERE id = ?"
    args = [*values.values(), task_id]
    if expected_status is not None:
        sql += " AND status = ?"
        args.append(expected_status)
    return cur.execute(sql, args).rowcount > 0


def set_tags(cur: Cursor, task_id: str, tags: Sequence[str]) -> None:
    cur.execute("DELETE FROM task_tags WHERE task_id = ?", (task_id,))
    unique = sorted(set(tags))
    if unique:
        insert_many(cur, "task_tags", [{"task_id": task_id, "tag": t} for t in unique])


def has_outputs(cur: Cursor, task_id: str) -> bool:
    """Whether the task has any result (scalars, artifacts, output models, plots, values, samples)."""
    for sql in ("SELECT 1 FROM metrics WHERE task_id = ? LIMIT 1",
                "SELECT 1 FROM artifacts WHERE task_id = ? LIMIT 1",
                "SELECT 1 FROM task_models WHERE task_id = ? AND mode = 'output' LIMIT 1",
                "SELECT 1 FROM plots WHERE task_id = ? LIMIT 1",
                "SELECT 1 FROM single_values WHERE task_id = ? LIMIT 1",
                "SELECT 1 FROM debug_samples WHERE task_id = ? LIMIT 1"):
        if cur.execute(sql, (task_id,)).fetchone() is not None:
            return True
    return False


# -- parameters -----------------------------------------------------------------------------------
def get_params(cur: Cursor, task_id: str) -> list[ParamRow]:
    rows = cur.execute("SELECT section, name, value, type, description FROM params WHERE task_id = ? "
                       "ORDER BY position", (task_id,))
    return [ParamRow(s, n, loads(v, None), t, d or "") for s, n, v, t, d in rows]


def delete_params(cur: Cursor, task_id: str) -> None:
    cur.execute("DELETE FROM params WHERE task_id = ?", (task_id,))


def upsert_params(cur: Cursor, task_id: str, rows: Sequence[ParamRow]) -> None:
    """As ``params.upsert_params``: a name already stored keeps its position, new ones follow."""
    if not rows:
        return
    existing = {(s, n): p for s, n, p in cur.execute("SELECT section, name, position FROM params WHERE task_id = ?",
                                                     (task_id,))}
    next_pos = (max(existing.values()) + 1) if existing else 0
    stale = [(task_id, r.section, r.name) for r in rows if (r.section, r.name) in existing]
    if stale:
        cur.executemany("DELETE FROM params WHERE task_id = ? AND section = ? AND name = ?", stale)
    values = []
    for r in rows:
        pos = existing.get((r.section, r.name))
        if pos is None:
            pos, next_pos = next_pos, next_pos + 1
        values.append({"task_id": task_id, "section": r.section, "name": r.name, "value": dumps(r.value),
                       "type": r.type, "description": r.description, "position": pos})
    insert_many(cur, "params", values)


def get_configs(cur: Cursor, task_id: str) -> list[ConfigRow]:
    rows = cur.execute("SELECT name, type, text, description FROM configurations WHERE task_id = ? ORDER BY name",
                       (task_id,))
    return [ConfigRow(n, t, x, d or "") for n, t, x, d in rows]


def upsert_config(cur: Cursor, task_id: str, name: str, kind: str, text: str, description: str) -> None:
    cur.execute("DELETE FROM configurations WHERE task_id = ? AND name = ?", (task_id, name))
    insert(cur, "configurations", {"task_id": task_id, "name": name, "type": kind, "text": text,
                                   "description": description})


# -- scalars --------------------------------------------------------------------------------------
def metric_ids(cur: Cursor, task_id: str, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Ids of the (title, series) metrics of a task, creating the missing ones."""
    found = {(t, s): int(i) for i, t, s in cur.execute("SELECT id, title, series FROM metrics WHERE task_id = ?",
                                                        (task_id,))}
    for title, series in dict.fromkeys(keys):
        if (title, series) not in found:
            found[(title, series)] = insert(cur, "metrics", {"task_id": task_id, "title": title, "series": series})
    return found


def last_chunk(cur: Cursor, metric_id: int) -> tuple[int, int, bytes, bytes, bytes, bytes | None] | None:
    """(seq, n, iters, values, times, summary) of a metric's newest chunk."""
    r = cur.execute('SELECT seq, n, iters, "values", times, summary FROM scalar_chunks WHERE metric_id = ? '
                    "ORDER BY seq DESC LIMIT 1", (metric_id,)).fetchone()
    return None if r is None else (int(r[0]), int(r[1]), bytes(r[2]), bytes(r[3]), bytes(r[4]),
                                   None if r[5] is None else bytes(r[5]))


def replace_chunk(cur: Cursor, metric_id: int, seq: int, row: Mapping[str, Any]) -> None:
    cur.execute('UPDATE scalar_chunks SET n = ?, iter_min = ?, iter_max = ?, iters = ?, "values" = ?, times = ?, '
                "summary = ? WHERE metric_id = ? AND seq = ?",
                (row["n"], row["iter_min"], row["iter_max"], row["iters"], row["values"], row["times"],
                 row["summary"], metric_id, seq))


def insert_chunks(cur: Cursor, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        insert_many(cur, "scalar_chunks", rows)


def summary_of(cur: Cursor, metric_id: int) -> MetricSummary:
    r = cur.execute("SELECT title, series, count, first_value, last_value, last_iter, min_value, min_iter, "
                    "max_value, max_iter, last_time FROM metrics WHERE id = ?", (metric_id,)).fetchone()
    n = int(r[2])
    return MetricSummary(title=r[0], series=r[1], count=n, first_value=_nan_if_null(r[3], n),
                         last_value=_nan_if_null(r[4], n), last_iter=r[5], min_value=r[6], min_iter=r[7],
                         max_value=r[8], max_iter=r[9], last_time=r[10])


def _nan_if_null(v: float | None, count: int) -> float | None:
    # SQLite turns NaN into NULL; a summary of a non-empty series with NULL was NaN.
    return float("nan") if v is None and count else v


def write_summary(cur: Cursor, metric_id: int, s: MetricSummary) -> None:
    cur.execute("UPDATE metrics SET count = ?, first_value = ?, last_value = ?, last_iter = ?, min_value = ?, "
                "min_iter = ?, max_value = ?, max_iter = ?, last_time = ? WHERE id = ?",
                (s.count, s.first_value, s.last_value, s.last_iter, s.min_value, s.min_iter, s.max_value,
                 s.max_iter, s.last_time, metric_id))


# -- other events ---------------------------------------------------------------------------------
def upsert_single_values(cur: Cursor, task_id: str, values: Mapping[str, tuple[float, float]]) -> None:
    if values:
        cur.executemany("DELETE FROM single_values WHERE task_id = ? AND name = ?", [(task_id, n) for n in values])
        insert_many(cur, "single_values", [{"task_id": task_id, "name": n, "value": v, "time": t}
                                           for n, (v, t) in values.items()])


def insert_console(cur: Cursor, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        insert_many(cur, "console", rows)


# -- artifacts ------------------------------------------------------------------------------------
def record_blob(cur: Cursor, sha: str, size: int, location: str, now: float) -> None:
    """As ``blob_refs.record``: the file is known to exist at ``location``."""
    if location == "":
        cur.execute("INSERT OR IGNORE INTO blobs (sha256, size, created) VALUES (?, ?, ?)", (sha, size, now))
    else:
        cur.execute("INSERT OR IGNORE INTO blob_copies (location, sha256, size, created) VALUES (?, ?, ?, ?)",
                    (location, sha, size, now))


_ARTIFACT_FIELDS = ("task_id", "name", "type", "mode", "location", "blob_sha256", "url", "file_name", "content_type",
                    "size", "preview", "metadata", "user", "time")


def replace_artifact(cur: Cursor, row: Mapping[str, Any]) -> ArtifactRow:
    """Insert, overwriting the task's artifact of the same name; the stored row."""
    cur.execute("DELETE FROM artifacts WHERE task_id = ? AND name = ?", (row["task_id"], row["name"]))
    values = {k: row.get(k) for k in _ARTIFACT_FIELDS}
    values["metadata"] = dumps(row.get("metadata") or {})
    new_id = insert(cur, "artifacts", values)
    stored = dict(values, id=new_id, metadata=loads(values["metadata"], {}))
    return ArtifactRow(**stored)


def _check_columns(table: str, values: Mapping[str, Any]) -> None:
    from jupyter_ext.store.sqlite_schema import DEFAULTS

    unknown = set(values) - set(DEFAULTS[table])
    if unknown:
        raise KeyError(f"{table} has no column {', '.join(sorted(unknown))}")


def task_page(cur: Cursor, *, project_names: Sequence[str] | None, statuses: Sequence[str] | None,
              types: Sequence[str] | None, include_archived: bool, descending: bool, limit: int | None,
              offset: int) -> list[TaskRow]:
    """As ``tasks.page`` ordered by ``created`` (then ``id``) for the plain filters: tasks in the
    named projects (their whole names, as the SQLite path of ``projects.descendants`` compares
    them), statuses, types, archived or not."""
    conds: list[str] = []
    args: list[Any] = []
    if project_names is not None:
        ors = []
        for name in project_names:  # the project and those below it: an index range, case-sensitive
            ors.append("(p.name = ? OR (p.name >= ? AND p.name < ?))")
            args += [name, name + "/", name + "0"]
        conds.append("t.project_id IN (SELECT p.id FROM projects p WHERE " + " OR ".join(ors) + ")")
    for column, wanted in (("status", statuses), ("type", types)):
        if wanted:
            conds.append(f"t.{column} IN ({', '.join('?' * len(wanted))})")
            args += list(wanted)
    if not include_archived:
        conds.append("t.archived = 0")
    order = "DESC" if descending else "ASC"
    sql = "SELECT t.id FROM tasks t" + (" WHERE " + " AND ".join(conds) if conds else "")
    sql += f" ORDER BY t.created {order}, t.id {order} LIMIT ? OFFSET ?"
    ids = [r[0] for r in cur.execute(sql, [*args, -1 if limit is None else limit, offset])]
    if not ids:
        return []
    found: dict[str, TaskRow] = {}
    for start in range(0, len(ids), 500):  # bound parameters per statement are limited
        part = ids[start:start + 500]
        marks = ", ".join("?" * len(part))
        tags: dict[str, list[str]] = {i: [] for i in part}
        for task_id, tag in cur.execute(f"SELECT task_id, tag FROM task_tags WHERE task_id IN ({marks}) ORDER BY tag",
                                        part):
            tags[task_id].append(tag)
        for r in cur.execute(f"SELECT {_TASK_COLUMNS} FROM tasks t JOIN projects p ON p.id = t.project_id "
                             f"WHERE t.id IN ({marks})", part):
            found[r[0]] = _task(r, tuple(tags[r[0]]))
    return [found[i] for i in ids if i in found]
