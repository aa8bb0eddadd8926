"""Shared helpers for the benchmarks: fresh-subprocess runs, medians, the result table.

Every measured run is a new ``python`` process with its own temporary JUPYTER_TRACK_HOME
(and a settings-file path that does not exist), so imports, caches and stores never leak
from one run to the next. A child reports its numbers on one ``@@BENCH@@{json}`` line.
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

PYTHON = sys.executable
MARK = "@@BENCH@@"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))

# Paste into child code: ``emit(name=value, ...)`` prints the result line (json imported late,
# after every timed region, so it never counts).
EMIT = "def emit(**kw):\n    import json\n    print('@@BENCH@@' + json.dumps(kw), flush=True)\n"

# Paste into child code after ``from jupyter_ext import Task``: ``settle(task)`` waits (untimed)
# until the task row is in the store (so the store is open), the environment-capture thread
# has finished, and what it submitted is stored. flush() alone is not enough: it returns at
# once while the reporter thread has not been started yet.
SETTLE = """
def settle(task, timeout=60.0):
    import time
    from jupyter_ext.errors import NotFound
    deadline = time.monotonic() + timeout
    while True:
        task.flush(wait_for_uploads=True)
        try:
            Task.get_task(task.id)
            break
        except NotFound:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.002)
    capture = getattr(task, "_capture_thread", None)
    while capture is not None and capture.ident is None and time.monotonic() < deadline:
        time.sleep(0.002)  # started by a background thread
    if capture is not None and capture.ident is not None:
        capture.join(max(0.0, deadline - time.monotonic()))
    task.flush(wait_for_uploads=True)
"""


@contextmanager
def fresh_home() -> Iterator[str]:
    """A temporary JUPYTER_TRACK_HOME, removed afterwards."""
    path = tempfile.mkdtemp(prefix="jxbench-")
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def child_env(home: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER_TRACK_", "CLEARML_"))}
    env["JUPYTER_TRACK_HOME"] = home
    env["JUPYTER_TRACK_CONFIG_FILE"] = os.path.join(home, "no-such-settings.toml")
    # This machine sets PYTHONDONTWRITEBYTECODE and the repo has no __pycache__, so every import
    # would compile from source. Children share one bench-owned bytecode cache instead (as an
    # installed package has), filled by an untimed warm-up run; nothing is written in the repo.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = pycache_dir()
    return env


_PYCACHE: list[str] = []


def pycache_dir() -> str:
    if not _PYCACHE:
        import atexit

        _PYCACHE.append(tempfile.mkdtemp(prefix="jxbench-pyc-"))
        atexit.register(shutil.rmtree, _PYCACHE[0], True)
    return _PYCACHE[0]


def run_child(code: str, home: str | None = None, timeout: float = 300) -> dict[str, Any]:
    """Run ``code`` (dedented) in a new interpreter; return the dict it emitted."""
    def go(h: str) -> dict[str, Any]:
        proc = subprocess.run([PYTHON, "-c", textwrap.dedent(code)], env=child_env(h), cwd=h,
                              capture_output=True, text=True, timeout=timeout, check=False)
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(MARK)]
        if proc.returncode != 0 or not lines:
            raise RuntimeError(f"child failed (rc={proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
        return json.loads(lines[-1][len(MARK):])  # type: ignore[no-any-return]

    if home is not None:
        return go(home)
    with fresh_home() as h:
        return go(h)


def wall_of(argv: Sequence[str], home: str) -> float:
    """Wall-clock seconds of one subprocess, spawn to exit."""
    t0 = time.perf_counter()
    subprocess.run(list(argv), env=child_env(home), cwd=home, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def repeat(fn: Callable[[], Any], runs: int = RUNS, desc: str = "", warmup: int = 1) -> list[Any]:
    """``fn()`` ``warmup`` times untimed (fills the bytecode and OS file caches), then ``runs``
    times, with a progress bar in the parent (outside every timed region)."""
    from tqdm.auto import tqdm

    out = [fn() for _ in tqdm(range(warmup + runs), desc=desc, leave=False, file=sys.stderr)]
    return out[warmup:]


@dataclass
class Row:
    """One figure: its samples (seconds, or plain counts when ``unit=""``) and its target
    (the median must be <= target; None = for information only)."""

    figure: str
    samples: list[float]
    target: float | None
    unit: str = "ms"
    notes: list[str] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def verdict(self) -> str:
        if self.target is None:
            return "info"
        return "PASS" if self.median <= self.target else "FAIL"


_SCALE = {"": 1.0, "s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}


def fmt(seconds: float | None, unit: str) -> str:
    if seconds is None:
        return "-"
    v = seconds * _SCALE[unit]
    text = f"{v:.3g}" if v < 100 else f"{v:.0f}"
    return f"{text} {unit}" if unit else text


def table(rows: Sequence[Row]) -> str:
    head = ("figure", "target", "median", "min", "max", "n", "result")
    body = [(r.figure, "<= " + fmt(r.target, r.unit) if r.target is not None else "-", fmt(r.median, r.unit),
             fmt(min(r.samples), r.unit), fmt(max(r.samples), r.unit), str(len(r.samples)), r.verdict)
            for r in rows]
    widths = [max(len(x[i]) for x in (head, *body)) for i in range(len(head))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True)))

    out = [line(head), line(tuple("-" * w for w in widths))]
    out += [line(b) for b in body]
    notes = [f"  [{r.figure}] {n}" for r in rows for n in r.notes]
    return "\n".join(out + (["", "notes:"] + notes if notes else []))


def main(collect: Callable[[], list[Row]]) -> None:
    """Entry point of one bench script: run it and print its table."""
    rows = collect()
    print(table(rows))
