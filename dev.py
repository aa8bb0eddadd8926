#!/usr/bin/env python3
"""Set up and run jupyter-ext from a fresh clone, with nothing but python3 (and node/npm).

    python3 dev.py demo      # make .venv, install, run the Titanic notebook, open JupyterLab
    python3 dev.py demo --headless   # the same without opening JupyterLab
    python3 dev.py test      # make .venv, install everything, run the whole test suite
                             # (then the store/server tests again on a throwaway PostgreSQL)
    python3 dev.py test --quick   # the tests not marked slow, without PostgreSQL, the browser
                                  # (tests/ui) and the frameworks (tests/integrations)
    python3 dev.py check     # the static gates in under a minute: ruff, mypy, the import contract,
                             # tsc, ESLint, Prettier and jest (no frameworks installed)

Installs are skipped when nothing they depend on changed since the last run.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time
import venv

ROOT = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(ROOT, ".venv")
PY = os.path.join(VENV, "bin", "python")
STAMP = os.path.join(VENV, ".installed")


def run(*cmd: str, **kw: object) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT, **kw)  # type: ignore[call-overload]


def _inputs_digest() -> str:
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "dev.py"):
        with open(os.path.join(ROOT, name), "rb") as fh:
            digest.update(fh.read())
    return digest.hexdigest()


def _read(path: str) -> str:
    with open(path) as fh:
        return fh.read()


def _stamped(path: str, digest: str) -> bool:
    return os.path.exists(path) and _read(path) == digest


def _stamp(path: str, digest: str) -> None:
    with open(path, "w") as fh:
        fh.write(digest)


def setup(*, frameworks: bool = True) -> None:
    """.venv with the package and its test, demo, hpo (optuna) and glue (kubernetes) extras; the ``frameworks`` extra
    (torch, transformers, ...: gigabytes) only for the runs that test the framework hooks."""
    if not os.path.exists(PY):
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = {"test", "demo", "hpo", "glue"} | ({"frameworks"} if frameworks else set())
    digest = _inputs_digest()
    # The stamp: the inputs' digest, then the extras installed (a stamp without them had all three).
    stamp = _read(STAMP).split("\n") if os.path.exists(STAMP) else [""]
    installed = set(stamp[1].split(",")) if len(stamp) > 1 else {"test", "demo", "frameworks"}
    if stamp[0] == digest and wanted <= installed:
        return
    run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    # build_labextension links the installed extension to the build folder; an install through that
    # link would write install.json into the build, and the next install would find it twice.
    link = os.path.join(VENV, "share", "jupyter", "labextensions", "jupyter-ext")
    if os.path.islink(link):
        os.remove(link)
    stray = os.path.join(ROOT, "jupyter_ext", "labextension", "install.json")
    if os.path.exists(stray):
        os.remove(stray)
    run(PY, "-m", "pip", "install", "--quiet", "-e", f".[{','.join(sorted(wanted))}]")
    _stamp(STAMP, digest + "\n" + ",".join(sorted(wanted)))


def _run_in(folder: str, *cmd: str, env: dict[str, str]) -> None:
    print(f"+ (cd {folder}) " + " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=os.path.join(ROOT, folder), env=env)


def _tree_digest(*paths: str) -> str:
    """Digest of the names and bytes of every file under ``paths`` (node_modules and lib skipped)."""
    digest = hashlib.sha256()
    for top in paths:
        full = os.path.join(ROOT, top)
        found = [full] if os.path.isfile(full) else []
        for folder, dirs, files in os.walk(full):
            dirs[:] = sorted(d for d in dirs if d not in ("node_modules", "lib"))
            found += [os.path.join(folder, f) for f in sorted(files)]
        for path in found:
            digest.update(os.path.relpath(path, ROOT).encode())
            with open(path, "rb") as fh:
                digest.update(fh.read())
    return digest.hexdigest()


def npm_install() -> bool:
    """labextension/node_modules as package-lock.json says; False when there is no npm."""
    if shutil.which("npm") is None:
        return False
    stamp = os.path.join(VENV, ".node_modules")
    digest = _tree_digest("labextension/package.json", "labextension/package-lock.json")
    if not (_stamped(stamp, digest) and os.path.isdir(os.path.join(ROOT, "labextension", "node_modules"))):
        _run_in("labextension", "npm", "install", "--no-fund", "--no-audit", env=dict(os.environ))
        _stamp(stamp, digest)
    return True


def build_labextension() -> None:
    """Build the JupyterLab extension (labextension/, TypeScript) when its sources changed, and
    link the build into .venv so `jupyter lab` from .venv loads the current one."""
    if not npm_install():
        print("npm not found: the JupyterLab panels are not built (install node and npm)", flush=True)
        return
    stamp = os.path.join(VENV, ".labextension")
    built = os.path.join(ROOT, "jupyter_ext", "labextension")
    digest = _tree_digest("labextension/package.json", "labextension/package-lock.json", "labextension/tsconfig.json",
                          "labextension/src", "labextension/style")
    if not (_stamped(stamp, digest) and os.path.exists(os.path.join(built, "package.json"))):
        env = dict(os.environ, PATH=os.path.join(VENV, "bin") + os.pathsep + os.environ.get("PATH", ""))
        _run_in("labextension", "npm", "run", "build", env=env)
        _stamp(stamp, digest)
    link = os.path.join(VENV, "share", "jupyter", "labextensions", "jupyter-ext")
    if os.path.realpath(link) != os.path.realpath(built):
        if os.path.isdir(link) and not os.path.islink(link):
            shutil.rmtree(link)  # a copy made by the editable install: replace it by the live build
        elif os.path.lexists(link):
            os.remove(link)
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(built, link)


def ui_test_tools() -> None:
    """What the browser tests need: Galata's npm packages and Debian's Chromium (as root, by apt)."""
    if shutil.which("npm") is None:
        return
    ui = os.path.join(ROOT, "ui-tests")
    stamp = os.path.join(VENV, ".ui-tests")
    digest = _tree_digest("ui-tests/package.json")
    if not (_stamped(stamp, digest) and os.path.isdir(os.path.join(ui, "node_modules"))):
        _run_in("ui-tests", "npm", "install", "--no-fund", "--no-audit",
                env=dict(os.environ, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD="1"))
        _stamp(stamp, digest)
    hub_stamp = os.path.join(VENV, ".hub-tests")  # configurable-http-proxy for tests/hub (JupyterHub)
    hub_digest = _tree_digest("tests/hub/package.json", "tests/hub/package-lock.json")
    if not (_stamped(hub_stamp, hub_digest) and os.path.isdir(os.path.join(ROOT, "tests", "hub", "node_modules"))):
        _run_in(os.path.join("tests", "hub"), "npm", "install", "--no-fund", "--no-audit", env=dict(os.environ))
        _stamp(hub_stamp, hub_digest)
    if not os.path.exists("/usr/bin/chromium") and shutil.which("apt-get") and os.geteuid() == 0:
        try:
            run("apt-get", "update", "-q")
            run("apt-get", "install", "-y", "-q", "chromium")
        except subprocess.CalledProcessError:
            print("could not install chromium: the browser tests will be skipped", flush=True)


def demo(args: list[str]) -> None:
    """Run the guide's walkthrough notebook as a tracked run, then open JupyterLab on notebooks/.

    ``--headless`` (implied when there is no terminal, or under CI) stops after the run."""
    setup(frameworks=False)  # the walkthrough needs none of them
    build_labextension()
    headless = "--headless" in args or "CI" in os.environ or not sys.stdin.isatty()
    run(PY, os.path.join(ROOT, "examples", "run_notebook.py"),
        os.path.join(ROOT, "notebooks", "titanic_walkthrough.ipynb"))
    if headless:
        return
    print("opening JupyterLab on notebooks/ (Ctrl+C twice to stop)", flush=True)
    os.execv(PY, [PY, "-m", "jupyter", "lab", f"--notebook-dir={os.path.join(ROOT, 'notebooks')}"])


# The tests that run a second time on a real PostgreSQL (the store, the rules, both backends,
# the server): everything that goes through a ``db_url``.
POSTGRES_PASS = ("tests/store", "tests/core", "tests/client", "tests/server", "tests/keys", "tests/sync")


def postgres_tools() -> bool:
    """PostgreSQL's server binaries (Debian's package, as root by apt); False when unavailable."""
    import glob

    if glob.glob("/usr/lib/postgresql/*/bin/initdb") or shutil.which("initdb"):
        return True
    if shutil.which("apt-get") and os.geteuid() == 0:
        try:
            run("apt-get", "update", "-q")
            run("apt-get", "install", "-y", "-q", "postgresql")
            return True
        except subprocess.CalledProcessError:
            pass
    print("PostgreSQL is not installed and cannot be: the PostgreSQL pass is skipped", flush=True)
    return False


def postgres_pass(env: dict[str, str]) -> int:
    import socket
    import tempfile

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = tempfile.mkdtemp(prefix="track-pg-")
    cluster = os.path.join(ROOT, "tests", "postgres_cluster.py")
    url = subprocess.run([PY, cluster, "start", folder, "--port", str(port)], check=True, capture_output=True,
                         text=True).stdout.strip()
    try:
        print(f"\n== the same store, rules, backends and server on PostgreSQL ({url}) ==", flush=True)
        return subprocess.run([PY, "-m", "pytest", "-q", *POSTGRES_PASS], cwd=ROOT,
                              env=dict(env, JUPYTER_TRACK_TEST_POSTGRES=url)).returncode
    finally:
        subprocess.run([PY, cluster, "stop", folder], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


# What `test --quick` leaves out besides the slow tests: the browser and the framework hooks.
QUICK_SKIPS = ("tests/ui", "tests/integrations")


def test(args: list[str]) -> None:
    """The whole suite, then the PostgreSQL pass; ``--quick``: the tests not marked slow, without
    PostgreSQL, the browser (tests/ui) and the framework hooks (tests/integrations)."""
    quick = "--quick" in args
    args = [a for a in args if a != "--quick"]
    setup(frameworks=not quick)
    if quick:
        pytest_args = ["-m", "not slow", *(f"--ignore={path}" for path in QUICK_SKIPS), *args]
    else:
        build_labextension()
        ui_test_tools()
        pytest_args = args
    env = dict(os.environ)
    env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    result = subprocess.run([PY, "-m", "pytest", "-q", *pytest_args], cwd=ROOT, env=env)
    code = result.returncode
    if not args and not quick and postgres_tools():
        code = postgres_pass(env) or code
    sys.exit(code)


def _has_import_contract() -> bool:
    with open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8") as fh:
        return any(line.strip() == "[tool.importlinter]" for line in fh)


def _check_steps() -> list[list[tuple[str, str, list[str]]]]:
    """Two lanes run side by side (Python, then TypeScript), each a list of (name, folder, command)."""
    bin_ = os.path.join(VENV, "bin")
    python = [("ruff", ".", [PY, "-m", "ruff", "check", "jupyter_ext", "tests", "bench", "examples", "dev.py"]),
              ("mypy --strict", ".", [PY, "-m", "mypy"])]
    if _has_import_contract():
        python.append(("import contract", ".", [os.path.join(bin_, "lint-imports")]))
    node = os.path.join(ROOT, "labextension", "node_modules", ".bin")
    tsc = [os.path.join(node, "tsc"), "--noEmit", "-p", "tsconfig.test.json",  # the sources and their specs
           "--incremental", "--tsBuildInfoFile", os.path.join("node_modules", ".cache", "tsc-check.tsbuildinfo")]
    typescript = [("tsc --noEmit", "labextension", tsc),
                  ("eslint", "labextension", ["npm", "run", "--silent", "lint"]),
                  ("prettier --check", "labextension", ["npm", "run", "--silent", "format:check"]),
                  ("jest", "labextension", [os.path.join(node, "jest"), "--ci", "--silent"]),
                  # src/api/types.ts is generated from the route table: a hand edit or a stale copy fails
                  ("generated TS types", ".", [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                               "tests/server/test_wire_generated_types.py"])]
    return [python, typescript] if shutil.which("npm") else [python]


def check(args: list[str]) -> None:
    """The static gates and the frontend's unit tests: every step runs, then the exit code says
    whether all passed (a failing step prints its output)."""
    setup(frameworks=False)
    lanes = _check_steps()
    if len(lanes) == 1:
        print("npm not found: tsc, ESLint, Prettier and jest are not run (install node and npm)", flush=True)
    else:
        npm_install()
    failed: list[str] = []
    lock = threading.Lock()
    env = dict(os.environ, PATH=os.path.join(VENV, "bin") + os.pathsep + os.environ.get("PATH", ""))

    def run_lane(steps: list[tuple[str, str, list[str]]]) -> None:
        for name, folder, cmd in steps:
            started = time.monotonic()
            done = subprocess.run(cmd, cwd=os.path.join(ROOT, folder), env=env, capture_output=True, text=True)
            took = time.monotonic() - started
            with lock:
                mark = "ok  " if done.returncode == 0 else "FAIL"
                print(f"{mark} {name:<18} {took:5.1f} s", flush=True)
                if done.returncode != 0:
                    failed.append(name)
                    print((done.stdout + done.stderr).rstrip() + "\n", flush=True)

    started = time.monotonic()
    threads = [threading.Thread(target=run_lane, args=(lane,)) for lane in lanes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = time.monotonic() - started
    print(f"{'failed: ' + ', '.join(failed) if failed else 'all passed'} ({total:.1f} s)", flush=True)
    sys.exit(1 if failed else 0)


def setup_all(args: list[str]) -> None:
    setup()
    build_labextension()


def main() -> None:
    verbs = {"demo": demo, "test": test, "check": check, "setup": setup_all}
    if len(sys.argv) < 2 or sys.argv[1] not in verbs:
        print(__doc__)
        sys.exit(2)
    verbs[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
