"""Automation: what the optimizer adds per trial, how fast a trigger launches its target, how
close to the minute a schedule fires.

    python bench/bench_automation.py                      # all three (the schedule takes 10 minutes)
    BENCH_HPO_TRIALS=40 BENCH_SCHED_MINUTES=3 python bench/bench_automation.py

- HPO: ``BENCH_HPO_TRIALS`` (200) trials of a trivial task, concurrency 2, run locally; against
  the same number of runs of the same script started directly, two at a time.
- Trigger latency: a trigger service in its own process (looking every 0.5 s); a task fails,
  and the clone it launches is queued: commit of the failure -> the clone's enqueue.
- Scheduler drift: a per-minute function schedule for ``BENCH_SCHED_MINUTES`` (10) minutes; each
  fire's start against its minute.
"""
from __future__ import annotations

import os
import sys

from _common import EMIT, Row, main, repeat, run_child

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

TRIALS = int(os.environ.get("BENCH_HPO_TRIALS", "200"))
HPO_RUNS = int(os.environ.get("BENCH_HPO_RUNS", "1"))
EVENTS = int(os.environ.get("BENCH_TRIGGER_EVENTS", "40"))
MINUTES = int(os.environ.get("BENCH_SCHED_MINUTES", "10"))

TRIVIAL = '''
from jupyter_ext import Task
task = Task.init(project_name="bench", task_name="trivial", auto_resource_monitoring=False)
x = task.connect({"x": 0})["x"]
task.get_logger().report_scalar("loss", "v", float((x - 3) ** 2), 0)
'''

_HPO = EMIT + f"""
import subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
with open("trivial.py", "w") as fh:
    fh.write({TRIVIAL!r})
import os
os.environ["JUPYTER_TRACK_EXIT_TIMEOUT"] = "120"  # a loaded machine must not lose a trial's last reports
subprocess.run([sys.executable, "trivial.py"], check=True)  # the base task, and a warm start
from jupyter_ext import Task
from jupyter_ext.sdk import _session as session
from jupyter_ext.automation import HyperParameterOptimizer, UniformIntegerParameterRange, GridSearch

import threading
import jupyter_ext.client.execution as execute
calls, returns, lock = [], [], threading.Lock()
run_task = execute.run_task


def timed_run_task(task_id, *args, **kw):
    with lock:
        calls.append(time.perf_counter())
    try:
        return run_task(task_id, *args, **kw)
    finally:
        with lock:
            returns.append(time.perf_counter())


execute.run_task = timed_run_task
base = Task.get_task(project_name="bench", task_name="trivial")
opt = HyperParameterOptimizer(base_task_id=base.id,
    hyper_parameters=[UniformIntegerParameterRange("General/x", 0, {TRIALS} - 1)],
    objective_metric_title="loss", objective_metric_series="v", optimizer_class=GridSearch,
    max_number_of_concurrent_tasks=2)
t0 = time.perf_counter()
opt.start_locally()
opt.wait()
hpo_wall = time.perf_counter() - t0
trials = opt.trials()
assert len(trials) == {TRIALS} and all(t.state == "completed" for t in trials), [t.message for t in trials][:3]
rows = [session.backend().get_task(t.task_id) for t in trials]
own = sum(r.completed - r.started for r in rows)
t0 = time.perf_counter()
with ThreadPoolExecutor(2) as pool:
    list(pool.map(lambda i: subprocess.run([sys.executable, "trivial.py"], check=True,
                                           stdout=subprocess.DEVNULL), range({TRIALS})))
direct_wall = time.perf_counter() - t0
returns.sort()
gaps = sorted(calls[k] - returns[k - 2] for k in range(2, len(calls)))  # a slot freed -> its next trial started
emit(hpo_wall=hpo_wall, direct_wall=direct_wall, per_trial=gaps[len(gaps) // 2],
     slot_overhead=(hpo_wall * 2 - own) / {TRIALS})
"""

