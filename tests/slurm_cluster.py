"""A throwaway one-node Slurm cluster on 127.0.0.1 for the launcher tests and benchmarks.

    python tests/slurm_cluster.py start DIR    # prints the SLURM_CONF path
    python tests/slurm_cluster.py stop DIR

Debian's ``slurm-wlm`` and ``munge`` (installed by apt when missing, as root). DIR holds the
configuration, the controller's state, the spool and the logs; ports are picked free. munged
is started only when none runs, and then stopped with the cluster; every daemon is stopped by
the pid this script recorded, never by name.
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time

CONF = """\
ClusterName=track
SlurmctldHost={host}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation={d}/state
SlurmdSpoolDir={d}/spool
SlurmctldPidFile={d}/slurmctld.pid
SlurmdPidFile={d}/slurmd.pid
SlurmctldLogFile={d}/log/ctld.log
SlurmdLogFile={d}/log/d.log
SlurmctldPort={ctld_port}
SlurmdPort={d_port}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=600
KillWait=5
OverTimeLimit=0
InactiveLimit=0
SchedulerParameters=sched_interval=1,bf_interval=1
MessageTimeout=10
NodeName={host} NodeAddr=127.0.0.1 CPUs={cpus} RealMemory=4000 State=UNKNOWN
PartitionName=debug Nodes={host} Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:8
"""
# OverSubscribe lets several jobs share the machine's few cores, as the tests' jobs mostly wait.


def unavailable() -> str | None:
    """Why a cluster cannot be started here (None when it can), installing Slurm if missing."""
    if shutil.which("slurmctld") and shutil.which("munged"):
        return None
    if os.geteuid() != 0:
        return "Slurm is not installed and installing it (apt-get install slurm-wlm munge) needs root"
    if not shutil.which("apt-get"):
        return "Slurm is not installed and there is no apt-get to install it (slurm-wlm, munge)"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for argv in (["apt-get", "install", "-y", "-q", "slurm-wlm", "munge"],
                 ["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "slurm-wlm", "munge"]):
        if subprocess.run(argv, env=env, capture_output=True).returncode == 0 and shutil.which("slurmctld"):
            return None
    return "apt-get could not install slurm-wlm and munge"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _munge(directory: str) -> None:
    if subprocess.run(["munge", "-n"], capture_output=True).returncode == 0:
        return  # a munged already answers (the machine's own, or another cluster's)
    for folder in ("/etc/munge", "/run/munge", "/var/lib/munge", "/var/log/munge"):
        os.makedirs(folder, exist_ok=True)
    key = "/etc/munge/munge.key"
    if not os.path.exists(key):
        with open(key, "wb") as fh:
            fh.write(os.urandom(1024))
        os.chmod(key, 0o400)
    subprocess.run(["chown", "-R", "munge:munge", "/etc/munge", "/run/munge", "/var/lib/munge", "/var/log/munge"],
                   check=True)
    pid_file = os.path.join(directory, "munged.pid")
    subprocess.run(["runuser", "-u", "munge", "--", "/usr/sbin/munged", "--pid-file", "/run/munge/munged.pid"],
                   check=True)
    shutil.copy("/run/munge/munged.pid", pid_file)  # ours to stop


def _wait(what: str, ready: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(ready) and ready():
            return
        time.sleep(0.2)
    raise SystemExit(f"{what} did not come up within {timeout:.0f} s")


def start(directory: str) -> str:
    directory = os.path.abspath(directory)
    for sub in ("state", "spool", "log"):
        os.makedirs(os.path.join(directory, sub), exist_ok=True)
    conf = os.path.join(directory, "slurm.conf")
    host = socket.gethostname().split(".")[0]
    with open(conf, "w") as fh:
        fh.write(CONF.format(host=host, d=directory, ctld_port=_free_port(), d_port=_free_port(),
                             cpus=os.cpu_count() or 1))
    _munge(directory)
    env = dict(os.environ, SLURM_CONF=conf)
    subprocess.run(["/usr/sbin/slurmctld", "-f", conf], env=env, check=True)
    _wait("slurmctld", lambda: subprocess.run(["scontrol", "ping"], env=env, capture_output=True,
                                              text=True).stdout.count("UP") > 0)
    subprocess.run(["/usr/sbin/slurmd", "-f", conf], env=env, check=True)

    def node_idle() -> bool:
        out = subprocess.run(["sinfo", "-h", "-o", "%t"], env=env, capture_output=True, text=True).stdout
        return "idle" in out or "mix" in out or "alloc" in out

    _wait("slurmd (node idle)", node_idle)
    return conf


def _pid(path: str) -> int | None:
    try:
        with open(path) as fh:
            return int(fh.read().strip())
    except (OSError, ValueError):
        return None


def stop(directory: str) -> None:
    directory = os.path.abspath(directory)
    pids = [p for p in (_pid(os.path.join(directory, name)) for name in ("slurmd.pid", "slurmctld.pid", "munged.pid"))
            if p]
    for pid in pids:
        try:
            os.kill(pid, 15)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 15
    for pid in pids:
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("directory")
    args = parser.parse_args()
    if args.action == "start":
        why = unavailable()
        if why:
            raise SystemExit(why)
        print(start(args.directory))
    else:
        stop(args.directory)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
