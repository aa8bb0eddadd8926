"""The cost of the access check a team server makes on every request, with 10,000 grants.

A store with 2,000 projects (a tree of top projects with two levels below), 500 users in 50
groups and 10,000 grants to users and groups at every level. One check is what a request to a
task route pays once the task's project is known: :func:`core.access.require` for a user who is
not a server admin, on a deep project whose role comes from a grant on an ancestor (the index
is warm, as on a running server). Also: the first build of the index (what a grant change
costs the next request), and listing the projects a user may see.
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time

from _common import RUNS, Row, main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def _fill(url: str) -> tuple[list[str], list[str]]:
    import uuid

    from jupyter_ext.core import users
    from jupyter_ext.store import teams
    from jupyter_ext.store.meta import MetaStore
    from jupyter_ext.store.rows import ProjectRow
    from jupyter_ext.store.schema import projects

    meta = MetaStore.open(url)
    rng = random.Random(7)
    users.add(meta, "root")
    names = [f"u{i}" for i in range(500)]
    ids: list[str] = []
    leaves: list[str] = []
    now = time.time()
    with meta.write() as conn:
        for n in names:
            teams.insert_user(conn, teams.UserRow(n, n, "", False, now, None, (f"g{rng.randrange(50)}",)))
        for top in range(100):
            top_id = uuid.uuid4().hex
            rows = [ProjectRow(top_id, f"P{top}", None, "", None, now, now)]
            for mid in range(4):
                mid_id = uuid.uuid4().hex
                rows.append(ProjectRow(mid_id, f"P{top}/m{mid}", top_id, "", None, now, now))
                for leaf in range(4):
                    leaf_id = uuid.uuid4().hex
                    rows.append(ProjectRow(leaf_id, f"P{top}/m{mid}/l{leaf}", mid_id, "", None, now, now))
                    leaves.append(leaf_id)
            for r in rows:
                conn.execute(projects.insert().values(id=r.id, name=r.name, parent_id=r.parent_id, description="",
                                                      default_output_uri=None, created=now, last_update=now))
                ids.append(r.id)
        grants = set()
        while len(grants) < 10_000:
            who = f"user:{rng.choice(names)}" if rng.random() < 0.8 else f"group:g{rng.randrange(50)}"
            grants.add((rng.choice(ids), who))
        for project_id, who in grants:
            teams.put_grant(conn, teams.GrantRow(project_id, who, rng.choice(("viewer", "editor", "admin")), "root",
                                                 now))
    meta.close()
    return names, leaves


def collect() -> list[Row]:
    from jupyter_ext.core import access
    from jupyter_ext.store.meta import MetaStore

    folder = tempfile.mkdtemp(prefix="jxbench-access-")
    url = f"sqlite:///{folder}/t.db"
    names, leaves = _fill(url)
    meta = MetaStore.open(url)
    rng = random.Random(1)
    from jupyter_ext.store.schema import tasks

    now = time.time()
    with meta.write() as conn:  # tasks to look up: what a task route resolves before its check
        for i, project in enumerate(leaves[:1000]):
            conn.execute(tasks.insert().values(id=f"t{i}", project_id=project, name="t", type="training",
                                               status="created", created=now, last_update=now))
    checks, builds, lists, lookups = [], [], [], []
    for _ in range(RUNS):
        access.forget_all()
        t0 = time.perf_counter()
        access.index(meta)
        builds.append(time.perf_counter() - t0)
        samples = []
        for _ in range(20_000):
            caller = access.Caller(rng.choice(names))
            project = rng.choice(leaves)
            t0 = time.perf_counter()
            try:
                access.require(meta, caller, project, "viewer", "read it")
            except Exception:  # noqa: BLE001 - a refusal costs the same check; it is what is timed
                pass
            samples.append(time.perf_counter() - t0)
        checks.append(statistics.median(samples))
        t0 = time.perf_counter()
        access.visible_projects(meta, access.Caller(rng.choice(names)))
        lists.append(time.perf_counter() - t0)
        samples = []
        for i in range(2000):
            t0 = time.perf_counter()
            access.project_of(meta, "task", f"t{i % 1000}")
            samples.append(time.perf_counter() - t0)
        lookups.append(statistics.median(samples))
    meta.close()
    load = os.getloadavg()[0]
    return [Row("permission check p50, 10,000 grants", checks, 0.0001, unit="us",
                notes=[f"load average {load:.2f} on {os.cpu_count()} cores; 2,100 projects, 500 users"]),
            Row("index build after a change", builds, None),
            Row("visible projects of one user (a list's filter)", lists, None),
            Row("a task's project looked up (one SELECT, before the check)", lookups, None, unit="us")]


if __name__ == "__main__":
    main(collect)
