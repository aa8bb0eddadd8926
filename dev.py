#!/usr/bin/env python3
"""Set up and run jupyter-ext from a fresh clone, with nothing but python3 (and node/npm).

    python3 dev.py demo      # make .venv, install everything, run the Titanic walkthrough
    python3 dev.py test      # make .venv, install everything, run the whole test suite

Installs are skipped when nothing they depend on changed since the last run.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
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


def setup() -> None:
    if not os.path.exists(PY):
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = _inputs_digest()
    if os.path.exists(STAMP) and open(STAMP).read() == digest:
        return
    run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PY, "-m", "pip", "install", "--quiet", "-e", ".[test,demo]")
    with open(STAMP, "w") as fh:
        fh.write(digest)


def demo(args: list[str]) -> None:
    setup()
    run(PY, os.path.join(ROOT, "examples", "titanic_walkthrough.py"), *args)


def test(args: list[str]) -> None:
    setup()
    env = dict(os.environ)
    env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    result = subprocess.run([PY, "-m", "pytest", "-q", *args], cwd=ROOT, env=env)
    sys.exit(result.returncode)


def main() -> None:
    verbs = {"demo": demo, "test": test, "setup": lambda _a: setup()}
    if len(sys.argv) < 2 or sys.argv[1] not in verbs:
        print(__doc__)
        sys.exit(2)
    verbs[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
