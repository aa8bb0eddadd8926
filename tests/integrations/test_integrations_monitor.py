"""Resource monitoring: :monitor: scalars while the task runs, out of its iteration count,
stopped at close; GPU figures through nvidia-smi's query interface; options checked."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import PRELUDE, result_of

MACHINE_SERIES = {"cpu_usage", "memory_used_gb", "memory_free_gb", "disk_free_percent", "network_tx_mbs",
                  "network_rx_mbs"}


def _collect() -> tuple[list[tuple[str, str, float, int]], Any]:
    points: list[tuple[str, str, float, int]] = []
    return points, lambda title, series, value, iteration: points.append((title, series, value, iteration))


def test_monitor_reports_machine_figures_and_stops(tmp_path: Path) -> None:
    from jupyter_ext.capture.monitor import MonitorOptions, ResourceMonitor

    points, report = _collect()
    monitor = ResourceMonitor(report, MonitorOptions(sample_period=0.05, report_period=0.25), disk_path=str(tmp_path))
    monitor.start()
    deadline = time.monotonic() + 20
    while monitor.reports < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    monitor.stop()
    assert not monitor.running
    count = len(points)
    time.sleep(0.4)
    assert len(points) == count, "nothing is reported after stop()"
    machine = {s for t, s, _, _ in points if t == ":monitor:machine"}
    assert machine >= MACHINE_SERIES
    values = {s: v for t, s, v, _ in points}
    assert 0.0 <= values["cpu_usage"] <= 100.0 and 0.0 < values["disk_free_percent"] <= 100.0
    assert 0.0 < values["memory_used_gb"] < values["memory_used_gb"] + values["memory_free_gb"]
    assert all(isinstance(i, int) and i >= 0 for _, _, _, i in points)
    assert monitor.cpu_seconds > 0.0


def test_gpu_figures_through_nvidia_smi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No GPU on this machine: a stand-in for nvidia-smi answers the same query the real one
    # does (index, utilization, memory used/total MiB, temperature, power), for two GPUs.
    smi = tmp_path / "nvidia-smi"
    smi.write_text("#!/bin/sh\n"
                   "case \"$1\" in --query-gpu=index,utilization.gpu,memory.used,memory.total,temperature.gpu,"
                   "power.draw) ;; *) exit 9;; esac\n"
                   "echo '0, 87, 2048, 8192, 61, 143.5'\necho '1, 5, 0, 8192, 40, [N/A]'\n")
    smi.chmod(0o755)
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0")
    from jupyter_ext.capture.monitor import MonitorOptions, ResourceMonitor

    points, report = _collect()
    monitor = ResourceMonitor(report, MonitorOptions(sample_period=0.05, report_period=0.1), nvidia_smi=str(smi))
    monitor.start()
    deadline = time.monotonic() + 20
    while monitor.reports < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    monitor.stop()
    gpu = {s: v for t, s, v, _ in points if t == ":monitor:gpu"}
    assert gpu == {"gpu_0_utilization": 87.0, "gpu_0_mem_used_gb": 2.0, "gpu_0_mem_free_gb": 6.0,
                   "gpu_0_mem_usage": 25.0, "gpu_0_temperature": 61.0, "gpu_0_power_draw": 143.5}


def test_task_monitoring_is_outside_its_iterations_and_ends_at_close(run_py: Any, stored: Any) -> None:
    proc = run_py.run(PRELUDE + """
import threading, time
task = Task.init(project_name="Auto", task_name="monitored",
                 auto_resource_monitoring={"report_frequency_sec": 0.3, "sample_frequency_per_sec": 20})
task.get_logger().report_scalar("loss", "train", 0.5, iteration=5)
deadline = time.monotonic() + 20
while task._monitor.reports < 2 and time.monotonic() < deadline:
    time.sleep(0.05)
monitor = task._monitor
task.close()
alive = [t.name for t in threading.enumerate() if t.name == "jupyter-track-monitor"]
print("RESULT=" + json.dumps({"id": task.id, "alive": alive, "running": monitor.running}))
""")
    out = result_of(proc)
    assert out["alive"] == [] and out["running"] is False
    task = stored(out["id"])
    scalars = task.get_reported_scalars()
    assert set(scalars[":monitor:machine"]) >= MACHINE_SERIES
    assert task.get_last_iteration() == 5


def test_monitoring_off(run_py: Any, stored: Any) -> None:
    proc = run_py.run(PRELUDE + """
import threading, time
task = Task.init(project_name="Auto", task_name="quiet", auto_resource_monitoring=False)
time.sleep(0.3)
names = [t.name for t in threading.enumerate()]
done(task, monitor=task._monitor is not None or "jupyter-track-monitor" in names)
""")
    out = result_of(proc)
    assert out["monitor"] is False
    assert stored(out["id"]).get_reported_scalars() == {}


@pytest.mark.parametrize("value, message", [
    ({"report_frequency": 3}, "unknown key 'report_frequency'"),
    ({"report_frequency_sec": 0}, "must be a positive number"),
    ("often", "must be True, False or a dict"),
])
def test_bad_monitoring_options_fail_before_a_task_is_made(Task: Any, value: Any, message: str) -> None:
    from jupyter_ext.errors import InvalidArgument

    with pytest.raises(InvalidArgument, match=message):
        Task.init(project_name="Auto", task_name="bad monitor", auto_resource_monitoring=value)
    assert Task.current_task() is None


def test_clearml_option_names_are_accepted() -> None:
    from jupyter_ext.capture.monitor import parse_options

    opts = parse_options({"seconds_from_start": 2, "report_global_mem_used": True,
                          "wait_for_first_iteration_to_start_sec": 30})
    assert opts is not None and opts.first_report == 2.0 and opts.global_memory is True
    assert parse_options(False) is None