_TRIGGER = EMIT + f"""
import subprocess, sys, time
from jupyter_ext.sdk import _session as session
backend = session.backend()
backend.create_queue("default")
target = backend.create_task({{"project": "Jobs", "name": "report"}})
service = subprocess.Popen([sys.executable, "-c", '''
import sys
from jupyter_ext.automation import TriggerScheduler
trig = TriggerScheduler()
trig.add_task_trigger(schedule_task_id=sys.argv[1], schedule_queue="default", trigger_project="Train",
                      trigger_on_status=["failed"])
trig.begin()
print("READY", flush=True)
trig.start()
''', target.id], stdout=subprocess.PIPE, text=True)
assert service.stdout.readline().startswith("READY")
latencies = []
try:
    for i in range({EVENTS}):
        run = backend.create_task({{"project": "Train", "name": f"run {{i}}", "status": "in_progress"}})
        failed = backend.set_task_status(run.id, "failed", reason="bench")
        committed = failed.last_update
        deadline = time.monotonic() + 30
        while True:
            launched = [r for r in backend.query_tasks(project_name="Jobs", statuses=["queued"])
                        if run.id[:8] in r.name]
            if launched or time.monotonic() > deadline:
                break
            time.sleep(0.01)
        assert launched, "the trigger never launched its target"
        latencies.append(launched[0].last_update - committed)
        time.sleep(0.13)  # events land anywhere within the service's look period
finally:
    service.kill()
latencies.sort()
emit(median=latencies[len(latencies) // 2], p99=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))])
"""

_SCHEDULE = EMIT + f"""
import datetime as dt, threading, time
from jupyter_ext.automation import TaskScheduler
from jupyter_ext.sdk import _session as session

fired = []
def tick():
    fired.append(time.time())

sched = TaskScheduler(force_create_task_name="drift")
sched.add_task(schedule_function=tick, minute="*")
threading.Timer(({MINUTES} + 0.5) * 60 - (time.time() % 60) + 1, sched.stop).start()
sched.start()
drifts = [t - (t // 60) * 60 for t in fired]
emit(fires=len(fired), worst=max(drifts), median=sorted(drifts)[len(drifts) // 2])
"""


def collect() -> list[Row]:
    rows: list[Row] = []
    hpo = repeat(lambda: run_child(_HPO, timeout=3600), runs=HPO_RUNS, warmup=0, desc="hpo") if TRIALS else []
    rows += [] if not hpo else [
        Row(f"HPO: optimizer overhead per trial beyond its run ({TRIALS} trivial trials, 2 at a time, local)",
            [r["per_trial"] for r in hpo], 0.150,
            notes=["median of: a trial's run returned -> the next trial's run started in that slot (notice the "
                   "end, read the objective, suggest, clone the base, set the values, start the run)"]),
        Row("HPO: a slot's time per trial beyond the trial's started->completed", [r["slot_overhead"] for r in hpo],
            None, notes=["(wall x 2 - the trials' own time) / trials: also the agent's part of a local run "
                         "(workspace, the child's exit, its console and final status)"]),
        Row(f"HPO: {TRIALS} trials total wall time", [r["hpo_wall"] for r in hpo], None, unit="s"),
        Row(f"the same {TRIALS} scripts run directly, 2 at a time", [r["direct_wall"] for r in hpo], None, unit="s"),
        Row("ratio HPO / direct", [r["hpo_wall"] / r["direct_wall"] for r in hpo], None, unit=""),
    ]
    if EVENTS:
        trig = repeat(lambda: run_child(_TRIGGER, timeout=900), desc="trigger", warmup=0, runs=1)
        rows += [Row(f"trigger latency, failure commit -> target queued: median of {EVENTS}",
                     [r["median"] for r in trig], None),
                 Row(f"trigger latency: p99 of {EVENTS}", [r["p99"] for r in trig], 2.0)]
    if MINUTES:
        sched = run_child(_SCHEDULE, timeout=(MINUTES + 3) * 60)
        rows += [Row(f"scheduler: fires of a per-minute schedule over {MINUTES} min", [float(sched["fires"])],
                     None, unit=""),
                 Row("scheduler drift: worst fire after its minute", [sched["worst"]], 1.0, unit="s"),
                 Row("scheduler drift: median", [sched["median"]], None, unit="s")]
    return rows


if __name__ == "__main__":
    main(collect)
