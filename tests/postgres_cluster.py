"""A throwaway PostgreSQL cluster on 127.0.0.1 for the test suite's PostgreSQL pass.

    python tests/postgres_cluster.py start DIR [--port 55432]   # prints the store URL
    python tests/postgres_cluster.py stop DIR

The cluster lives in DIR (initdb'd on first start) and is owned by the ``postgres`` user when
run as root (PostgreSQL refuses to run as root). Durability is switched off: the data is thrown
away with DIR, and fsync per commit would make the pass several times slower.
"""
from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import time


def _bindir() -> str:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(candidate, "initdb")):
            return candidate
    found = shutil.which("initdb")
    if found:
        return os.path.dirname(os.path.realpath(found))
    raise SystemExit("PostgreSQL is not installed: `apt-get install -y postgresql` (Debian) provides initdb")


def _as_owner(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", "postgres", "--", *argv]
    return ["su", "postgres", "-c", " ".join(argv)]


def _run(argv: list[str]) -> None:
    result = subprocess.run(_as_owner(argv), capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")


def start(directory: str, port: int) -> str:
    directory = os.path.abspath(directory)
    data = os.path.join(directory, "data")
    bindir = _bindir()
    os.makedirs(directory, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    if not os.path.exists(os.path.join(data, "PG_VERSION")):
        _run([f"{bindir}/initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
              "--locale=C.UTF-8"])
    options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {directory} -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300")
    status = subprocess.run(_as_owner([f"{bindir}/pg_ctl", "-D", data, "status"]), capture_output=True)
    if status.returncode != 0:
        _run([f"{bindir}/pg_ctl", "-D", data, "-l", os.path.join(directory, "server.log"), "-o", options,
              "-w", "start"])
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    _wait_ready(url)
    return url


def _wait_ready(url: str, timeout: float = 30.0) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            psycopg.connect(url, connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def stop(directory: str) -> None:
    data = os.path.join(os.path.abspath(directory), "data")
    if os.path.exists(os.path.join(data, "PG_VERSION")):
        subprocess.run(_as_owner([f"{_bindir()}/pg_ctl", "-D", data, "-m", "fast", "-w", "stop"]),
                       capture_output=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("start", "stop"))
    parser.add_argument("directory")
    parser.add_argument("--port", type=int, default=55432)
    args = parser.parse_args(argv)
    if args.action == "start":
        print(start(args.directory, args.port))
    else:
        stop(args.directory)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
