"""Figure 1: wall time of ``python -c "import jupyter_ext"`` (and of ``python -c pass``).

    python bench/bench_import.py              # the figures
    python bench/bench_import.py --importtime # plus the slowest imports of `from jupyter_ext import Task`
"""
from __future__ import annotations

import subprocess
import sys

from _common import PYTHON, Row, child_env, fresh_home, main, repeat, wall_of

CODES = ("pass", "import jupyter_ext", "from jupyter_ext import Task")


def _walls() -> list[float]:
    """One run of each command, interleaved so drift on the machine hits all of them alike."""
    out = []
    for code in CODES:
        with fresh_home() as home:
            out.append(wall_of([PYTHON, "-c", code], home))
    return out


def collect(runs: int = 9) -> list[Row]:
    bare, pkg, sdk = (list(x) for x in zip(*repeat(_walls, runs=runs, desc="import", warmup=2), strict=True))
    return [
        Row("python -c pass (reference)", bare, None),
        Row("python -c 'import jupyter_ext'", pkg, 0.050,
            notes=["subprocess wall clock, spawn to exit; warm bytecode cache (see _common.child_env)"]),
        Row("python -c 'from jupyter_ext import Task'", sdk, None),
    ]


def importtime(code: str = "import jupyter_ext.sdk.tasks.task", top: int = 15) -> str:
    """The ``top`` imports with the largest cumulative time (-X importtime), as text."""
    with fresh_home() as home:
        env = child_env(home)
        subprocess.run([PYTHON, "-c", code], env=env, cwd=home, check=True)  # fill the bytecode cache
        err = subprocess.run([PYTHON, "-X", "importtime", "-c", code], env=env, cwd=home, check=True,
                             capture_output=True, text=True).stderr
    rows = []
    for ln in err.splitlines():
        parts = ln.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), int(parts[0].split(":")[1]), parts[2].rstrip()))
    rows.sort(reverse=True)
    lines = [f"-X importtime, `{code}`: cumulative / self (us)"]
    lines += [f"{c:>9} {s:>8}  {name}" for c, s, name in rows[:top]]
    return "\n".join(lines)


if __name__ == "__main__":
    main(collect)
    if "--importtime" in sys.argv:
        print()
        print(importtime())
