"""What machine, interpreter and packages a run used, captured once when a task starts.

The point is reproducibility ("which Python, which GPU, which numpy?") without leaking the
user's secrets: environment variables are *not* captured unless the user names them with
wildcard patterns (ClearML's ``log_os_environments`` / ``CLEARML_LOG_ENVIRONMENT``), and any
captured value whose name looks secret is masked by :mod:`jupyter_ext.core.rules.redact`.

Every probe is best effort: a missing ``/proc``, an absent ``nvidia-smi`` or an unreadable
passwd entry gives ``None`` or an empty list, never an exception, because a task must start even
on an odd machine.
"""
from __future__ import annotations

import os
import re
import sys

from jupyter_ext.core.rules.redact import redact_argv, redact_mapping

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing would cost more than this module
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from typing import Any

__all__ = ["collect_environment", "collect_gpus", "collect_packages", "requirements_text"]

# nvidia-smi can take a second or two to wake a sleeping driver; more than this means it is hung.
GPU_QUERY_TIMEOUT_S = 5.0

_SEPARATORS = re.compile(r"[-_.]+")


def collect_environment(
    script_path: str | None = None,
    argv: list[str] | None = None,
    env: Mapping[str, str] | None = None,
    log_env_patterns: Sequence[str] = (),
) -> dict[str, Any]:
    """Describe the interpreter, OS, hardware, script and chosen environment variables.

    Args:
        script_path: the file being run (a script or notebook); stored as an absolute path.
        argv: the command line; defaults to ``sys.argv``. Secrets in it are masked.
        env: the environment to read; defaults to ``os.environ``.
        log_env_patterns: ``fnmatch`` wildcards (``"CUDA_*"``, ``"*"``) naming the variables to
            store. The default, no patterns, stores none.

    Returns:
        A JSON-serialisable dict with the keys ``python``, ``process``, ``os``, ``cpu``, ``memory``, ``gpu``,
        ``script``, ``user`` and ``environment_variables``.
    """
    import platform

    environ: Mapping[str, str] = os.environ if env is None else env
    return {
        "python": {
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
            "executable": sys.executable,
            "binary": f"python{sys.version_info.major}.{sys.version_info.minor}",
        },
        "process": process_info(),
        "os": {
            "system": platform.system(),
            "release": platform.release(),
            "platform": platform.platform(),
            "hostname": platform.node(),
        },
        "cpu": {
            "count": os.cpu_count(),
            "model": _cpu_model(),
            "machine": platform.machine(),
        },
        "memory": {"total_bytes": _memory_total_bytes()},
        "gpu": collect_gpus(),
        "script": {
            "path": os.path.abspath(script_path) if script_path else None,
            "argv": redact_argv(sys.argv if argv is None else argv),
            "working_dir": _getcwd(),
        },
        "user": _user(environ),
        "environment_variables": _selected_variables(environ, log_env_patterns),
    }


def _selected_variables(env: Mapping[str, str], patterns: Sequence[str]) -> dict[str, str]:
    """The variables named by ``patterns``, secrets masked; nothing when there are no patterns."""
    if not patterns:
        return {}
    from fnmatch import fnmatch  # case-insensitive on Windows, where variable names are too

    chosen = {name: value for name, value in env.items() if any(fnmatch(name, p) for p in patterns)}
    return redact_mapping(dict(sorted(chosen.items())))


def _getcwd() -> str | None:
    try:
        return os.getcwd()
    except OSError:  # the directory was deleted under us
        return None


def _user(env: Mapping[str, str]) -> str | None:
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # containers running as a uid with no passwd entry
        return env.get("USER") or env.get("USERNAME") or (str(os.getuid()) if hasattr(os, "getuid") else None)


