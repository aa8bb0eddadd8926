"""Fixtures shared by the store, core, client and sdk tests: real SQLite files in ``tmp_path``.

Nothing here is autouse, so the capture and figure tests (owned elsewhere) are untouched.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Variables of the developer's shell that would point a test at their real settings or store.
_LEAKY = ("JUPYTER_TRACK_", "CLEARML_")


def _clean_environ(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if not k.startswith(_LEAKY)}


@pytest.fixture
def track_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private tracker home for this test; the SDK session is forgotten before and after."""
    from jupyter_ext.sdk import _session as session

    home = tmp_path / "home"
    for name in list(os.environ):
        if name.startswith(_LEAKY):
            monkeypatch.delenv(name)
    monkeypatch.setenv("JUPYTER_TRACK_HOME", str(home))
    monkeypatch.setenv("JUPYTER_TRACK_CONFIG_FILE", str(tmp_path / "no-such-track.toml"))
    monkeypatch.setenv("CLEARML_CONFIG_FILE", str(tmp_path / "no-such-clearml.conf"))  # not the developer's
    session.reset_for_tests()
    yield home
    # A test that failed half-way must not leave a live task (and its console tee) behind.
    from jupyter_ext.sdk.tasks.task import Task

    current = Task.current_task()
    if current is not None:
        current.close()
    session.reset_for_tests()


# The PostgreSQL pass (dev.py test starts a throwaway cluster and sets this): every test that
# takes ``db_url`` runs on a fresh PostgreSQL database instead of a SQLite file.
POSTGRES_URL = os.environ.get("JUPYTER_TRACK_TEST_POSTGRES", "")
_PG_TEMPLATE = "track_template"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not POSTGRES_URL:
        return
    skip = pytest.mark.skip(reason="about the SQLite file itself; this is the PostgreSQL pass")
    for item in items:
        if "sqlite_only" in item.keywords:
            item.add_marker(skip)


def _pg_database(name: str) -> str:
    return POSTGRES_URL.rsplit("/", 1)[0] + "/" + name


