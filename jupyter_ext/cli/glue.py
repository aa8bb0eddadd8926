"""``jupyter track glue slurm|k8s``: serve queues by submitting each task as a Slurm or Kubernetes job
(the work is done in ``jupyter_ext.glue``)."""
from __future__ import annotations

import argparse
import shlex
import signal
from typing import Any

from jupyter_ext.errors import InvalidArgument


def _read(path: str, what: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError as exc:
        raise InvalidArgument(f"cannot read the {what} {path!r}: {exc.strerror}") from None


def _run(launcher: Any) -> int:
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, _frame: launcher.stop(signum))
    return int(launcher.run())


def _agent_command(args: argparse.Namespace) -> list[str]:
    command = shlex.split(args.agent_command)
    if not command:
        raise InvalidArgument("--agent-command cannot be empty; the default is: jupyter track agent execute")
    return command


def cmd_slurm(args: argparse.Namespace) -> int:
    from jupyter_ext.glue.launcher import Launcher
    from jupyter_ext.glue.slurm import Slurm

    template = _read(args.sbatch_template, "sbatch template") if args.sbatch_template else ""
    defaults = {"partition": args.partition, "gres": args.gres, "time": args.time, "cpus": args.cpus,
                "mem": args.mem, "account": args.account, "qos": args.qos, "constraint": args.constraint,
                "gpus": args.gpus}
    extra = [a for chunk in args.sbatch_arg or () for a in shlex.split(chunk)]
    scheduler = Slurm(template=template, defaults={k: str(v) for k, v in defaults.items() if v}, extra_args=extra,
                      output_dir=args.output_dir or "")
    launcher = Launcher(scheduler, args.queues, name=args.name, max_jobs=args.max_jobs,
                        polling_interval=args.polling_interval, agent_command=_agent_command(args), once=args.once,
                        create_queue=args.create_queue)
    return _run(launcher)


def cmd_k8s(args: argparse.Namespace) -> int:
    from jupyter_ext.glue.k8s import Kubernetes
    from jupyter_ext.glue.launcher import Launcher

    template = _read(args.template, "pod template") if args.template else ""
    scheduler = Kubernetes.connect(namespace=args.namespace, template=template, image=args.image or "",
                                   kubeconfig=args.kubeconfig, context=args.context,
                                   ttl_seconds=args.ttl_seconds, stream_logs=not args.no_logs)
    launcher = Launcher(scheduler, args.queues, name=args.name, max_jobs=args.max_pods,
                        polling_interval=args.polling_interval, agent_command=[*_agent_command(args), "--no-echo"],
                        once=args.once, create_queue=args.create_queue)
    return _run(launcher)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--queues", "--queue", nargs="+", default=["default"], metavar="QUEUE",
                   help="queues in priority order (default: default)")
    p.add_argument("--name", help="launcher name; its worker id is <hostname>:<name> (default: glue-<kind>-<queues>). "
                                  "A restarted launcher with the same name follows its jobs again")
    p.add_argument("--polling-interval", type=float, default=2.0, metavar="S",
                   help="seconds between looks at the jobs and the queues (default 2)")
    p.add_argument("--create-queue", action="store_true", help="create the queues that do not exist")
    p.add_argument("--once", action="store_true", help="exit when the queues are empty and every job has ended")
    p.add_argument("--agent-command", default="jupyter track agent execute", metavar="CMD",
                   help="what the job runs, before --id <task> (default: jupyter track agent execute)")


def add_parser(sub: Any) -> None:
    p = sub.add_parser("glue", help="run queued tasks as Slurm or Kubernetes jobs (slurm, k8s)")
    verbs = p.add_subparsers(dest="glue_verb", metavar="<slurm|k8s>", required=True)

    s = verbs.add_parser("slurm", help="each task of the queues becomes a Slurm job (sbatch)")
    _common(s)
    s.add_argument("--max-jobs", type=int, default=10, metavar="N", help="at most N jobs pending or running (10)")
    s.add_argument("--sbatch-template", metavar="FILE",
                   help="job script: #SBATCH lines and environment setup; {{ command }} marks where the task runs "
                        "(appended when absent)")
    s.add_argument("--partition", help="sbatch --partition")
    s.add_argument("--gres", help="sbatch --gres, e.g. gpu:1")
    s.add_argument("--gpus", help="sbatch --gpus")
    s.add_argument("--time", help="sbatch --time, e.g. 04:00:00")
    s.add_argument("--cpus", help="sbatch --cpus-per-task")
    s.add_argument("--mem", help="sbatch --mem, e.g. 16G")
    s.add_argument("--account", help="sbatch --account")
    s.add_argument("--qos", help="sbatch --qos")
    s.add_argument("--constraint", help="sbatch --constraint")
    s.add_argument("--sbatch-arg", action="append", metavar="ARGS", help="more sbatch arguments (repeatable)")
    s.add_argument("--output-dir", metavar="DIR",
                   help="where the jobs' output files go (track-<job id>.out), unless the template says")
    s.set_defaults(func=cmd_slurm)

    k = verbs.add_parser("k8s", help="each task of the queues becomes a Kubernetes Job")
    _common(k)
    k.add_argument("--max-pods", type=int, default=10, metavar="N", help="at most N Jobs pending or running (10)")
    k.add_argument("--namespace", default="default", help="namespace of the Jobs (default: default)")
    k.add_argument("--template", metavar="FILE",
                   help="a Pod or Job manifest (YAML): image, resources, env, volumes; {{ command }} may place the "
                        "task's command in its args")
    k.add_argument("--image", help="container image when the template names none")
    k.add_argument("--kubeconfig", help="kubeconfig file (default: in-cluster config, else ~/.kube/config)")
    k.add_argument("--context", help="kubeconfig context")
    k.add_argument("--ttl-seconds", type=int, default=3600, metavar="S",
                   help="ended Jobs are deleted by Kubernetes after S seconds (default 3600)")
    k.add_argument("--no-logs", action="store_true", help="do not stream the pods' logs into the tasks' consoles")
    k.set_defaults(func=cmd_k8s)
