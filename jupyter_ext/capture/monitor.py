"""Resource monitoring: CPU, memory, disk, network and GPU of the machine while a task runs.

One daemon thread reports every ``report_frequency_sec`` (5 s) through a
``report(title, series, value, iteration)`` callable, under ClearML's names (CPU, network and
disk I/O as averages over the period, memory and disk as levels at the report, GPU utilisation
as the average of samples taken every ``1 / sample_frequency_per_sec`` seconds):

``:monitor:machine``  ``cpu_usage`` (%), ``memory_used_gb`` (this process and its children, or
                      the machine with ``report_global_mem_used``), ``memory_free_gb``,
                      ``disk_free_percent``, ``cpu_temperature`` (where the OS tells),
                      ``network_tx_mbs`` / ``network_rx_mbs``, ``io_read_mbs`` / ``io_write_mbs``
                      (MB/s)
``:monitor:gpu``      ``gpu_N_utilization``, ``gpu_N_mem_used_gb``, ``gpu_N_mem_free_gb``,
                      ``gpu_N_mem_usage`` (%), ``gpu_N_temperature``, ``gpu_N_power_draw`` (W),
                      from pynvml when it imports, else ``nvidia-smi`` when it is on the PATH;
                      ``CUDA_VISIBLE_DEVICES`` / ``NVIDIA_VISIBLE_DEVICES`` are respected

The iteration of a point is the number of seconds since the monitor started (the store keeps
``:monitor:`` titles out of the task's own iteration count). Counters that only grow (network,
disk I/O, CPU time) are read as differences, so a sample costs a few reads of ``/proc``. psutil
is imported by the thread, not by the caller. Without a GPU the thread wakes once per report.
"""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from jupyter_ext.errors import InvalidArgument

MACHINE = ":monitor:machine"
GPU = ":monitor:gpu"
GB = float(1 << 30)
MB = float(1 << 20)

Report = Callable[[str, str, float, int], None]

# ClearML's keys for ``auto_resource_monitoring={...}``, with their aliases.
_ALIASES = {"report_start_sec": "first_report_sec", "seconds_from_start": "first_report_sec"}
_IGNORED = ("wait_for_first_iteration_to_start_sec", "max_wait_for_first_iteration_to_start_sec")


class MonitorOptions:
    """How often to sample and report (seconds), and whose memory counts."""

    __slots__ = ("sample_period", "report_period", "first_report", "global_memory")

    def __init__(self, sample_period: float = 1.0, report_period: float = 5.0, first_report: float | None = None,
                 global_memory: bool = False) -> None:
        self.sample_period = sample_period
        self.report_period = report_period
        self.first_report = first_report  # None: one report period after the start
        self.global_memory = global_memory


def parse_options(value: Any) -> MonitorOptions | None:
    """Check ``Task.init(auto_resource_monitoring=...)``: None means off."""
    if value is False or value is None:
        return None
    if value is True:
        return MonitorOptions()
    if not isinstance(value, Mapping):
        raise InvalidArgument(f"auto_resource_monitoring must be True, False or a dict such as "
                              f"{{'report_frequency_sec': 10}}; got {type(value).__name__}")
    opts: dict[str, Any] = {}
    for raw_key, setting in value.items():
        key = _ALIASES.get(raw_key, raw_key)
        if key in _IGNORED:
            continue  # the x-axis here is always seconds since the start
        if key in ("sample_frequency_per_sec", "report_frequency_sec", "first_report_sec"):
            if isinstance(setting, bool) or not isinstance(setting, (int, float)) or not setting > 0:
                raise InvalidArgument(f"auto_resource_monitoring[{raw_key!r}] must be a positive number; "
                                      f"got {setting!r}")
            name = {"sample_frequency_per_sec": "sample_period", "report_frequency_sec": "report_period",
                    "first_report_sec": "first_report"}[key]
            opts[name] = 1.0 / float(setting) if key == "sample_frequency_per_sec" else float(setting)
        elif key == "report_global_mem_used":
            opts["global_memory"] = bool(setting)
        elif key == "report_mem_used_per_process":
            opts["global_memory"] = not bool(setting)
        else:
            raise InvalidArgument(
                f"auto_resource_monitoring: unknown key {raw_key!r}; known: sample_frequency_per_sec, "
                f"report_frequency_sec, first_report_sec (report_start_sec, seconds_from_start), "
                f"report_global_mem_used, report_mem_used_per_process")
    options = MonitorOptions(**opts)
    if options.sample_period > options.report_period:
        options = MonitorOptions(options.report_period, options.report_period, options.first_report,
                                 options.global_memory)
    return options