def _pg_admin() -> Any:
    import psycopg

    return psycopg.connect(POSTGRES_URL, autocommit=True)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database migrated by Alembic per test session; tests get copies (migrating costs
    ~70 ms, copying ~1 ms). The migration tests open fresh files of their own."""
    from jupyter_ext.store.meta import MetaStore

    path = tmp_path_factory.mktemp("template") / "t.db"
    MetaStore.open(f"sqlite:///{path}").close()  # closing the last connection checkpoints the WAL
    if POSTGRES_URL:
        with _pg_admin() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {_PG_TEMPLATE} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {_PG_TEMPLATE}")
        MetaStore.open(_pg_database(_PG_TEMPLATE)).close()
    return path


@pytest.fixture
def db_url(tmp_path: Path, migrated_template: Path) -> Iterator[str]:
    """A migrated SQLite file at ``tmp_path/"t.db"`` (a fresh PostgreSQL database in the
    PostgreSQL pass)."""
    if POSTGRES_URL:
        import uuid

        name = "t_" + uuid.uuid4().hex[:16]
        with _pg_admin() as admin:
            admin.execute(f"CREATE DATABASE {name} TEMPLATE {_PG_TEMPLATE}")
        yield _pg_database(name)
        with _pg_admin() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        return
    for suffix in ("", "-wal"):
        src = Path(str(migrated_template) + suffix)
        if src.exists():
            shutil.copyfile(src, str(tmp_path / "t.db") + suffix)
    yield f"sqlite:///{tmp_path / 't.db'}"


@pytest.fixture
def store(db_url: str) -> Iterator[Any]:
    """An opened, migrated MetaStore on ``tmp_path/"t.db"``."""
    from jupyter_ext.store.meta import MetaStore

    opened = MetaStore.open(db_url)
    yield opened
    opened.close()


@pytest.fixture
def blobs(tmp_path: Path) -> Any:
    from jupyter_ext.store.blobs import BlobStore

    return BlobStore(str(tmp_path / "blobs"))


@pytest.fixture
def backend(db_url: str, tmp_path: Path) -> Iterator[Any]:
    """A LocalBackend over ``tmp_path/"t.db"`` and ``tmp_path/"blobs"``."""
    from jupyter_ext.client.local import LocalBackend

    opened = LocalBackend(db_url, str(tmp_path / "blobs"))
    yield opened
    opened.close()


@pytest.fixture
def make_task(store: Any) -> Callable[..., Any]:
    """Create a task through core with sensible defaults: ``make_task(name="x", status=...)``."""
    from jupyter_ext.core import tasks

    counter = iter(range(1_000_000))

    def make(**spec: Any) -> Any:
        spec.setdefault("project", "P")
        spec.setdefault("name", f"task {next(counter)}")
        return tasks.create(store, spec)

    return make


class ScriptRunner:
    """Runs Python code in a fresh interpreter against the test's tracker home."""

    def __init__(self, home: Path, workdir: Path) -> None:
        self.home = home
        self.workdir = workdir
        self._n = 0

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = _clean_environ(dict(os.environ))
        env.update({
            "JUPYTER_TRACK_HOME": str(self.home),
            "JUPYTER_TRACK_CONFIG_FILE": str(self.workdir / "no-such-track.toml"),
            "CLEARML_CONFIG_FILE": str(self.workdir / "no-such-clearml.conf"),
            "PYTHONUNBUFFERED": "1",
        })
        env.update(extra or {})
        return env

    def write(self, code: str, name: str | None = None) -> Path:
        self._n += 1
        path = self.workdir / (name or f"script_{self._n}.py")
        path.write_text(textwrap.dedent(code))
        return path

    def run(self, code: str, *, env: dict[str, str] | None = None, timeout: float = 60.0,
            args: tuple[str, ...] = (), name: str | None = None) -> subprocess.CompletedProcess[str]:
        return self.run_file(self.write(code, name), env=env, timeout=timeout, args=args)

    def run_file(self, path: Path, *, env: dict[str, str] | None = None, timeout: float = 60.0,
                 args: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(path), *args], cwd=path.parent, env=self.env(env),
                              check=False, capture_output=True, text=True, timeout=timeout)

    def popen(self, code: str, *, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        path = self.write(code)
        return subprocess.Popen([sys.executable, str(path)], cwd=self.workdir, env=self.env(env),
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def run_py(track_home: Path, tmp_path: Path) -> ScriptRunner:
    """``run_py.run(code)`` runs ``code`` as a script in a new interpreter on this test's home."""
    work = tmp_path / "work"
    work.mkdir()
    return ScriptRunner(track_home, work)


def task_id_from(stdout: str) -> str:
    """The id a script printed as ``TASK_ID=<id>``."""
    for line in stdout.splitlines():
        if line.startswith("TASK_ID="):
            return line.split("=", 1)[1].strip()
    raise AssertionError(f"the script printed no TASK_ID= line; stdout was:\n{stdout}")


@pytest.fixture
def task_id_of() -> Callable[[str], str]:
    return task_id_from


# -- SDK fixtures shared by tests/sdk*, tests/sdk_* ----------------------------------------------
@pytest.fixture
def Task(track_home: Path) -> Any:
    from jupyter_ext.sdk.tasks.task import Task as TaskClass

    return TaskClass


@pytest.fixture
def task(Task: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """``Task.init`` in this process; closed (if the test did not) by ``track_home``."""
    live = Task.init(project_name="SDK Tests", task_name=request.node.name, reuse_last_task_id=False)
    yield live


@pytest.fixture
def fresh_session(track_home: Path) -> Any:
    """Call it to forget this process's SDK state, as a new process would start (the store stays)."""
    from jupyter_ext.sdk import _session as session

    return session.reset_for_tests
