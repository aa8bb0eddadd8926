"""What ``Task.init`` does, step by step, and what closing undoes.

The caller's path is kept to validation, an id, and handing work to threads: the task row
is created by the reporter thread, and the environment (packages, git, hardware) is
collected by a capture thread that stores it when done.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jupyter_ext import config as _config
from jupyter_ext import integrations
from jupyter_ext.capture.console import install_console_capture
from jupyter_ext.client import local as _local_backend  # noqa: F401  (loaded here, not in Task.init)
from jupyter_ext.client import reporter as _reporter  # noqa: F401
from jupyter_ext.core.rules import names
from jupyter_ext.core.rules import status as statuses
from jupyter_ext.core.rules.param_types import rows_from_mapping
from jupyter_ext.core.rules.redact import redact_argv
from jupyter_ext.core.rules.task_types import check_task_type
from jupyter_ext.errors import InvalidArgument, Unavailable
from jupyter_ext.integrations import argparse_args as argparse_hook  # loaded with Task (sees early parse_args)
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk.tasks import last_task as session_cache
from jupyter_ext.sdk.tasks import remote, requirements

if TYPE_CHECKING:
    from jupyter_ext.sdk.tasks.task import Task

DEVELOPMENT_TAG = "development"

# fire, Hydra and jsonargparse parse before Task.init when it is called inside their command.
integrations.watch_clis()


def _new_task_id() -> str:
    """``uuid.uuid4().hex`` without importing uuid (which imports platform: ~3 ms at import)."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # the RFC 4122 variant
    return raw.hex()


def _host_name() -> str:
    import platform  # not at import: 2 ms a script that never calls Task.init should not pay

    return platform.node()


def _entry_point() -> str:
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    return os.path.abspath(path) if path else ""


def _default_names(project_name: str | None, task_name: str | None) -> tuple[str, str]:
    entry = _entry_point()
    if task_name is None:
        task_name = os.path.splitext(os.path.basename(entry))[0] if entry else "Untitled"
    if project_name is None:
        project_name = names.DEFAULT_PROJECT
    return names.normalize_project_name(project_name), names.check_task_name(task_name)


def init_task(cls: type[Task], *, project_name: str | None, task_name: str | None, task_type: Any, tags: Any,
              reuse_last_task_id: bool | str, continue_last_task: bool | str | int, output_uri: Any,
              auto_connect_arg_parser: Any, auto_connect_streams: Any, auto_connect_frameworks: Any = True,
              auto_resource_monitoring: Any = True) -> Task:
    from jupyter_ext.capture.monitor import parse_options as monitor_options
    from jupyter_ext.integrations._switches import parse as framework_switches

    project, name = _default_names(project_name, task_name)
    framework_switches(auto_connect_frameworks)  # bad input fails here, before anything is written
    monitoring = monitor_options(auto_resource_monitoring)
    ttype = check_task_type(task_type)
    tag_list = list(names.check_tags(tags))
    if output_uri is not None and not isinstance(output_uri, (str, bool)):
        raise InvalidArgument("output_uri must be a URI string (a folder, s3://…), True or False")
    remote_id = remote.remote_task_id()
    if remote_id:  # run by an agent: the task exists, the names given here are not used
        current = session.main_task()
        if current is not None and not current._closed and current.id == remote_id:
            return current
        return _attach_remote(cls, remote_id, auto_connect_streams, auto_connect_arg_parser,
                              auto_connect_frameworks, monitoring)
    current = session.main_task()
    if current is not None and not current._closed and session.is_borrowed(current):
        return current  # a worker or subprocess of the run that owns it: ClearML's names do not matter here
    if current is None:
        parents = attach_to_parent(cls)
        if parents is not None:
            return parents
    if current is not None and not current._closed:
        same = (project_name is None or current.get_project_name() == project) and \
               (task_name is None or current.name == name) and current.task_type == ttype
        if same:
            return current
        # A notebook cell run again with a new name: finish the old run, start a new one.
        print(f"jupyter-track: closing task {current.id} ({current.name!r}) to start {name!r}", file=sys.stderr)
        current.close()

    cfg = session.config()
    backend = session.backend()
    rep = session.reporter()
    with rep.hold():
        task = _start_task(cls, cfg, backend, rep, project, name, ttype, tag_list, output_uri, reuse_last_task_id,
                           continue_last_task, auto_connect_streams, auto_connect_arg_parser)
    _start_integrations(task, auto_connect_frameworks, auto_connect_arg_parser, monitoring)
    # One thread starts the others, after the caller's work above: a new thread takes the GIL
    # for its first few milliseconds, and the caller would wait that long for each start.
    threading.Thread(target=_start_background_work, args=(backend, rep, task._capture_thread, task._monitor),
                     name="jupyter-track-start", daemon=True).start()
    return task


