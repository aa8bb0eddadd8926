"""Pipelines: what the controller adds per step. A chain of 10 no-op function steps runs locally
(``start_locally(run_pipeline_steps_locally=True)``: each step a child process); compared with
the steps' own run time (their tasks' started → completed: interpreter, SDK, attach, artifact)."""
from __future__ import annotations

import os
import sys

from _common import EMIT, Row, main, repeat, run_child

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

STEPS = 10

_CHAIN = EMIT + f"""
import time
with open("noop_steps.py", "w") as fh:
    fh.write("def noop(x=0):\\n    return x + 1\\n")
from noop_steps import noop
import jupyter_ext.sdk.pipelines.engine as engine
from jupyter_ext.automation import PipelineController
from jupyter_ext.sdk import _session as session

returned = {{}}  # task id -> when run_task gave the step back (the child gone, its status final)
run_task = engine.run_task


def timed_run_task(task_id, *args, **kw):
    code = run_task(task_id, *args, **kw)
    returned[task_id] = time.time()
    return code


engine.run_task = timed_run_task

pipe = PipelineController(name="bench", project="bench/pipelines", add_run_number=False)
for i in range({STEPS}):
    pipe.add_function_step(name=f"s{{i}}", function=noop,
                           function_kwargs={{"x": "${{s%d.out}}" % (i - 1) if i else 0}}, function_return=["out"])
t0 = time.perf_counter()
pipe.start_locally(run_pipeline_steps_locally=True)
wall = time.perf_counter() - t0
assert pipe.is_successful()
nodes = session.backend().get_pipeline(pipe.id)["nodes"]
own = [n["completed"] - n["started"] for n in nodes]
tails = [returned[n["task_id"]] - n["completed"] for n in nodes]
mine = [nodes[i]["started"] - returned[nodes[i - 1]["task_id"]] for i in range(1, len(nodes))]
med = lambda xs: sorted(xs)[len(xs) // 2]
emit(wall=wall, own_sum=sum(own), own_median=med(own), tail_median=med(tails), mine_median=med(mine))
"""


def collect() -> list[Row]:
    runs = repeat(lambda: run_child(_CHAIN, timeout=600), desc="pipelines")
    return [
        Row(f"{STEPS}-step chain of no-op function steps, run locally: wall time", [r["wall"] for r in runs], None,
            unit="s"),
        Row("one step's own run time (its task started -> completed)", [r["own_median"] for r in runs], None,
            unit="s", notes=["a child interpreter: Python + SDK import, attach, run, store the return artifact"]),
        Row("controller overhead per step ((wall - steps' own time) / steps)",
            [(r["wall"] - r["own_sum"]) / STEPS for r in runs], None,
            notes=["creating the step task, resolving its inputs, launching it, noticing it ended"]),
        Row("  of which: a step's exit tail (status completed -> run_task returns)", [r["tail_median"] for r in runs],
            None, notes=["the child's interpreter exit and the agent's own finish (console flush, status check)"]),
        Row("  of which: the controller (run_task returned -> next step started)", [r["mine_median"] for r in runs],
            None, notes=["wake, poll, create the next step task and resolve its inputs, start its run"]),
    ]


if __name__ == "__main__":
    main(collect)
