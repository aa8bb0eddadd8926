"""Push everything of one backend (the local embedded store) to another (a server), ids kept.

The copy is written against the Backend interface only: ``source.sync_export`` yields records,
``dest.sync_import`` applies them, and the files they name are sent first, each only if the
destination lacks it. The rules that make a second run a no-op live in ``core/sync.py``.
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import tempfile
from typing import Any

from jupyter_ext.client.backend import Backend


@dataclasses.dataclass
class SyncReport:
    created: dict[str, int] = dataclasses.field(default_factory=lambda: {"tasks": 0, "models": 0, "datasets": 0})
    already_there: dict[str, int] = dataclasses.field(default_factory=lambda: {"tasks": 0, "models": 0,
                                                                                "datasets": 0})
    updated: dict[str, int] = dataclasses.field(default_factory=lambda: {"tasks": 0, "models": 0})
    files_sent: int = 0
    bytes_sent: int = 0
    projects_created: int = 0
    errors: list[str] = dataclasses.field(default_factory=list)

    def summary(self) -> str:
        made = ", ".join(f"{n} {k}" for k, n in self.created.items())
        kept = ", ".join(f"{n} {k}" for k, n in self.already_there.items())
        changed = ", ".join(f"{n} {k}" for k, n in self.updated.items())
        text = (f"copied {made}; updated {changed}; already there: {kept}; {self.files_sent} files sent "
                f"({self.bytes_sent:,} bytes); {self.projects_created} projects created")
        if self.errors:
            text += f"; {len(self.errors)} not copied"
        return text


def sync(source: Backend, dest: Backend, *, show_progress: bool = True) -> SyncReport:
    """Copy every project, task (with its parameters, configuration, scalars, plots, console,
    single values, debug samples and artifacts), model (with its own metrics) and dataset
    version of ``source`` that ``dest`` does not have yet, and again each task and model changed
    since it was copied.
    Running it again with nothing changed copies nothing."""
    from tqdm.auto import tqdm

    report = SyncReport()
    inventory = source.sync_inventory()
    for record in source.sync_export("projects"):
        report.projects_created += int(dest.sync_import(record).get("count", 0))
    items = ([("task", i) for i in inventory["tasks"]] + [("model", i) for i in inventory["models"]]
             + [("dataset", i) for i in inventory["datasets"]])
    work = tempfile.mkdtemp(prefix="track-sync-")
    try:
        with tqdm(total=len(items), desc="sync", unit="item", disable=not show_progress) as bar:
            for kind, ident in items:
                try:
                    _copy_item(source, dest, kind, ident, work, report)
                except Exception as exc:
                    from jupyter_ext.errors import TrackError, Unavailable

                    if isinstance(exc, Unavailable) or not isinstance(exc, TrackError):
                        raise  # the destination is away (or a bug): stop, a rerun resumes
                    report.errors.append(f"{kind} {ident}: {exc}")
                bar.update(1)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report


def _copy_item(source: Backend, dest: Backend, kind: str, ident: str, work: str, report: SyncReport) -> None:
    records = iter(source.sync_export(kind, ident))
    first = next(records)
    plural = kind + "s"
    # files first, so the rows naming them never exist without them; for an item already
    # there each file costs one existence check and no transfer
    for upload in first.get("uploads") or ():
        _send_file(source, dest, upload, work, report)
    result = dest.sync_import({k: v for k, v in first.items() if k != "uploads"})
    if not result.get("created"):
        report.already_there[plural] += 1
        return
    for record in records:
        dest.sync_import(record)
    if result.get("updated"):
        report.updated[plural] += 1
    else:
        report.created[plural] += 1


def _send_file(source: Backend, dest: Backend, upload: dict[str, Any], work: str, report: SyncReport) -> None:
    sha = str(upload["sha256"])
    if dest.has_blob(sha):
        return
    path = os.path.join(work, sha)
    try:
        source.download_blob(sha, path, str(upload.get("source_location") or ""))
        dest.put_blob_file(path, "", known_sha256=sha)
        report.files_sent += 1
        report.bytes_sent += os.path.getsize(path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)


def open_destination(url: str, config: Any, *, access_key: str | None = None, secret_key: str | None = None) -> Any:
    """The backend at ``url``: ``http(s)://`` is a server (keys from the flags or the settings),
    anything else a store URL or a tracker home folder on this machine."""
    from jupyter_ext.errors import InvalidArgument

    if url.startswith(("http://", "https://")):
        import dataclasses as dc

        from jupyter_ext.client.http import HttpBackend

        cfg = dc.replace(config, api_host=url, access_key=access_key or config.access_key,
                         secret_key=secret_key or config.secret_key)
        return HttpBackend.from_config(cfg)
    from jupyter_ext.client.local import LocalBackend

    if url.startswith(("sqlite:", "postgresql:", "postgres:")):
        raise InvalidArgument("give the destination as a server URL (https://…) or a tracker home folder")
    home = os.path.abspath(os.path.expanduser(url[len("file://"):] if url.startswith("file://") else url))
    if os.path.exists(home) and not os.path.isdir(home):
        raise InvalidArgument(f"{url!r} is a file; give a server URL or a tracker home folder")
    return LocalBackend("sqlite:///" + os.path.join(home, "track.db"), os.path.join(home, "blobs"))