def attach_to_parent(cls: type[Task]) -> Task | None:
    """The running task of the process that started this one, as this process's borrowed main
    task (ClearML: a subprocess's ``Task.init`` reports to its parent's task), or None."""
    from jupyter_ext.errors import NotFound

    parent_id = session.parent_task_id()
    if parent_id is None:
        return None
    try:
        row = session.backend().get_task(parent_id)
    except (NotFound, Unavailable):
        return None
    if row.status != statuses.IN_PROGRESS:
        return None  # the parent's run is over: this process starts its own
    task = cls(row.to_dict(), live=True)
    session.set_main_task(task, borrowed=True)
    print(f"jupyter-track: reporting to the parent process's task id={row.id} ({row.project_name} / {row.name})")
    return task


def _attach_remote(cls: type[Task], task_id: str, streams: Any, arg_parser: Any, frameworks: Any,
                   monitoring: Any) -> Task:
    from jupyter_ext.errors import NotFound

    cfg = session.config()
    backend = session.backend()
    rep = session.reporter()
    try:
        row = backend.get_task(task_id)
    except NotFound:
        raise InvalidArgument(f"{_config.TASK_ID_VARS[0]}={task_id} names no task in {cfg.api_host or cfg.store_url}; "
                              f"unset it to run this script as a new task") from None
    if row.status != statuses.IN_PROGRESS:
        row = backend.set_task_status(task_id, statuses.IN_PROGRESS, force=True)
    row = claim_run(backend, row)
    rep.beating.add(task_id)
    values = remote.RemoteValues.load(backend, task_id)  # read once, before connect() writes
    task = cls(row.to_dict(), live=True)
    task._remote = values
    session.set_main_task(task)
    print(f"jupyter-track: running task id={task_id} ({row.project_name} / {row.name}) with its stored values")
    _start_capture(task, cfg, False if remote.agent_records_console() else streams, _entry_point(), remote=True)
    if arg_parser:
        argparse_hook.attach(task, arg_parser)
    _start_integrations(task, frameworks, arg_parser, monitoring)
    threading.Thread(target=_start_background_work, args=(backend, rep, task._capture_thread, task._monitor),
                     name="jupyter-track-start", daemon=True).start()
    return task


def _start_background_work(backend: Any, rep: Any, capture: threading.Thread | None, monitor: Any = None) -> None:
    time.sleep(0)  # hand the GIL back to the caller at once
    rep.start()
    backend.open_in_background()
    if capture is not None:
        capture.start()
    if monitor is not None:
        monitor.start()


def _start_integrations(task: Task, frameworks: Any, arg_parser: Any, monitoring: Any) -> None:
    """Framework hooks (lazy: nothing is imported for a framework the script has not imported),
    click arguments, abseil flags, and the resource monitor (started with the other background threads)."""
    from jupyter_ext import integrations

    integrations.install(task, frameworks)
    if arg_parser:
        from jupyter_ext.integrations import absl_flags, click_args

        click_args.attach(task, arg_parser)
        absl_flags.attach(task, arg_parser)
    if monitoring is not None:
        from jupyter_ext.capture.monitor import ResourceMonitor

        task._monitor = ResourceMonitor(task.get_logger().report_scalar, monitoring)


