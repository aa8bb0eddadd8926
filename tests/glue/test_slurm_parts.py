"""The Slurm launcher's parts without a cluster: the job script from a template, the sbatch
command line (launcher defaults, then the task's overrides), squeue/sacct lines as job states,
the task's ``glue/…`` overrides, and what a job's end makes of its task."""
from __future__ import annotations

import pytest

from jupyter_ext.core.rules import launched_jobs as jobs
from jupyter_ext.errors import InvalidArgument
from jupyter_ext.glue import overrides
from jupyter_ext.glue.launcher import JobRequest
from jupyter_ext.glue.slurm import SETTINGS, Slurm, job_state, render

TASK = "4f1c2a9be0d34e5f8a6b7c8d9e0f1a2b"


def _request(**asked: str) -> JobRequest:
    return JobRequest(task_id=TASK, task_name="train 'big'", project="vision", queue="gpu", job_name=f"track-{TASK}",
                      command=("jupyter", "track", "agent", "execute", "--id", TASK), launcher="login-1:glue",
                      overrides=asked)


TEMPLATE = """#!/bin/bash
#SBATCH --partition=debug
#SBATCH --output=/scratch/%u/track-%j.out
module load cuda/12
source ~/venvs/ml/bin/activate
echo "task {{ task_id }}: {{task_name}}"
srun {{ command }}
"""


def test_the_template_places_the_command_and_the_task() -> None:
    script = render(TEMPLATE, _request())
    assert f"srun jupyter track agent execute --id {TASK}\n" in script
    assert f"echo \"task {TASK}: 'train '\"'\"'big'\"'\"''\"" in script  # shell-quoted
    assert script.count("jupyter track agent execute") == 1
    plain = render("#!/bin/bash\n#SBATCH --mem=4G\nmodule load python\n", _request())
    assert plain.endswith(f"module load python\njupyter track agent execute --id {TASK}\n")  # appended
    assert render("", _request()) == f"#!/bin/bash\njupyter track agent execute --id {TASK}\n"
    with pytest.raises(InvalidArgument, match="interpreter line"):
        render("module load python\n{{ command }}", _request())
    with pytest.raises(InvalidArgument, match="known places"):
        render("#!/bin/bash\n{{ comand }}\n", _request())


def test_sbatch_arguments_defaults_then_the_tasks_overrides() -> None:
    slurm = Slurm(template=TEMPLATE, defaults={"partition": "gpu", "gres": "gpu:1", "time": "04:00:00"},
                  extra_args=["--exclusive"], output_dir="/tmp/out")
    argv = slurm.sbatch_argv(_request(time="08:00:00", gres="gpu:2", sbatch_args="--nice=10 --mail-type=END"),
                             render(TEMPLATE, _request()))
    assert argv[:5] == ["sbatch", "--parsable", f"--job-name=track-{TASK}", "--no-requeue",
                        "--comment=jupyter-track login-1:glue"]
    assert "--partition=gpu" in argv and "--gres=gpu:2" in argv and "--time=08:00:00" in argv
    assert "--gres=gpu:1" not in argv and "--time=04:00:00" not in argv
    assert argv[-3:] == ["--exclusive", "--nice=10", "--mail-type=END"]
    assert not any(a.startswith("--output") for a in argv)  # the template names its output file
    bare = slurm.sbatch_argv(_request(), "#!/bin/bash\n")
    assert "--output=/tmp/out/track-%j.out" in bare
    with pytest.raises(InvalidArgument, match="unknown Slurm settings"):
        Slurm(defaults={"partitions": "gpu"})


@pytest.mark.parametrize(("line", "phase", "detail", "node", "code"), [
    ("12|PENDING|Resources||0|track-x", jobs.PENDING, "PENDING (Resources)", "", 0),
    ("12|PENDING|Priority||0|track-x", jobs.PENDING, "PENDING (Priority)", "", 0),
    ("12|RUNNING|None|gpu-7|0|track-x", jobs.RUNNING, "RUNNING", "gpu-7", 0),
    ("12|COMPLETING|None|gpu-7|0|track-x", jobs.RUNNING, "COMPLETING", "gpu-7", 0),
    ("12|COMPLETED|None|gpu-7|0|track-x", jobs.SUCCEEDED, "COMPLETED", "gpu-7", 0),
    ("12|FAILED|NonZeroExitCode|gpu-7|2|track-x", jobs.FAILED, "FAILED (NonZeroExitCode)", "gpu-7", 2),
    ("12|CANCELLED|None|gpu-7|15|track-x", jobs.CANCELLED, "CANCELLED", "gpu-7", 15),
    ("12|TIMEOUT|TimeLimit|gpu-7|0|track-x", jobs.TIMEOUT, "TIMEOUT (TimeLimit)", "gpu-7", 0),
    ("12|OUT_OF_MEMORY|OutOfMemory|gpu-7|0|track-x", jobs.OUT_OF_MEMORY, "OUT_OF_MEMORY (OutOfMemory)", "gpu-7", 0),
    ("12|NODE_FAIL|NodeDown|gpu-7|0|track-x", jobs.NODE_LOST, "NODE_FAIL (NodeDown)", "gpu-7", 0),
    ("12|PREEMPTED|None|gpu-7|0|track-x", jobs.PREEMPTED, "PREEMPTED", "gpu-7", 0),
    ("12|BOOT_FAIL|None|(null)|0|track-x", jobs.NODE_LOST, "BOOT_FAIL", "", 0),
])
def test_squeue_lines_as_job_states(line: str, phase: str, detail: str, node: str, code: int) -> None:
    job_id, state, reason, where, exit_code, _ = line.split("|")
    found = job_state(job_id, state, reason, where, exit_code)
    assert (found.phase, found.detail, found.node, found.exit_code) == (phase, detail, node, code)


