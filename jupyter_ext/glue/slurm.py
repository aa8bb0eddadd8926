"""Slurm through its command line: ``sbatch`` submits, ``squeue`` (``sacct`` once a job left the
controller's memory) follows, ``scancel`` cancels.

The job script is the user's ``--sbatch-template`` (their ``#SBATCH`` lines, modules, conda
environment) with ``{{ command }}`` replaced by the agent's command line (appended when the
template does not place it). The launcher's options and the task's ``glue/…`` overrides are
``sbatch`` arguments, which win over the template's ``#SBATCH`` lines. Jobs are named
``track-<task id>`` and never requeued by Slurm (a requeued job would run its task twice).
"""
from __future__ import annotations

import os
import re
import shlex
import subprocess
from collections.abc import Mapping, Sequence
from typing import Any

from jupyter_ext.core.rules import launched_jobs as jobs
from jupyter_ext.errors import InvalidArgument, TrackError, Unavailable
from jupyter_ext.glue.launcher import JobRequest

# The task's ``glue/<key>`` -> the sbatch option it sets.
OPTIONS = {"partition": "--partition", "gres": "--gres", "time": "--time", "cpus": "--cpus-per-task",
           "mem": "--mem", "account": "--account", "qos": "--qos", "constraint": "--constraint",
           "nodes": "--nodes", "gpus": "--gpus"}
SETTINGS = {**{k: f"sbatch {v}" for k, v in OPTIONS.items()}, "sbatch_args": "more sbatch arguments, shell-quoted"}

_PHASES = {
    "PENDING": jobs.PENDING, "CONFIGURING": jobs.PENDING, "REQUEUED": jobs.PENDING, "REQUEUE_HOLD": jobs.PENDING,
    "REQUEUE_FED": jobs.PENDING, "RESV_DEL_HOLD": jobs.PENDING, "RESIZING": jobs.RUNNING,
    "RUNNING": jobs.RUNNING, "COMPLETING": jobs.RUNNING, "SIGNALING": jobs.RUNNING, "STAGE_OUT": jobs.RUNNING,
    "SUSPENDED": jobs.RUNNING, "STOPPED": jobs.RUNNING,
    "COMPLETED": jobs.SUCCEEDED, "FAILED": jobs.FAILED, "SPECIAL_EXIT": jobs.FAILED, "BOOT_FAIL": jobs.NODE_LOST,
    "CANCELLED": jobs.CANCELLED, "REVOKED": jobs.CANCELLED, "PREEMPTED": jobs.PREEMPTED,
    "TIMEOUT": jobs.TIMEOUT, "DEADLINE": jobs.TIMEOUT, "OUT_OF_MEMORY": jobs.OUT_OF_MEMORY,
    "NODE_FAIL": jobs.NODE_LOST,
}
_UNREACHABLE = ("unable to contact", "socket timed out", "connection refused", "communication connection failure",
                "slurm_persist_conn", "zero bytes were transmitted")
_OUTPUT_LINE = re.compile(r"^#SBATCH\s+(-o\b|--output\b)", re.MULTILINE)
PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
TAIL_LINES = 20
SQUEUE_FORMAT = "JobID:|,State:|,Reason:|,NodeList:|,exit_code:|,Name:"


def phase_of(state: str) -> str:
    """A Slurm job state (``squeue``'s ``%T``, ``sacct``'s State such as "CANCELLED by 0") as a phase."""
    word = state.split()[0].rstrip("+").upper() if state.strip() else ""
    return _PHASES.get(word, jobs.FAILED if word else jobs.LOST)


def job_state(job_id: str, state: str, reason: str = "", node: str = "", exit_code: str = "") -> jobs.JobState:
    """One line of ``squeue``/``sacct`` as a :class:`~jupyter_ext.core.rules.launched_jobs.JobState`."""
    word = state.split()[0].rstrip("+").upper() if state.strip() else "UNKNOWN"
    reason = reason.strip()
    detail = word + (f" ({reason})" if reason and reason not in ("None", "(null)") else "")
    code: int | None = None
    head = exit_code.split(":")[0].strip()
    if head.lstrip("-").isdigit():
        code = int(head)
    return jobs.JobState(job_id, phase_of(state), detail, node.strip() if node.strip() != "(null)" else "", code)