def _start_task(cls: type[Task], cfg: Any, backend: Any, rep: Any, project: str, name: str, ttype: str,
                tag_list: list[str], output_uri: Any, reuse_last_task_id: Any, continue_last_task: Any,
                auto_connect_streams: Any, auto_connect_arg_parser: Any) -> Task:
    if output_uri is True:
        from jupyter_ext.sdk._transfers import store_destination

        output_uri = store_destination()
    uri = "" if output_uri is False else output_uri

    task_id, offset, resumed = _choose_task(backend, cfg, project, name, ttype, reuse_last_task_id,
                                            continue_last_task)
    entry = _entry_point()
    data: dict[str, Any] = {
        "id": task_id, "project_name": project, "project_id": "", "name": name, "type": ttype,
        "status": statuses.IN_PROGRESS, "tags": tag_list, "comment": "", "parent_id": None,
        "output_uri": uri or None, "archived": False, "last_iteration": 0,
    }
    if resumed is None:
        spec = {
            "id": task_id, "project": project, "name": name, "type": ttype, "tags": tag_list,
            "status": statuses.IN_PROGRESS, "user": session.getpid_user(), "system_tags": [DEVELOPMENT_TAG],
            "output_uri": uri or None, "created": time.time(),
            "runtime": {"process": {"host": _host_name(), "pid": os.getpid()}},  # see core/orphans.py
            # Redacted here too: this row is written before the environment capture replaces
            # it, and a secret written once lingers in the SQLite file (or stays, without capture).
            "script": {"entry_point": entry, "argv": redact_argv(sys.argv), "working_dir": os.getcwd(),
                       "binary": f"python{sys.version_info.major}.{sys.version_info.minor}"},
        }
        rep.submit(backend.create_task, spec)  # a backend call, so it can wait in the spool
    else:
        data.update(resumed)
        data["status"] = statuses.IN_PROGRESS
        data["tags"] = tag_list or list(resumed.get("tags") or ())

    task = cls(data, live=True)
    session.set_main_task(task)
    rep.beating.add(task.id)  # a heartbeat while it runs: tells a live run from an orphan
    logger = task.get_logger()
    if offset:
        logger.set_initial_iteration(offset)
    verb = {None: "created new", "reused": "overwriting (reusing)", "continued": "continuing previous"}
    print(f"jupyter-track: {verb[None if resumed is None else resumed['_how']]} task id={task_id} "
          f"({project} / {name})")
    _start_capture(task, cfg, auto_connect_streams, entry)
    if auto_connect_arg_parser:
        argparse_hook.attach(task, auto_connect_arg_parser)
    return task


def _choose_task(backend: Any, cfg: Any, project: str, name: str, ttype: str, reuse: bool | str,
                 continue_last: bool | str | int) -> tuple[str, int, dict[str, Any] | None]:
    """(task id, iteration offset, stored fields if an existing task is taken over)."""
    offset = continue_last if isinstance(continue_last, int) and not isinstance(continue_last, bool) else 0
    explicit = continue_last if isinstance(continue_last, str) else (reuse if isinstance(reuse, str) else None)
    if explicit:
        row = backend.get_task(explicit)
        keep = bool(continue_last) or isinstance(continue_last, str)
        return _take_over(backend, row, keep)
    if cfg.task_no_reuse or (reuse is False and continue_last is not True):
        return _new_task_id(), offset, None
    last = session_cache.last_task(cfg.home, project, name, ttype)
    if last is None:
        return _new_task_id(), offset, None
    if continue_last is True:
        try:
            return _take_over(backend, backend.get_task(last["id"]), keep=True)
        except (LookupError, Unavailable):
            return _new_task_id(), offset, None
    # Reusing needs a look at the store; the cache already says when it cannot apply.
    try:
        if last.get("reusable") and backend.is_task_reusable(last["id"], project=project, name=name,
                                                             task_type=ttype):
            return _take_over(backend, backend.get_task(last["id"]), keep=False)
    except Unavailable as exc:  # an unreachable server must not stop the run: start a new task
        print(f"jupyter-track: cannot check the last task ({exc}); starting a new one", file=sys.stderr)
    return _new_task_id(), offset, None


def _take_over(backend: Any, row: Any, keep: bool) -> tuple[str, int, dict[str, Any]]:
    if keep:
        if row.status != statuses.IN_PROGRESS:
            row = backend.set_task_status(row.id, statuses.IN_PROGRESS, force=True)
        offset = row.last_iteration + 1 if row.last_iteration else 0
        how = "continued"
    else:
        backend.reset_task(row.id, force=True)
        row = backend.set_task_status(row.id, statuses.IN_PROGRESS)
        offset = 0
        how = "reused"
    data = claim_run(backend, row).to_dict()
    data["_how"] = how
    return row.id, offset, data