class ResourceMonitor:
    """Samples the machine on its own thread and reports averages; ``stop()`` ends it."""

    def __init__(self, report: Report, options: MonitorOptions | None = None, *, disk_path: str | None = None,
                 nvidia_smi: str | None = None) -> None:
        self._report = report
        self.options = options or MonitorOptions()
        self._disk_path = disk_path or os.getcwd()
        self._nvidia_smi = nvidia_smi
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.cpu_seconds = 0.0  # CPU time the monitor thread itself used
        self.reports = 0
        self._samples: dict[tuple[str, str], list[float]] = {}

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="jupyter-track-monitor", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        thread = self._thread
        # started from another thread: stop() can come between its creation and its start, and
        # a thread that starts after _stop is set ends at once
        if thread is not None and thread is not threading.current_thread() and thread.ident is not None:
            thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- the thread ------------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            import psutil
        except ImportError:
            return
        self._psutil = psutil
        self._process = psutil.Process()
        self._gpu = _GpuReader.find(self._nvidia_smi)
        cpu0 = time.thread_time()  # from here on: the cost of monitoring, not of starting it
        start = time.monotonic()
        self._counters = self._read_counters()
        psutil.cpu_percent(None)  # the first call only starts the measurement
        opts = self.options
        # Only GPU utilisation is momentary; everything else is a counter read as a difference
        # or a level read at report time. Without an NVML GPU the thread wakes once per report.
        sampling = self._gpu is not None and self._gpu.nvml is not None
        next_report = start + (opts.first_report if opts.first_report is not None else opts.report_period)
        try:
            while True:
                left = max(0.0, next_report - time.monotonic())
                if self._stop.wait(min(opts.sample_period, left) if sampling else left):
                    break
                try:
                    if sampling:
                        self._sample_gpu()
                    now = time.monotonic()
                    if now >= next_report - 1e-3:
                        self._emit(int(round(now - start)))
                        next_report = now + opts.report_period
                except Exception as exc:  # noqa: BLE001 - a failing sensor must not end monitoring for good
                    _warn_once(f"resource monitor: {type(exc).__name__}: {exc}")
                self.cpu_seconds = time.thread_time() - cpu0
        finally:
            self.cpu_seconds = time.thread_time() - cpu0

    def _sample_gpu(self) -> None:
        assert self._gpu is not None
        for series, value in self._gpu.read().items():
            self._samples.setdefault((GPU, series), []).append(float(value))

    def _memory_used(self, vm: Any) -> float:
        if self.options.global_memory:
            return float(vm.total - vm.available)
        used = float(self._process.memory_info().rss)
        for child in self._process.children(recursive=True):
            try:
                used += child.memory_info().rss
            except self._psutil.Error:
                pass  # it ended meanwhile
        return used

    def _read_counters(self) -> dict[str, float]:
        psutil = self._psutil
        out = {"time": time.monotonic()}
        net = psutil.net_io_counters()
        if net is not None:
            out.update(network_tx_mbs=net.bytes_sent, network_rx_mbs=net.bytes_recv)
        try:
            disk = psutil.disk_io_counters()
        except Exception:  # noqa: BLE001 - psutil's errors differ per platform
            disk = None
        if disk is not None:
            out.update(io_read_mbs=disk.read_bytes, io_write_mbs=disk.write_bytes)
        return out

    def _emit(self, iteration: int) -> None:
        psutil = self._psutil
        samples, self._samples = self._samples, {}
        values: dict[tuple[str, str], float] = {k: sum(v) / len(v) for k, v in samples.items() if v}
        values[MACHINE, "cpu_usage"] = psutil.cpu_percent(None)  # the average since the last report
        vm = psutil.virtual_memory()
        values[MACHINE, "memory_used_gb"] = self._memory_used(vm) / GB
        values[MACHINE, "memory_free_gb"] = vm.available / GB
        counters = self._read_counters()
        elapsed = counters["time"] - self._counters["time"]
        if elapsed > 0:
            for name in ("network_tx_mbs", "network_rx_mbs", "io_read_mbs", "io_write_mbs"):
                if name in counters and name in self._counters:
                    values[MACHINE, name] = max(0.0, counters[name] - self._counters[name]) / MB / elapsed
        self._counters = counters
        try:
            values[MACHINE, "disk_free_percent"] = 100.0 - psutil.disk_usage(self._disk_path).percent
        except OSError:
            pass
        if self._gpu is not None and self._gpu.nvml is None:
            values.update(((GPU, series), value) for series, value in self._gpu.read().items())
        temperature = _cpu_temperature(psutil)
        if temperature is not None:
            values[MACHINE, "cpu_temperature"] = temperature
        for (title, series), value in sorted(values.items()):
            self._report(title, series, round(value, 4), iteration)
        self.reports += 1


