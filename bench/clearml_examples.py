"""Run ClearML's public examples folder against jupyter_ext, with only the imports changed, and check what landed.

    python bench/clearml_examples.py SOURCE [--only TEXT] [--timeout S] [--workdir DIR] [--json FILE] [--list]

SOURCE is a ClearML checkout (a folder holding ``examples/``), the ``examples/`` folder itself, a
tarball made by ``git archive HEAD examples`` (.tar, .tar.gz) or a bare git repository (read at HEAD).

Each script of ``clearml_examples_kit/catalog.py`` runs in a fresh ``python`` process, from a copy of
its own folder (so the files beside it are there), with a fresh JUPYTER_TRACK_HOME (shared only with
the prerequisite scripts it names), a time limit and no network (the proxies point to a closed
port). Before it runs, ``clearml_examples_kit/rewrite.py`` changes its import lines and swaps its
downloads for local files written by ``fixtures.py``; nothing else. After it ends, another process
reads the home and the catalog's expectations are checked: the task with its name, project and type,
its final status, and the scalars, plots, debug samples, artifacts, models, parameters and
configuration objects the script reports. The table says, per script: ran (exit status 0, or a
service still running at the limit), recorded as ClearML would (every expectation met), and why not.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from clearml_examples_kit import fixtures  # noqa: E402 - found through the folder added just above
from clearml_examples_kit.catalog import EXAMPLES, EXCLUDED, EXCLUDED_FOLDERS, D, Example, T  # noqa: E402
from clearml_examples_kit.rewrite import rewrite  # noqa: E402

KIT = HERE / "clearml_examples_kit"
DEFAULT_TIMEOUT = 240.0


@dataclass
class Outcome:
    path: str
    ran: bool = False
    recorded: bool = False
    reasons: list[str] = field(default_factory=list)
    seconds: float = 0.0
    rewrites: list[str] = field(default_factory=list)


def extract(source: Path, dest: Path) -> Path:
    """Copy or unpack the examples folder into ``dest``; return the path of ``examples/`` there."""
    if source.is_file():
        with tarfile.open(source) as tar:
            tar.extractall(dest, filter="data")
    elif (source / "HEAD").is_file() and (source / "objects").is_dir():
        archive = subprocess.run(["git", "-C", str(source), "archive", "HEAD", "examples"], check=True,
                                 capture_output=True).stdout
        with tarfile.open(fileobj=__import__("io").BytesIO(archive)) as tar:
            tar.extractall(dest, filter="data")
    elif (source / "examples").is_dir():
        shutil.copytree(source / "examples", dest / "examples")
    elif source.name == "examples" and source.is_dir():
        shutil.copytree(source, dest / "examples")
    else:
        raise SystemExit(f"{source}: not a ClearML checkout, an examples/ folder, a tarball or a bare repository")
    found = dest / "examples"
    if not found.is_dir():
        raise SystemExit(f"{source}: no examples/ folder in it")
    return found


def child_env(home: Path, example: Example, pycache: Path, data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER_TRACK_", "CLEARML_"))}
    env.update({
        "JUPYTER_TRACK_HOME": str(home),
        "JUPYTER_TRACK_CONFIG_FILE": str(home / "no-such-settings.toml"),
        "PYTHONPATH": os.pathsep.join([str(REPO), str(KIT)]),
        "MPLBACKEND": "Agg",
        # no network: every http(s) request goes to a closed port; local servers stay reachable
        "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
        "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
        "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
        "HF_HUB_OFFLINE": "1", "PYTHONPYCACHEPREFIX": str(pycache),
        "CUDA_VISIBLE_DEVICES": "",
        "SEABORN_DATA": str(data / "seaborn"),  # seaborn's load_dataset reads its cache there first
    })
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(dict(example.env))
    return env


def prepare(examples_dir: Path, rel: str, run_root: Path, data: Path, torchvision: bool,
            library_fixes: bool) -> tuple[Path, list[str]]:
    """Copy the examples folder into ``run_root`` (a script may read a sibling folder's files, as
    tensorboard_toy_pytorch reads reporting/data_samples), rewrite every script there; return the
    script's path."""
    target = run_root
    if not (target / ".prepared").exists():
        shutil.copytree(examples_dir, target, dirs_exist_ok=True)
        (target / ".prepared").touch()
        for py in target.rglob("*.py"):
            text, _ = rewrite(py.read_text(), data, torchvision=torchvision, library_fixes=library_fixes)
            py.write_text(text)
    _, changes = rewrite((examples_dir / rel).read_text(), data, torchvision=torchvision, library_fixes=library_fixes)
    return run_root / rel, changes