def claim_run(backend: Any, row: Any) -> Any:
    """Record this process as the one running ``row`` (see core/orphans.py): a continued or
    reused task still names the process of its earlier run, which is gone, and the orphan
    watch would stop it at once."""
    import platform

    runtime = dict(row.runtime or {})
    runtime["process"] = {"host": platform.node(), "pid": os.getpid()}
    return backend.update_task(row.id, {"runtime": runtime})


# -- capture ------------------------------------------------------------------------------------
def _start_capture(task: Task, cfg: Any, streams: Any, entry: str, *, remote: bool = False) -> None:
    rep = session.reporter()
    task_id = task.id
    if cfg.capture_console and streams:
        want = streams if isinstance(streams, Mapping) else {"stdout": True, "stderr": True}
        levels = {"stdout": 20, "stderr": 40}
        now = time.time
        add = rep.add_event

        def sink(stream_name: str, text: str) -> None:
            add("console", (task_id, levels.get(stream_name, 20), text, now()))

        task._console_capture = install_console_capture(sink, stdout=bool(want.get("stdout")),
                                                        stderr=bool(want.get("stderr")))
    if cfg.capture_environment:
        thread = threading.Thread(target=_capture_environment, args=(task, cfg, entry, rep, session.backend(), remote),
                                  name="jupyter-track-capture", daemon=True)
        task._capture_thread = thread


def _capture_environment(task: Task, cfg: Any, entry: str, rep: Any, backend: Any, remote: bool = False) -> None:
    try:
        from jupyter_ext.capture.environment import collect_environment, collect_packages
        from jupyter_ext.capture.git import collect_git

        runtime = collect_environment(script_path=entry or None, log_env_patterns=cfg.log_environment)
        packages = collect_packages()
        script: dict[str, Any] = {
            "entry_point": entry, "argv": runtime.get("script", {}).get("argv", []), "working_dir": os.getcwd(),
            "binary": runtime.get("python", {}).get("binary", ""), "requirements": requirements.apply(packages),
        }
        git = collect_git(entry or os.getcwd())
        if git:
            script.update({"repository": git.get("repository") or "", "branch": git.get("branch") or "",
                           "version_num": git.get("commit") or "", "entry_point": git.get("entry_point") or entry,
                           "diff": git.get("diff") or "", "diff_truncated": bool(git.get("diff_truncated")),
                           "git_status": git.get("status") or "", "root": git.get("root") or ""})
        elif entry and os.path.isfile(entry):
            with open(entry, encoding="utf-8", errors="replace") as fh:
                script["diff"] = fh.read(500_000)
        runtime["packages"] = packages
        env_vars = runtime.get("environment_variables") or {}
        if remote:  # what the launcher of this run recorded (its job id: runtime.glue) stays
            stored = backend.get_task(task.id).runtime or {}
            runtime = {**{k: v for k, v in stored.items() if k not in runtime}, **runtime}
        # Under an agent the stored code is what ran (and what a clone of it should run again).
        fields = {"runtime": runtime} if remote else {"script": script, "runtime": runtime}
        rep.submit(backend.update_task, task.id, fields)
        if env_vars:
            rep.submit(backend.set_parameters, task.id, rows_from_mapping("Environment", env_vars), force=True)
    except Exception as exc:  # noqa: BLE001 - capture is best effort; the run itself must go on
        print(f"jupyter-track: environment capture failed: {exc}", file=sys.stderr)


def stop_capture(task: Task, timeout: float) -> None:
    monitor = task._monitor
    if monitor is not None:
        task._monitor = None
        monitor.stop(timeout=min(timeout, 2.0))
    capture = task._console_capture
    if capture is not None:
        task._console_capture = None
        capture.uninstall(flush=True)
    thread = task._capture_thread
    if thread is not None:
        # A short script can close before the start thread has even started the capture; its
        # repository and packages are part of the run, so wait for it (a slow git is capped).
        deadline = time.monotonic() + min(timeout, 2.0)
        while thread.ident is None and time.monotonic() < deadline:
            time.sleep(0.005)
        if thread.is_alive():
            thread.join(timeout=min(timeout, 10.0))


def remember_for_reuse(task: Task) -> None:
    cfg = session.config()
    backend = session.backend()
    reusable = backend.is_task_reusable(task.id, project=task.get_project_name(), name=task.name,
                                        task_type=task.task_type)
    session_cache.remember(cfg.home, task.get_project_name(), task.name, task.task_type, task.id, reusable)