def render(template: str, request: JobRequest) -> str:
    """The job script: the template with its ``{{ name }}`` places filled (``command``, ``task_id``,
    ``task_name``, ``project``, ``queue``; shell-quoted), the command appended if it has no place."""
    values = {"command": shlex.join(request.command), "task_id": request.task_id,
              "task_name": shlex.quote(request.task_name), "project": shlex.quote(request.project),
              "queue": shlex.quote(request.queue)}
    text = template or "#!/bin/bash\n"
    if not text.startswith("#!"):
        raise InvalidArgument("an sbatch template must start with an interpreter line such as #!/bin/bash")

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise InvalidArgument(f"the sbatch template names {{{{ {name} }}}}; known places: "
                                  + ", ".join(f"{{{{ {k} }}}}" for k in values))
        return values[name]

    has_command = any(m.group(1) == "command" for m in PLACEHOLDER.finditer(text))
    text = PLACEHOLDER.sub(fill, text)
    if not has_command:
        text = text.rstrip("\n") + "\n" + values["command"] + "\n"
    return text


class Slurm:
    """The Slurm a launcher submits to (the ``sbatch`` & co. on this machine's PATH)."""

    name = "slurm"
    settings: Mapping[str, str] = SETTINGS

    def __init__(self, *, template: str = "", defaults: Mapping[str, str] | None = None,
                 extra_args: Sequence[str] = (), output_dir: str = "", env: Mapping[str, str] | None = None) -> None:
        self.template = template
        unknown = set(defaults or {}) - set(OPTIONS)
        if unknown:
            raise InvalidArgument(f"unknown Slurm settings {sorted(unknown)}; known: {sorted(OPTIONS)}")
        self.defaults = {k: v for k, v in (defaults or {}).items() if v}
        self.extra_args = list(extra_args)
        self.output_dir = output_dir
        self.env = dict(env) if env is not None else None
        render(template, JobRequest("0" * 32, "check", "check", "", "track-check", ("true",), "", {}))

    def bind(self, launcher: str) -> None:
        """Slurm knows the launcher's jobs by their names and comments: nothing to set."""

    def check(self) -> None:
        """Slurm answers here (the controller is reachable), or a clear error before anything is popped."""
        argv = ["squeue", "-h", "-j", "0"]
        result = self._run(argv)
        if result.returncode != 0 and "invalid job id" not in (result.stderr or "").lower():
            raise self._error(argv, result)

    def describe(self) -> dict[str, Any]:
        return {"slurm": {k: v for k, v in self.defaults.items()}}

    def _run(self, argv: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        try:
            return subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=60, env=self.env)
        except FileNotFoundError:
            raise Unavailable(f"{argv[0]} is not on this machine's PATH: the launcher must run where Slurm's "
                              f"commands work (a login node)") from None
        except subprocess.TimeoutExpired:
            raise Unavailable(f"{argv[0]} did not answer within 60 s (is slurmctld up?)") from None

    def _error(self, argv: list[str], result: subprocess.CompletedProcess[str]) -> TrackError:
        text = (result.stderr or result.stdout).strip() or f"exit code {result.returncode}"
        cls = Unavailable if any(w in text.lower() for w in _UNREACHABLE) else InvalidArgument
        return cls(f"{argv[0]}: {text}")

    def sbatch_argv(self, request: JobRequest, script: str) -> list[str]:
        argv = ["sbatch", "--parsable", f"--job-name={request.job_name}", "--no-requeue",
                f"--comment=jupyter-track {request.launcher}"]
        if self.output_dir and not _OUTPUT_LINE.search(script):
            argv.append(f"--output={os.path.join(self.output_dir, 'track-%j.out')}")
        asked = {**self.defaults, **{k: v for k, v in request.overrides.items() if k in OPTIONS}}
        argv += [f"{OPTIONS[k]}={v}" for k, v in asked.items()]
        argv += self.extra_args
        if request.overrides.get("sbatch_args"):
            argv += shlex.split(request.overrides["sbatch_args"])
        return argv

    def submit(self, request: JobRequest) -> str:
        script = render(self.template, request)
        if self.output_dir:
            os.makedirs(self.output_dir, exist_ok=True)
        argv = self.sbatch_argv(request, script)
        result = self._run(argv, stdin=script)
        if result.returncode != 0:
            raise self._error(argv, result)
        job_id = result.stdout.strip().split(";")[0]
        if not job_id.isdigit():
            raise Unavailable(f"sbatch answered {result.stdout.strip()!r}, not a job id")
        return job_id

    def states(self, job_ids: Sequence[str]) -> dict[str, jobs.JobState]:
        if not job_ids:
            return {}
        found: dict[str, jobs.JobState] = {}
        argv = ["squeue", "-h", "--states=all", "-O", SQUEUE_FORMAT, "-j", ",".join(job_ids)]
        result = self._run(argv)
        if result.returncode == 0:
            for line in result.stdout.splitlines():
                parts = line.split("|", 5)
                if len(parts) >= 5 and parts[0].strip() in job_ids:
                    found[parts[0].strip()] = job_state(parts[0].strip(), parts[1], parts[2], parts[3], parts[4])
        elif "invalid job id" not in (result.stderr or "").lower():
            raise self._error(argv, result)
        missing = [j for j in job_ids if j not in found]
        if missing:  # ended long enough ago to leave the controller's memory: accounting may know
            found.update(self._from_accounting(missing))
        return found

    def _from_accounting(self, job_ids: Sequence[str]) -> dict[str, jobs.JobState]:
        result = self._run(["sacct", "-n", "-P", "-X", "-o", "JobID,State,ExitCode,NodeList", "-j", ",".join(job_ids)])
        found = {}
        if result.returncode == 0:  # without slurmdbd sacct says so and knows nothing
            for line in result.stdout.splitlines():
                parts = line.split("|")
                if len(parts) >= 4 and parts[0] in job_ids:
                    found[parts[0]] = job_state(parts[0], parts[1], "", parts[3], parts[2])
        return found

    def cancel(self, job_id: str) -> None:
        argv = ["scancel", job_id]
        result = self._run(argv)
        if result.returncode != 0 and "already completed" not in (result.stderr or "").lower() \
                and "invalid job id" not in (result.stderr or "").lower():
            raise self._error(argv, result)

    def find(self, job_name: str) -> str | None:
        result = self._run(["squeue", "-h", "--states=all", "-n", job_name, "-o", "%i"])
        ids = sorted((line.strip() for line in result.stdout.splitlines() if line.strip().isdigit()), key=int)
        return ids[-1] if result.returncode == 0 and ids else None

    def follow_output(self, job_id: str, task_id: str, write: Any, resume: bool = False) -> None:
        """Nothing to stream: the run inside the job records the task's console itself."""

    def output_done(self, job_id: str, timeout: float) -> None:
        """Nothing to wait for: a Slurm job's output is not streamed (the agent stores the console)."""

    def output_tail(self, job_id: str) -> list[str]:
        """The last lines of the job's output file, for a job that died before its task could say why."""
        path = ""
        result = self._run(["scontrol", "show", "job", "-o", job_id])
        match = re.search(r"\bStdOut=(\S+)", result.stdout or "")
        if match:
            path = match.group(1).replace("%j", job_id)
        if not path or not os.path.isfile(path):
            return []
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()[-TAIL_LINES:]
        return [f"[slurm job {job_id} output] {line}" for line in lines] if lines else []
