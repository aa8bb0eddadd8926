"""Read answers served again while the store is unchanged, and never once it changed: by this
server, or by another process writing the SQLite file directly (as a kernel does)."""
from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from typing import Any

import pytest
import requests

from jupyter_ext.core import keys
from jupyter_ext.server.background import BackgroundServer
from jupyter_ext.server.read_cache import Answer, ReadCache
from jupyter_ext.wire.routes import API_PREFIX


def _cached(db_url: str) -> bool:
    return db_url.startswith("sqlite")  # PostgreSQL has no change marker: never cached


def _in_another_process(db_url: str, code: str) -> None:
    prelude = f"from jupyter_ext.store.meta import MetaStore\nstore = MetaStore.open({db_url!r})\n"
    subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code) + "\nstore.close()\n"], check=True,
                   timeout=120)


@pytest.mark.slow
def test_a_write_by_another_process_is_seen_on_the_next_read(api: Any, standalone: BackgroundServer,
                                                               db_url: str) -> None:
    task = api("POST", "tasks", json={"name": "before", "project": "cache"}).json()
    reads = standalone.services.reads
    first = api("GET", f"tasks/{task['id']}")
    listed = api("GET", "tasks?project=cache")
    hits = reads.hits
    again = api("GET", f"tasks/{task['id']}")
    assert again.content == first.content and again.json()["name"] == "before"
    assert api("GET", "tasks?project=cache").content == listed.content
    if _cached(db_url):
        assert reads.hits == hits + 2  # the two repeats were served from the cache

    _in_another_process(db_url, f"""
        from jupyter_ext.core import scalars, tasks
        tasks.update(store, {task['id']!r}, {{"name": "after"}})
        with store.write() as conn:
            scalars.append(conn, {task['id']!r}, [("loss", "train", [1, 2], [0.5, 0.25], [1.0, 2.0])])
        """)
    assert api("GET", f"tasks/{task['id']}").json()["name"] == "after"
    assert [t["name"] for t in api("GET", "tasks?project=cache").json()["items"]] == ["after"]
    chart = api("GET", f"tasks/{task['id']}/scalars?max_points=100").json()
    assert chart["loss"]["train"]["y"] == [0.5, 0.25]

    _in_another_process(db_url, f"""
        from jupyter_ext.core import scalars
        with store.write() as conn:
            scalars.append(conn, {task['id']!r}, [("loss", "train", [3], [0.125], [3.0])])
        """)
    chart = api("GET", f"tasks/{task['id']}/scalars?max_points=100").json()
    assert chart["loss"]["train"]["y"] == [0.5, 0.25, 0.125]


def test_a_write_through_the_api_is_seen_and_errors_are_not_kept(api: Any, standalone: BackgroundServer) -> None:
    task = api("POST", "tasks", json={"name": "one", "project": "cache"}).json()
    assert api("GET", f"tasks/{task['id']}").json()["name"] == "one"
    assert api("PATCH", f"tasks/{task['id']}", json={"name": "two"}).status_code == 200
    assert api("GET", f"tasks/{task['id']}").json()["name"] == "two"
    assert api("GET", "tasks/nope").status_code == 404
    api("POST", "tasks", json={"name": "now here", "project": "cache", "id": "nope"})
    assert api("GET", "tasks/nope").json()["name"] == "now here"


def test_a_cached_answer_still_checks_the_credentials(standalone: BackgroundServer, db_url: str) -> None:
    access, secret = standalone.create_key("to-revoke")
    url = f"{standalone.url}/{API_PREFIX}projects"
    assert requests.get(url, auth=(access, secret), timeout=30).status_code == 200
    hits = standalone.services.reads.hits
    assert requests.get(url, auth=(access, secret), timeout=30).status_code == 200
    if _cached(db_url):
        assert standalone.services.reads.hits == hits + 1
    keys.revoke(standalone.services.backend.store, access)
    refused = requests.get(url, auth=(access, secret), timeout=30)
    assert refused.status_code == 401 and "revoked" in refused.json()["error"]["message"]
    assert requests.get(url, timeout=30).status_code == 401


def test_requests_arriving_together_compute_one_answer() -> None:
    cache = ReadCache()
    computed = 0

    async def main() -> list[Answer]:
        release = asyncio.Event()

        async def compute() -> Answer:
            nonlocal computed
            computed += 1
            await release.wait()
            return Answer.of(200, b'{"a":1}')

        waiting = [asyncio.ensure_future(cache.answer("k", 7, compute)) for _ in range(10)]
        await asyncio.sleep(0)
        release.set()
        out = await asyncio.gather(*waiting)
        out.append(await cache.answer("k", 7, compute))  # kept
        out.append(await cache.answer("k", 8, compute))  # a new version: computed again
        return out

    answers = asyncio.run(main())
    assert computed == 2 and {a.payload for a in answers} == {b'{"a":1}'}


def test_an_error_reaches_every_waiter_and_is_not_kept() -> None:
    cache = ReadCache()

    async def main() -> list[Any]:
        async def fail() -> Answer:
            await asyncio.sleep(0.01)
            raise KeyError("gone")

        results = await asyncio.gather(*(cache.answer("k", 1, fail) for _ in range(3)), return_exceptions=True)
        ok = await cache.answer("k", 1, _ok)
        return [*results, ok]

    async def _ok() -> Answer:
        return Answer.of(200, b"{}")

    *errors, ok = asyncio.run(main())
    assert all(isinstance(e, KeyError) for e in errors) and ok.payload == b"{}"


def test_a_key_revoked_by_another_process_is_refused_at_the_next_request(standalone: BackgroundServer,
                                                                          db_url: str) -> None:
    if not _cached(db_url):
        pytest.skip("without a change marker (PostgreSQL) other processes honour a revocation within "
                    "keys.CACHE_SECONDS")
    access, secret = standalone.create_key("revoked-elsewhere")
    base = f"{standalone.url}/{API_PREFIX}"
    token = requests.post(base + "auth/token", auth=(access, secret), json={}, timeout=30).json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    for _ in range(2):  # the second time from the key caches
        assert requests.get(base + "projects", auth=(access, secret), timeout=30).status_code == 200
        assert requests.get(base + "projects", headers=bearer, timeout=30).status_code == 200
    _in_another_process(db_url, f"""
        from jupyter_ext.core import keys
        keys.revoke(store, {access!r})
        """)
    assert requests.get(base + "projects", auth=(access, secret), timeout=30).status_code == 401
    assert requests.get(base + "projects", headers=bearer, timeout=30).status_code == 401
