"""The agent's warm interpreter (client/standby.py): a script run in it sees what ``python -u
script.py`` gives it, and fails the way it would."""
from __future__ import annotations

from typing import Any

from .conftest import Stack

_PROBE = """
import os, sys
from jupyter_ext import Task
task = Task.init(project_name="Warm", task_name="probe")
print("NAME=" + __name__)
print("ARGV=" + "|".join(sys.argv[1:]))
print("ARGV0=" + os.path.basename(sys.argv[0]))
print("PATH0=" + os.path.basename(sys.path[0] or "?"))
print("TASK=" + os.environ.get("JUPYTER_TRACK_TASK_ID", "-"))
print("STDIN=" + repr(sys.stdin.read()))
print("TASK_ID=" + task.id)
if "--fail" in sys.argv:
    def inner():
        raise ValueError("broken on purpose")
    inner()
"""


def test_a_script_in_the_warm_interpreter_sees_a_direct_run(local_stack: Stack, task_id_of: Any) -> None:
    first = local_stack.script(_PROBE, name="probe.py", args=("--x", "1"))
    assert first.returncode == 0, first.stderr
    clone = local_stack.backend.clone_task(task_id_of(first.stdout))
    done = local_stack.cli("agent", "execute", "--id", clone.id)
    assert done.returncode == 0, done.stdout + done.stderr
    console = local_stack.console(clone.id)
    assert "warm interpreter" in console
    for line in ("NAME=__main__", "ARGV=--x|1", "ARGV0=probe.py", f"TASK={clone.id}", "STDIN=''"):
        assert line in console, (line, console)
    assert f"PATH0={clone.id}" in console  # the folder the script was written to, as for `python script.py`
    assert local_stack.backend.get_task(clone.id).status == "completed"


def test_a_failing_script_in_the_warm_interpreter_fails_as_a_direct_run(local_stack: Stack,
                                                                         task_id_of: Any) -> None:
    first = local_stack.script(_PROBE, name="probe.py")
    assert first.returncode == 0, first.stderr
    clone = local_stack.backend.clone_task(task_id_of(first.stdout))
    script = dict(local_stack.backend.get_task(clone.id).script)
    script["argv"] = [script["argv"][0], "--fail"]
    local_stack.backend.update_task(clone.id, {"script": script})
    done = local_stack.cli("agent", "execute", "--id", clone.id)
    assert done.returncode == 1
    row = local_stack.backend.get_task(clone.id)
    assert row.status == "failed"
    assert "ValueError: broken on purpose" in row.status_reason
    console = local_stack.console(clone.id)
    assert "warm interpreter" in console
    assert 'in inner' in console and "standby" not in console.split("Traceback", 1)[-1]


def test_an_unused_standby_with_an_idle_limit_leaves_by_itself() -> None:
    import os
    import sys

    from jupyter_ext.client import standby

    standby.prepare(idle_timeout=2.0)
    waiting = standby._ready
    assert waiting is not None
    assert waiting.proc.wait(timeout=60) == 0  # gone without being told
    # and one that close to its limit is never handed out (it may be leaving as the script arrives)
    assert standby.take(sys.executable, dict(os.environ, PYTHONUNBUFFERED="1")) is None
    assert standby._ready is None


def test_a_standby_started_with_another_environment_is_not_used() -> None:
    import os
    import sys

    from jupyter_ext.client import standby

    standby.prepare()
    waiting = standby._ready
    assert waiting is not None
    env = dict(os.environ, PYTHONUNBUFFERED="1", JUPYTER_TRACK_TASK_ID="abc")
    changed = dict(env, PYTHONHASHSEED="7")
    assert standby.take(sys.executable, changed) is None  # read at start: a new interpreter is needed
    assert waiting.proc.poll() is not None  # and the unsuitable one was stopped
    standby.prepare()
    proc = standby.take(sys.executable, env)  # the task's own variables do not count
    assert proc is not None
    standby.launch(proc, ["-c-unused"], os.getcwd(), env)  # no such script: it fails
    assert proc.wait(timeout=60) != 0
    for stream in (proc.stdout, proc.stderr):
        assert stream is not None
        stream.close()