def test_sacct_states_read_the_same() -> None:
    assert job_state("12", "CANCELLED by 0", "", "gpu-7", "0:15").phase == jobs.CANCELLED
    assert job_state("12", "OUT_OF_MEMORY", "", "gpu-7", "0:125").phase == jobs.OUT_OF_MEMORY
    assert job_state("12", "SOMETHING_NEW", "", "", "").phase == jobs.FAILED  # an unknown end is not success
    assert job_state("12", "", "", "", "").phase == jobs.LOST


def test_overrides_from_parameters_win_over_tags_and_unknown_keys_fail() -> None:
    params = [("glue", "time", "08:00:00"), ("General", "time", "ignored"), ("glue", "partition", " ")]
    tags = ["glue/time=01:00:00", "glue/gres=gpu:2", "best", "glue/no-equals"]
    assert overrides.from_task(params, tags, SETTINGS) == {"time": "08:00:00", "gres": "gpu:2"}
    with pytest.raises(InvalidArgument, match=r"glue/partion is not a setting.*glue/partition"):
        overrides.from_task([("glue", "partion", "gpu")], [], SETTINGS)
    with pytest.raises(InvalidArgument, match="one line"):
        overrides.from_task([("glue", "time", "1\n#SBATCH --x")], [], SETTINGS)


@pytest.mark.parametrize(("phase", "task_status", "task_reason", "expected"), [
    (jobs.RUNNING, "in_progress", "", None),
    (jobs.TIMEOUT, "in_progress", "", ("failed", "slurm job 7 ran over its time limit (TIMEOUT (TimeLimit))")),
    (jobs.TIMEOUT, "stopped", "the agent was stopped (signal 15)",
     ("failed", "slurm job 7 ran over its time limit (TIMEOUT (TimeLimit))")),
    (jobs.CANCELLED, "stopped", "the agent was stopped (signal 15)",
     ("stopped", "slurm job 7 was cancelled (TIMEOUT (TimeLimit))")),
    (jobs.CANCELLED, "stopped", "aborted by ana", None),  # the user's abort stays as they said
    (jobs.TIMEOUT, "completed", "", None),  # the task ended by itself first
    (jobs.FAILED, "failed", "exit code 1: ValueError", None),
    (jobs.SUCCEEDED, "in_progress", "", ("failed", "slurm job 7 ended (TIMEOUT (TimeLimit)) but the task never "
                                                   "reported its end")),
    (jobs.LOST, "in_progress", "", ("failed", "slurm job 7 is no longer known to the scheduler (TIMEOUT (TimeLimit))")),
    (jobs.PREEMPTED, "in_progress", "", ("stopped", "slurm job 7 was preempted (TIMEOUT (TimeLimit))")),
])
def test_what_a_jobs_end_makes_of_its_task(phase: str, task_status: str, task_reason: str,
                                           expected: tuple[str, str] | None) -> None:
    job = jobs.JobState("7", phase, "TIMEOUT (TimeLimit)")
    found = jobs.ending("slurm", job, task_status, task_reason)
    assert (found and (found.status, found.reason)) == expected
    said = jobs.describe("slurm", jobs.JobState("7", jobs.RUNNING, "RUNNING", "gpu-7"))
    assert said == "slurm job 7 running on gpu-7"
    assert jobs.describe("slurm", jobs.JobState("7", jobs.PENDING, "PENDING (Resources)")) == "slurm job 7 pending " \
                                                                                            "(Resources)"
    said = jobs.describe("k8s", jobs.JobState("t", jobs.PENDING, "ImagePullBackOff: x"))
    assert said == "k8s job t pending (ImagePullBackOff: x)"
    with pytest.raises(ValueError, match="unknown job phase"):
        jobs.JobState("7", "exploded")