def _read_text(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError:
        return None


def _cpu_model() -> str | None:
    """The CPU's marketing name: /proc/cpuinfo on Linux, sysctl on macOS, else the platform's."""
    cpuinfo = _read_text("/proc/cpuinfo")
    if cpuinfo is not None:
        for key in ("model name", "Hardware", "Model", "cpu model", "Processor"):
            for line in cpuinfo.splitlines():
                name, sep, value = line.partition(":")
                if sep and name.strip() == key and value.strip():
                    return value.strip()
    if sys.platform == "darwin":
        out = _run(["sysctl", "-n", "machdep.cpu.brand_string"], timeout=2.0)
        if out:
            return out.strip()
    import platform

    return platform.processor() or None


def _memory_total_bytes() -> int | None:
    try:
        import psutil
    except ImportError:
        pass
    else:
        try:
            return int(psutil.virtual_memory().total)
        except Exception:  # noqa: BLE001, S110 - psutil fails in odd sandboxes; /proc may not
            pass
    meminfo = _read_text("/proc/meminfo")
    if meminfo:
        for line in meminfo.splitlines():
            if line.startswith("MemTotal:"):
                fields = line.split()
                if len(fields) >= 2 and fields[1].isdigit():
                    return int(fields[1]) * 1024  # /proc/meminfo counts kB
    return None


def _run(cmd: list[str], timeout: float) -> str | None:
    """Run ``cmd`` and return its stdout, or None on any failure (missing, hung, non-zero)."""
    import subprocess

    try:
        proc = subprocess.run(
            cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    return proc.stdout.decode("utf-8", errors="replace")


def collect_gpus() -> list[dict[str, str]]:
    """The NVIDIA GPUs ``nvidia-smi`` reports (name, memory_total, driver_version); ``[]`` when
    there is no ``nvidia-smi`` or it fails or hangs."""
    import shutil

    exe = shutil.which("nvidia-smi")
    if exe is None:
        return []
    query = [exe, "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader"]
    out = _run(query, timeout=GPU_QUERY_TIMEOUT_S)
    if out is None:
        return []
    gpus = []
    for line in out.splitlines():
        # GPU names never contain commas, so a plain split is the CSV parse we need.
        fields = [f.strip() for f in line.split(",")]
        if len(fields) == 3 and fields[0]:
            gpus.append({"name": fields[0], "memory_total": fields[1], "driver_version": fields[2]})
    return gpus


def _normalize(name: str) -> str:
    """PEP 503 normalisation: ``Foo_Bar.baz`` and ``foo-bar-baz`` are the same distribution."""
    return _SEPARATORS.sub("-", name).lower()


def _metadata_name_version(path: str) -> tuple[str, str] | None:
    """Name and Version from the first headers of a METADATA / PKG-INFO file."""
    name = version = None
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if not line.strip():
                    break  # the headers end at the first blank line; the description follows
                if line.startswith("Name:"):
                    name = line[5:].strip()
                elif line.startswith("Version:"):
                    version = line[8:].strip()
                if name and version:
                    return name, version
    except OSError:
        return None
    return None


def _scan_dir(entry: str) -> Iterable[tuple[str, str]]:
    """(name, version) of the distributions installed in one sys.path directory.

    Reads directory names only (``numpy-1.26.4.dist-info``), which is what makes this fast: one
    ``scandir`` per path entry instead of opening a metadata file per distribution. Only an
    ``.egg-info`` without a version in its name (a ``setup.py develop`` tree) is opened.
    """
    try:
        names = os.listdir(entry)
    except OSError:
        return
    for fname in names:
        if fname.endswith(".dist-info"):
            stem = fname[: -len(".dist-info")]
            meta = "METADATA"
        elif fname.endswith(".egg-info"):
            stem = fname[: -len(".egg-info")]
            meta = "PKG-INFO"
        else:
            continue
        if fname.startswith("~"):  # pip's half-removed leftovers ("~umpy-1.2.dist-info")
            continue
        parts = stem.split("-")
        if len(parts) >= 2 and parts[0] and parts[1]:
            # Wheel escapes "-" in names and versions to "_", so the first two dashes delimit.
            yield parts[0].replace("_", "-"), parts[1]
            continue
        meta_path = os.path.join(entry, fname, meta)
        if not os.path.isdir(os.path.join(entry, fname)):
            meta_path = os.path.join(entry, fname)  # old-style egg-info is a single file
        found = _metadata_name_version(meta_path)
        if found is not None:
            yield found


def collect_packages(paths: Sequence[str] | None = None) -> dict[str, str]:
    """Installed distributions, name -> version, as ``pip freeze`` would list them.

    Scans the directories on ``paths`` (default ``sys.path``) for ``*.dist-info`` and
    ``*.egg-info`` entries; when a distribution is installed twice, the one first on the path
    wins, as it is the one ``import`` finds. Zipped path entries (``.egg``, ``.zip``) go through
    ``importlib.metadata``, which is slower but rare.
    """
    seen: dict[str, tuple[str, str]] = {}
    for entry in sys.path if paths is None else paths:
        entry = entry or "."
        found: Iterable[tuple[str, str]]
        if os.path.isdir(entry):
            found = _scan_dir(entry)
        elif os.path.isfile(entry):
            found = _scan_archive(entry)
        else:
            continue
        for name, version in found:
            seen.setdefault(_normalize(name), (name, version))
    return {name: version for name, version in sorted(seen.values(), key=lambda nv: nv[0].lower())}


def _scan_archive(entry: str) -> Iterable[tuple[str, str]]:
    import importlib.metadata

    try:
        for dist in importlib.metadata.distributions(path=[entry]):
            name = dist.metadata["Name"] if dist.metadata else None
            if name:
                yield name, dist.version
    except Exception:  # noqa: BLE001 - a corrupt archive on sys.path must not stop the task
        return


def requirements_text(packages: Mapping[str, str]) -> str:
    """``packages`` as ``pip freeze`` text: ``name==version`` lines, sorted by name."""
    lines = [f"{name}=={version}" for name, version in sorted(packages.items(), key=lambda nv: nv[0].lower())]
    return "\n".join(lines) + "\n" if lines else ""


def process_info() -> dict[str, Any]:
    """Where this run lives: host and pid (a watchdog stops the task once the process is gone)."""
    import platform

    return {"host": platform.node(), "pid": os.getpid()}
