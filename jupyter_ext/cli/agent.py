"""``jupyter track agent daemon|execute|list`` and ``jupyter track task``: the command line of
the agent (the work is done in ``jupyter_ext.agent``)."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

SERVICES_DEFAULT = 8


def _home() -> str:
    from jupyter_ext.sdk import _session as session

    return session.config().home


def cmd_daemon(args: argparse.Namespace) -> int:
    from jupyter_ext.agent import detach

    if args.stop:
        stopped = detach.stop(_home(), args.name)
        print(f"stopped agent process {', '.join(map(str, stopped))}" if stopped else "no background agent was running")
        return 0
    if args.detached:
        argv = ["--queues", *args.queues, "--polling-interval", str(args.polling_interval)]
        argv += ["--name", args.name] if args.name else []
        argv += [flag for flag, on in (("--create-queue", args.create_queue), ("--venv", args.venv),
                                       ("--once", args.once)) if on]
        argv += ["--services-mode", str(args.services_mode)] if args.services_mode else []
        pid, log = detach.start(_home(), args.name, argv)
        print(f"agent started in the background (pid {pid}); log: {log}\n"
              f"stop it with: jupyter track agent daemon --stop{' --name ' + args.name if args.name else ''}")
        return 0
    from jupyter_ext.agent.daemon import Daemon

    options = dict(name=args.name, polling_interval=args.polling_interval, create_queue=args.create_queue,
                   venv=args.venv, once=args.once, echo=args.foreground)
    if args.services_mode:
        from jupyter_ext.agent.services import ServicesDaemon

        daemon: Daemon = ServicesDaemon(args.queues, services=args.services_mode, **options)
    else:
        daemon = Daemon(args.queues, **options)
    daemon.install_signal_handlers()
    return daemon.run()


def cmd_execute(args: argparse.Namespace) -> int:
    import signal

    from jupyter_ext.agent.daemon import execution_for
    from jupyter_ext.cli.main import _backend, _resolve_task
    from jupyter_ext.client import standby
    from jupyter_ext.core.rules import status as statuses
    from jupyter_ext.core.rules.launched_jobs import SIGNAL_REASON_PREFIX

    if not args.venv:  # the script's interpreter starts while this one opens the store
        standby.prepare()
    try:
        row = _resolve_task(_backend(), args.id)
        if args.launched_by and (row.status != statuses.IN_PROGRESS or row.worker != args.launched_by):
            # A job that starts after its task was aborted (or handed elsewhere) must not run it again.
            print(f"jupyter-track agent: task {row.id} is {row.status} and not waiting for a job of "
                  f"{args.launched_by}: nothing to run", file=sys.stderr)
            return 0
        execution = execution_for(row.id, venv=args.venv, echo=not args.no_echo)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda signum, _frame: execution.abort(f"{SIGNAL_REASON_PREFIX} {signum})"))
        return execution.run()
    finally:
        standby.discard()  # unused (a notebook, a shell script): it must not outlive the agent


def cmd_list(args: argparse.Namespace) -> int:
    from jupyter_ext.cli.main import _ago, _backend, _table

    workers = _backend().list_workers()
    if args.json:
        print(json.dumps([w.to_dict() for w in workers], indent=2, default=str))
        return 0
    if not workers:
        print("no workers; start one with: jupyter track agent daemon --queues default")
        return 0
    rows = []
    for w in workers:
        running = f"{w.task.id[:12]} {w.task.name or ''}".strip() if w.task else "-"
        rows.append([w.id, ",".join(w.queues), w.state, running, _ago(w.last_seen)])
    print(_table(rows, ["WORKER", "QUEUES", "STATE", "TASK", "LAST SEEN"]))
    return 0


def cmd_task(args: argparse.Namespace) -> int:
    from jupyter_ext.agent.create import create_script_task

    row = create_script_task(project=args.project, name=args.name, script=args.script, args=args.args or (),
                             requirements=args.requirements, packages=args.packages or (), cwd=args.cwd,
                             task_type=args.task_type, tags=args.tags or (), queue=args.queue)
    where = f", queued in {args.queue!r}" if args.queue else " (a draft: enqueue it to run it)"
    print(f"created task {row.id} ({row.project_name} / {row.name}){where}", file=sys.stderr)
    print(row.id)
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("agent", help="run queued tasks on this machine (daemon, execute, list)")
    verbs = p.add_subparsers(dest="agent_verb", metavar="<daemon|execute|list>", required=True)

    d = verbs.add_parser("daemon", help="listen to queues and run their tasks one at a time")
    d.add_argument("--queues", "--queue", nargs="+", default=["default"], metavar="QUEUE",
                   help="queues in priority order (default: default)")
    d.add_argument("--name", help="worker name (the worker id is <hostname>:<name>; default: the pid)")
    d.add_argument("--polling-interval", type=float, default=5.0, metavar="S",
                   help="seconds between looks at empty queues (default 5)")
    d.add_argument("--create-queue", action="store_true", help="create the queues that do not exist")
    d.add_argument("--foreground", action="store_true", help="also print each task's output here")
    d.add_argument("--detached", "-d", action="store_true", help="run in the background (a pid file under the home)")
    d.add_argument("--stop", action="store_true", help="stop the background agent (--name picks one)")
    d.add_argument("--once", action="store_true", help="exit when the queues are empty")
    d.add_argument("--venv", action="store_true",
                   help="run each task in a virtual environment with its requirements (cached)")
    d.add_argument("--services-mode", type=int, nargs="?", const=SERVICES_DEFAULT, default=0, metavar="N",
                   help=f"run up to N tasks at once, each in its own process (schedulers, triggers, "
                        f"optimizers, pipeline controllers; default N={SERVICES_DEFAULT}); ended tasks are not "
                        f"restarted")
    d.set_defaults(func=cmd_daemon)

    e = verbs.add_parser("execute", help="run one task here, now")
    e.add_argument("--id", required=True, help="the task id (or a unique prefix)")
    e.add_argument("--venv", action="store_true", help="in a virtual environment with the task's requirements")
    e.add_argument("--no-echo", action="store_true",
                   help="do not print the task's output here too (it is in the task's console)")
    e.add_argument("--launched-by", metavar="WORKER",
                   help="run only if the task is still running for this launcher (set by jupyter track glue)")
    e.set_defaults(func=cmd_execute)

    ls = verbs.add_parser("list", help="workers, their queues and what they run")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)

    t = sub.add_parser("task", help="create a task from a script, to run by an agent (like clearml-task)")
    t.add_argument("--project", required=True, help="project name")
    t.add_argument("--name", required=True, help="task name")
    t.add_argument("--script", required=True, help="the .py, .ipynb or .sh file to run")
    t.add_argument("--args", nargs="*", metavar="NAME=VALUE", help="the script's arguments (--NAME VALUE)")
    t.add_argument("--requirements", metavar="FILE", help="a requirements.txt to install (agent --venv)")
    t.add_argument("--packages", nargs="*", metavar="PKG", help="more packages to install")
    t.add_argument("--cwd", help="working directory of the run (default: the script's folder)")
    t.add_argument("--task-type", default="training", help="training, testing, inference, data_processing, …")
    t.add_argument("--tags", nargs="*", help="tags of the task")
    t.add_argument("--queue", help="enqueue it in this queue (otherwise it stays a draft)")
    t.set_defaults(func=cmd_task)