def start_agent(queues: tuple[str, ...], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """An agent daemon on ``queues`` in the example's home, in its own process group."""
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", "jupyter_ext.cli.main", "agent", "daemon", "--queues", *queues,
                                 "--create-queue", "--polling-interval", "1"], env=env, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)


def stop_agent(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def run_script(script: Path, args: tuple[str, ...], env: dict[str, str], timeout: float, stdin: str,
               data: Path, log: Path) -> tuple[int | None, bool]:
    """(exit status or None when killed at the limit, timed out?)."""
    argv = [sys.executable, script.name, *(a.replace("{DATA}", str(data)) for a in args)]
    with open(log, "ab") as out:
        out.write(f"$ {' '.join(argv)}\n".encode())
        out.flush()
        proc = subprocess.Popen(argv, cwd=script.parent, env=env, stdin=subprocess.PIPE, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            proc.communicate(stdin.encode(), timeout=timeout)
            return proc.returncode, False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)  # the script's own process group: it and its children
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            return None, True


def inspect(env: dict[str, str]) -> dict[str, Any]:
    res = subprocess.run([sys.executable, str(KIT / "inspect_home.py")], env=env, capture_output=True, text=True,
                         timeout=300)
    if res.returncode != 0:
        raise RuntimeError(f"reading the home failed: {res.stderr.strip()[-800:]}")
    return json.loads(res.stdout)  # type: ignore[no-any-return]


def _status_ok(want: str | tuple[str, ...], got: str) -> bool:
    return got in ((want,) if isinstance(want, str) else want)


def check(expect: tuple[T | D, ...], found: dict[str, Any]) -> list[str]:
    """What is missing or wrong, one sentence each (empty: everything landed)."""
    problems: list[str] = []
    for e in expect:
        if isinstance(e, D):
            ds = [d for d in found["datasets"] if d["project"] == e.project and d["name"] == e.name]
            if not ds:
                problems.append(f"no dataset {e.project}/{e.name}")
                continue
            d = ds[0]
            if e.final and d["status"] != "final":
                problems.append(f"dataset {e.name}: {d['status']}, not final")
            if d["files"] < e.files:
                problems.append(f"dataset {e.name}: {d['files']} files < {e.files}")
            if d["parents"] < e.parents:
                problems.append(f"dataset {e.name}: {d['parents']} parents < {e.parents}")
            continue
        tasks = [t for t in found["tasks"] if t["project"] == e.project and t["name"] == e.name]
        if e.only and len(tasks) != e.count:
            problems.append(f"{len(tasks)} tasks {e.project}/{e.name}, not {e.count}")
            continue
        if len(tasks) < e.count:
            names = sorted({f"{t['project']}/{t['name']}" for t in found["tasks"]})
            problems.append(f"{len(tasks)} task(s) {e.project}/{e.name} < {e.count} (there: {', '.join(names)[:300]})")
            continue
        t = tasks[0]
        tag = f"{e.name}:"
        if e.type and t["type"] != e.type:
            problems.append(f"{tag} type {t['type']}, not {e.type}")
        if not _status_ok(e.status, t["status"]):
            problems.append(f"{tag} status {t['status']}, not {e.status}")
        if e.queue and t["queue"] != e.queue:
            problems.append(f"{tag} queue {t['queue']}, not {e.queue}")
        merged = {k: set().union(*(set(x[k]) for x in tasks)) for k in
                  ("params", "configs", "scalars", "single", "plots", "debug", "artifacts")}
        for key, want in (("params", e.params), ("configs", e.configs), ("scalars", e.scalars), ("single", e.single),
                          ("plots", e.plots), ("debug", e.debug), ("artifacts", e.artifacts)):
            missing = [w for w in want if w not in merged[key]]
            if missing:
                problems.append(f"{tag} no {key} {missing} (has {sorted(merged[key])[:12]})")
        props = [p.split("/", 1)[1] for p in merged["params"] if p.startswith("properties/")]
        if [p for p in e.props if p not in props]:
            problems.append(f"{tag} user properties {props}, not {list(e.props)}")
        if max(x["models_out"] for x in tasks) < e.models_out:
            problems.append(f"{tag} {max(x['models_out'] for x in tasks)} output models < {e.models_out}")
        if max(x["models_in"] for x in tasks) < e.models_in:
            problems.append(f"{tag} {max(x['models_in'] for x in tasks)} input models < {e.models_in}")
        if e.console and not any(e.console in x["console"] for x in tasks):
            problems.append(f"{tag} console lacks {e.console!r}")
    return problems


def _tail(log: Path, n: int = 6) -> str:
    lines = [ln for ln in log.read_text(errors="replace").splitlines() if ln.strip()]
    return " | ".join(lines[-n:])[-600:]


def run_example(ex: Example, examples_dir: Path, work: Path, data: Path, pycache: Path,
                default_timeout: float, library_fixes: bool) -> Outcome:
    out = Outcome(ex.path)
    slug = ex.path.replace("/", "__").removesuffix(".py")
    home, run_root, log = work / "homes" / slug, work / "runs" / slug, work / "logs" / f"{slug}.log"
    for p in (home, run_root, log.parent):
        p.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    for pre in ex.after:
        pre_ex = next((e for e in EXAMPLES if e.path == pre), Example(pre, ()))
        script, _ = prepare(examples_dir, pre, run_root, data, pre_ex.torchvision, library_fixes)
        rc, _ = run_script(script, pre_ex.args, child_env(home, pre_ex, pycache, data),
                           pre_ex.timeout or default_timeout, pre_ex.stdin, data, log)
        if rc != 0:
            out.reasons.append(f"prerequisite {pre} exited {rc}: {_tail(log)}")
            out.seconds = time.monotonic() - t0
            return out
    script, out.rewrites = prepare(examples_dir, ex.path, run_root, data, ex.torchvision, library_fixes)
    for name in ex.place:
        shutil.copytree(data / name, script.parent / name, dirs_exist_ok=True)
    env = child_env(home, ex, pycache, data)
    agent = start_agent(ex.agent, env, work / "logs" / f"{slug}.agent.log") if ex.agent else None
    try:
        rc, timed_out = run_script(script, ex.args, env, ex.timeout or default_timeout, ex.stdin, data, log)
    finally:
        if agent is not None:
            stop_agent(agent)
    out.seconds = time.monotonic() - t0
    out.ran = rc == 0 or (timed_out and ex.service)
    if not out.ran:
        out.reasons.append(f"timed out after {ex.timeout or default_timeout:.0f} s" if timed_out
                           else f"exit {rc}: {_tail(log)}")
    try:
        problems = check(ex.expect, inspect(env))
    except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
        problems = [str(exc)]
    out.reasons.extend(problems)
    out.recorded = out.ran and not problems
    if not out.recorded and ex.library_version and not library_fixes:
        out.reasons.insert(0, f"library version: {ex.library_version}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source", type=Path, nargs="?", help="ClearML checkout, examples/ folder, tarball or bare repo")
    ap.add_argument("--only", action="append", default=[], help="run only scripts whose path contains this text")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per script (default 240)")
    ap.add_argument("--workdir", type=Path, help="keep runs, homes and logs here (default: a temporary folder)")
    ap.add_argument("--json", type=Path, help="also write the outcomes as JSON")
    ap.add_argument("--list", action="store_true", help="list the scripts run and the ones left out, with why")
    ap.add_argument("--fix-library-versions", action="store_true",
                    help="also apply rewrite.LIBRARY_FIXES (today's pandas and scikit-learn break a few examples)")
    args = ap.parse_args(argv)
    if args.list:
        for ex in EXAMPLES:
            print(f"run   {ex.path}" + ("  (local torchvision stand-in)" if ex.torchvision else ""))
        for path, why in {**EXCLUDED_FOLDERS, **EXCLUDED}.items():
            print(f"skip  {path}: {why}")
        return 0
    if args.source is None:
        ap.error("SOURCE is required (a ClearML checkout, its examples/ folder, a tarball or a bare repository)")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="clearml-examples-"))
    work.mkdir(parents=True, exist_ok=True)
    examples_dir = work / "src" / "examples"
    if not examples_dir.is_dir():
        examples_dir = extract(args.source.resolve(), work / "src")
    data = fixtures.write_all(work / "data")
    (data / "local_model").write_bytes(b"weights of a local model\n")
    pycache = Path(tempfile.gettempdir()) / "clearml-examples-pyc"
    known = {e.path for e in EXAMPLES} | set(EXCLUDED)
    unknown = sorted(str(p.relative_to(examples_dir)) for p in examples_dir.rglob("*.py")
                     if str(p.relative_to(examples_dir)) not in known
                     and not any(str(p.relative_to(examples_dir)).startswith(f) for f in EXCLUDED_FOLDERS))
    if unknown:
        print(f"not in the catalog (neither run nor left out with a reason): {', '.join(unknown)}")
    chosen = [e for e in EXAMPLES if not args.only or any(o in e.path for o in args.only)]
    if not chosen:
        raise SystemExit(f"no script of the catalog matches --only {' '.join(args.only)} (--list shows them)")
    outcomes: list[Outcome] = []
    for ex in chosen:
        if not (examples_dir / ex.path).is_file():
            outcomes.append(Outcome(ex.path, reasons=["not in this examples folder"]))
            continue
        shutil.rmtree(work / "homes" / ex.path.replace("/", "__").removesuffix(".py"), ignore_errors=True)
        shutil.rmtree(work / "runs" / ex.path.replace("/", "__").removesuffix(".py"), ignore_errors=True)
        o = run_example(ex, examples_dir, work, data, pycache, args.timeout, args.fix_library_versions)
        outcomes.append(o)
        print(f"{'PASS' if o.recorded else 'FAIL'} {o.path} ({o.seconds:.0f} s) {'; '.join(o.reasons)[:400]}",
              flush=True)
    width = max(len(o.path) for o in outcomes)
    print(f"\n{'script':<{width}}  ran  recorded  reason")
    for o in outcomes:
        print(f"{o.path:<{width}}  {'yes' if o.ran else 'no ':<3}  {'yes' if o.recorded else 'no ':<8}  "
              f"{'; '.join(o.reasons)[:300]}")
    passed = sum(o.recorded for o in outcomes)
    library = sum(1 for o in outcomes if o.reasons and o.reasons[0].startswith("library version"))
    print(f"\n{passed}/{len(outcomes)} recorded as ClearML would ({library} fail on today's library versions, as "
          f"under ClearML); {sum(o.ran for o in outcomes)} ran; "
          f"{len(EXCLUDED) + len(EXCLUDED_FOLDERS)} scripts or folders left out (--list says why); workdir {work}")
    if args.json:
        args.json.write_text(json.dumps([o.__dict__ for o in outcomes], indent=1))
    return 0 if passed == len(outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