def _cpu_temperature(psutil: Any) -> float | None:
    reader = getattr(psutil, "sensors_temperatures", None)
    if reader is None:
        return None
    try:
        sensors = reader()
    except Exception:  # noqa: BLE001 - psutil's errors differ per platform
        return None
    for name in ("coretemp", "k10temp", "cpu_thermal", "cpu-thermal", "zenpower"):
        readings = [r.current for r in sensors.get(name, ()) if r.current]
        if readings:
            return float(sum(readings) / len(readings))
    return None


def _visible_gpus() -> set[int] | None:
    for name in ("CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES"):
        value = os.environ.get(name)
        if value is None or value.strip().lower() in ("all", ""):
            continue
        if value.strip().lower() in ("none", "void"):
            return set()
        try:
            return {int(x) for x in value.split(",") if x.strip()}
        except ValueError:
            continue  # GPU UUIDs: not mapped to indices here, so report them all
    return None


# index, utilization %, memory used MiB, memory total MiB, temperature C, power W
_Row = tuple[int, float | None, float | None, float | None, float | None, float | None]


class _GpuReader:
    """NVIDIA GPUs through pynvml, else nvidia-smi; absent when neither answers."""

    QUERY = "index,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw"

    def __init__(self, nvml: Any, smi: str | None) -> None:
        self.nvml = nvml
        self.smi = smi
        self.visible = _visible_gpus()

    @classmethod
    def find(cls, smi_path: str | None = None) -> _GpuReader | None:
        try:
            import pynvml

            pynvml.nvmlInit()
            return cls(pynvml, None)
        except Exception:  # noqa: BLE001 - pynvml raises its own errors when no driver: try nvidia-smi
            pass
        import shutil

        smi = smi_path or shutil.which("nvidia-smi")
        if smi is None:
            return None
        reader = cls(None, smi)
        try:
            return reader if reader.read() else None
        except Exception:  # noqa: BLE001 - nvidia-smi's output varies: no GPU reader then
            return None

    def read(self) -> dict[str, float]:
        rows = self._nvml_rows() if self.nvml is not None else self._smi_rows()
        out: dict[str, float] = {}
        for index, util, used_mb, total_mb, temp, power in rows:
            if self.visible is not None and index not in self.visible:
                continue
            p = f"gpu_{index}_"
            if util is not None:
                out[p + "utilization"] = util
            if used_mb is not None and total_mb:
                out[p + "mem_used_gb"] = used_mb / 1024.0
                out[p + "mem_free_gb"] = (total_mb - used_mb) / 1024.0
                out[p + "mem_usage"] = 100.0 * used_mb / total_mb
            if temp is not None:
                out[p + "temperature"] = temp
            if power is not None:
                out[p + "power_draw"] = power
        return out

    def _nvml_rows(self) -> list[_Row]:
        nvml = self.nvml
        rows: list[_Row] = []
        for i in range(nvml.nvmlDeviceGetCount()):
            h = nvml.nvmlDeviceGetHandleByIndex(i)
            mem = nvml.nvmlDeviceGetMemoryInfo(h)
            try:
                power: float | None = nvml.nvmlDeviceGetPowerUsage(h) / 1000.0
            except Exception:  # noqa: BLE001 - pynvml raises its own errors on boards without power readings
                power = None
            rows.append((i, float(nvml.nvmlDeviceGetUtilizationRates(h).gpu), mem.used / MB, mem.total / MB,
                         float(nvml.nvmlDeviceGetTemperature(h, 0)), power))
        return rows

    def _smi_rows(self) -> list[_Row]:
        import subprocess

        assert self.smi is not None
        out = subprocess.run([self.smi, f"--query-gpu={self.QUERY}", "--format=csv,noheader,nounits"],
                             capture_output=True, text=True, timeout=10, check=True).stdout
        rows: list[_Row] = []
        for line in out.splitlines():
            cells = [c.strip() for c in line.split(",")]
            if len(cells) != 6 or not cells[0].isdigit():
                continue
            util, used, total, temp, power = (_number(c) for c in cells[1:])
            rows.append((int(cells[0]), util, used, total, temp, power))
        return rows


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None  # "[N/A]", "[Not Supported]"


_warned: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        import sys

        print(f"jupyter-track: {message}", file=sys.stderr)
