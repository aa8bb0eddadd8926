"""``jupyter track data <verb>``: versioned datasets from a shell, with clearml-data's verbs.

Like clearml-data, the command remembers the dataset the last command worked on, so
``create`` → ``add`` → ``close`` need no ``--id`` in between (kept in ``<home>/data-cli.json``).
"""
from __future__ import annotations

import argparse
import json
import os
from typing import Any

from jupyter_ext.errors import InvalidArgument

STATE_FILE = "data-cli.json"


def _state_path() -> str:
    from jupyter_ext.sdk import _session as session

    return os.path.join(session.config().home, STATE_FILE)


def _remember(dataset_id: str) -> None:
    path = _state_path()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump({"id": dataset_id}, fh)
    os.replace(tmp, path)


def _current_id(args: argparse.Namespace) -> str:
    if getattr(args, "id", None):
        return str(args.id)
    try:
        with open(_state_path(), encoding="utf-8") as fh:
            return str(json.load(fh)["id"])
    except (OSError, ValueError, KeyError):
        raise InvalidArgument("no dataset given and none in use: pass --id, or start with "
                              "`jupyter track data create --project P --name N`") from None


def _dataset(args: argparse.Namespace) -> Any:
    from jupyter_ext.sdk.datasets.dataset import Dataset

    if (getattr(args, "project", None) or getattr(args, "name", None)) and not getattr(args, "id", None):
        return Dataset.get(dataset_project=args.project, dataset_name=args.name,
                           dataset_version=getattr(args, "version", None))
    return Dataset.get(dataset_id=_current_id(args))


def cmd_create(args: argparse.Namespace) -> int:
    from jupyter_ext.sdk.datasets.dataset import Dataset

    ds = Dataset.create(dataset_name=args.name, dataset_project=args.project, dataset_tags=args.tags,
                        parent_datasets=args.parents, dataset_version=args.version, output_uri=args.storage,
                        description=args.description)
    _remember(ds.id)
    print(f"dataset created: {ds.id} ({ds.project} / {ds.name} v{ds.version})")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    ds = _dataset(args)
    total = 0
    for path in args.files or []:
        total += ds.add_files(path, wildcard=args.wildcard, dataset_path=args.dataset_folder,
                              recursive=not args.non_recursive, max_workers=args.max_workers)
    for link in args.links or []:
        total += ds.add_external_files(link, wildcard=args.wildcard, dataset_path=args.dataset_folder,
                                       recursive=not args.non_recursive)
    _remember(ds.id)
    print(f"{total} file(s) added or changed in {ds.id}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    ds = _dataset(args)
    n = sum(ds.remove_files(dataset_path=p, recursive=not args.non_recursive) for p in args.files)
    print(f"{n} file(s) removed from {ds.id}")
    return 0


def cmd_upload(args: argparse.Namespace) -> int:
    ds = _dataset(args)
    ds.upload(output_url=args.storage, max_workers=args.max_workers)
    print(f"uploaded {ds.id}")
    return 0


def cmd_close(args: argparse.Namespace) -> int:
    ds = _dataset(args)
    if not args.disable_upload:
        ds.upload(output_url=args.storage, max_workers=args.max_workers)
    ds.finalize()
    print(f"dataset {ds.id} finalized ({ds.name} v{ds.version})")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    ds = _dataset(args)
    ds.publish()
    print(f"dataset {ds.id} published")
    return 0


def cmd_get(args: argparse.Namespace) -> int:
    ds = _dataset(args)
    if args.copy:
        path = ds.get_mutable_local_copy(args.copy, overwrite=args.overwrite, max_workers=args.max_workers)
    else:
        path = ds.get_local_copy(part=args.part, num_parts=args.num_parts, max_workers=args.max_workers)
    print(path)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    ds = _dataset(args)
    entries = ds.file_entries_dict
    names = sorted(entries)
    if args.filter:
        import fnmatch

        names = [n for n in names if fnmatch.fnmatch(n, args.filter)]
    if args.modified:
        changed = set(ds.list_added_files()) | set(ds.list_modified_files())
        names = [n for n in names if n in changed]
    print(f"dataset {ds.id}: {ds.project} / {ds.name} v{ds.version}, {len(entries)} file(s)")
    for n in names:
        e = entries[n]
        size = e.get("size") if isinstance(e, dict) else getattr(e, "size", "")
        print(f"  {n}  {size}")
    attached = _attached(ds.id)
    if attached:
        print(f"attached ({len(attached)}; `jupyter track data get-metadata --metadata-name NAME` prints one):")
        for name, artifact in sorted(attached.items()):
            print(f"  {name}  {artifact.file_name}  {artifact.size}")
    return 0


def _attached(dataset_id: str) -> Any:
    """What set_metadata attached to a version: its backing task's artifacts, by name."""
    from jupyter_ext.sdk.tasks.task import Task

    return Task.get_task(task_id=dataset_id).artifacts


def cmd_set_metadata(args: argparse.Namespace) -> int:
    ds = _dataset(args)
    if (args.file is None) == (args.json is None):
        raise InvalidArgument("give exactly one of --file PATH (e.g. the preparing script) or --json '{...}'")
    if args.file is not None:
        if not os.path.isfile(args.file):
            raise InvalidArgument(f"cannot attach {args.file!r}: no such file")
        from pathlib import Path

        value: Any = Path(os.path.abspath(args.file))
    else:
        try:
            value = json.loads(args.json)
        except ValueError as exc:
            raise InvalidArgument(f"--json is not valid JSON: {exc}") from None
    ds.set_metadata(value, metadata_name=args.metadata_name)
    _remember(ds.id)
    print(f"attached {args.metadata_name!r} to dataset {ds.id}")
    return 0


def cmd_get_metadata(args: argparse.Namespace) -> int:
    ds = _dataset(args)
    value = ds.get_metadata(args.metadata_name)
    if value is None:
        names = ", ".join(sorted(_attached(ds.id))) or "none"
        raise InvalidArgument(f"dataset {ds.id} has no metadata named {args.metadata_name!r} (attached: {names})")
    if isinstance(value, os.PathLike):
        path = os.fspath(value)
        if args.copy:
            import shutil

            os.makedirs(args.copy, exist_ok=True)
            path = shutil.copy(path, os.path.join(args.copy, os.path.basename(path)))
        print(path)
    elif isinstance(value, (dict, list)):
        print(json.dumps(value, indent=2, sort_keys=True, default=str))
    elif hasattr(value, "to_string"):  # a DataFrame
        print(value.to_string())
    else:
        print(value)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from jupyter_ext.sdk.datasets.dataset import Dataset

    found = Dataset.list_datasets(dataset_project=args.project, partial_name=args.name, tags=args.tags,
                                  ids=args.ids, only_completed=not args.not_only_completed,
                                  recursive_project_search=not args.non_recursive_project_search)
    for d in found:
        print(f"{d['id']}  {d.get('project', '')} / {d['name']}  v{d.get('version', '')}  {d.get('status', '')}")
    if not found:
        print("no datasets match")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from jupyter_ext.sdk import _session as session

    changes = session.backend().diff_datasets(args.source, args.target)
    for kind in ("added", "removed", "modified"):
        for path in changes[kind]:
            print(f"{kind:9s} {path}")
    print(f"{len(changes['added'])} added, {len(changes['removed'])} removed, {len(changes['modified'])} modified")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    from jupyter_ext.sdk.datasets.dataset import Dataset

    Dataset.delete(dataset_id=args.id, dataset_project=args.project, dataset_name=args.name,
                   dataset_version=args.version, force=args.force, entire_dataset=args.entire_dataset)
    print("deleted")
    return 0


def cmd_squash(args: argparse.Namespace) -> int:
    from jupyter_ext.sdk.datasets.dataset import Dataset

    ds = Dataset.squash(dataset_name=args.name, dataset_ids=args.ids, output_url=args.storage)
    _remember(ds.id)
    print(f"squashed into {ds.id}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    ds = _dataset(args)
    bad = ds.verify_dataset_hash(local_copy_path=args.folder, skip_hash=args.filesize)
    for path in bad:
        print(f"differs: {path}")
    print("ok" if not bad else f"{len(bad)} file(s) differ")
    return 0 if not bad else 1


def cmd_set_description(args: argparse.Namespace) -> int:
    ds = _dataset(args)
    ds.set_description(args.description)
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from jupyter_ext.sdk.datasets.dataset import Dataset

    if args.id:
        ds = Dataset.get(dataset_id=args.id)
    else:
        ds = Dataset.create(dataset_name=args.name, dataset_project=args.project, parent_datasets=args.parents)
    added, modified, removed = ds.sync_folder(args.folder)
    _remember(ds.id)
    print(f"{added} added, {modified} modified, {removed} removed in {ds.id}")
    if not args.skip_close:
        ds.upload(output_url=args.storage)
        ds.finalize()
        print(f"dataset {ds.id} finalized")
    return 0


def add_parser(sub: Any) -> None:
    data = sub.add_parser("data", help="versioned datasets (create, add, close, get, list, search, …)")
    verbs = data.add_subparsers(dest="data_verb", metavar="<data verb>")

    def verb(name: str, func: Any, help_text: str, ident: bool = True) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = verbs.add_parser(name, help=help_text)
        if ident:
            p.add_argument("--id", help="dataset version id (default: the one the last command used)")
        p.set_defaults(func=func)
        return p

    p = verb("create", cmd_create, "start a new version (draft)", ident=False)
    p.add_argument("--name", required=True)
    p.add_argument("--project", default=None)
    p.add_argument("--version", default=None, help="1, 2, 3 … or 1.0.0 (default: the next one)")
    p.add_argument("--parents", nargs="*", default=None, help="parent version ids, merged in order")
    p.add_argument("--storage", "--output-uri", dest="storage", default=None, help="where its files go")
    p.add_argument("--tags", nargs="*", default=None)
    p.add_argument("--description", default=None)

    p = verb("add", cmd_add, "add files or folders (or --links to external files)")
    p.add_argument("--files", nargs="*", default=None)
    p.add_argument("--links", nargs="*", default=None, help="external URLs, recorded as links")
    p.add_argument("--wildcard", nargs="*", default=None)
    p.add_argument("--dataset-folder", default=None, help="folder inside the dataset")
    p.add_argument("--non-recursive", action="store_true")
    p.add_argument("--max-workers", type=int, default=None)

    p = verb("remove", cmd_remove, "remove files (wildcards allowed) from the version")
    p.add_argument("--files", nargs="+", required=True)
    p.add_argument("--non-recursive", action="store_true")

    for name, func, help_text in (("upload", cmd_upload, "store the files added since the last upload"),
                                  ("close", cmd_close, "upload and finalize (read-only from then on)")):
        p = verb(name, func, help_text)
        p.add_argument("--storage", default=None)
        p.add_argument("--max-workers", type=int, default=None)
        if name == "close":
            p.add_argument("--disable-upload", action="store_true")

    verb("publish", cmd_publish, "publish a finalized version")

    p = verb("get", cmd_get, "a local copy (read-only, cached; --copy DIR for a writable one)")
    p.add_argument("--project", default=None)
    p.add_argument("--name", default=None)
    p.add_argument("--version", default=None)
    p.add_argument("--copy", default=None, help="a writable copy in this folder")
    p.add_argument("--overwrite", action="store_true")
    p.add_argument("--part", type=int, default=None)
    p.add_argument("--num-parts", type=int, default=None)
    p.add_argument("--max-workers", type=int, default=None)

    p = verb("list", cmd_list, "print the file list of a version")
    p.add_argument("--project", default=None)
    p.add_argument("--name", default=None)
    p.add_argument("--version", default=None)
    p.add_argument("--filter", default=None, help="wildcard on the file paths")
    p.add_argument("--modified", action="store_true", help="only files added or changed in this version")

    p = verb("search", cmd_search, "find dataset versions", ident=False)
    p.add_argument("--ids", nargs="*", default=None)
    p.add_argument("--project", default=None)
    p.add_argument("--name", default=None, help="part of the name")
    p.add_argument("--tags", nargs="*", default=None)
    p.add_argument("--not-only-completed", action="store_true")
    p.add_argument("--non-recursive-project-search", action="store_true")

    for name in ("compare", "diff"):
        p = verb(name, cmd_compare, "what changed between two versions", ident=False)
        p.add_argument("source")
        p.add_argument("target")

    p = verb("delete", cmd_delete, "delete a version (or --entire-dataset)")
    p.add_argument("--project", default=None)
    p.add_argument("--name", default=None)
    p.add_argument("--version", default=None)
    p.add_argument("--force", action="store_true")
    p.add_argument("--entire-dataset", action="store_true")

    p = verb("squash", cmd_squash, "merge versions into one standalone version", ident=False)
    p.add_argument("--name", required=True)
    p.add_argument("--ids", nargs="+", required=True)
    p.add_argument("--storage", default=None)

    p = verb("verify", cmd_verify, "check a local copy against the stored hashes")
    p.add_argument("--folder", default=None)
    p.add_argument("--filesize", action="store_true", help="compare sizes only (fast)")

    p = verb("set-description", cmd_set_description, "set the description of a version")
    p.add_argument("--description", required=True)

    p = verb("set-metadata", cmd_set_metadata, "attach a file (e.g. the preparing script) or JSON to the version")
    p.add_argument("--file", default=None, help="a file to attach, stored as is")
    p.add_argument("--json", default=None, help="a JSON value to attach")
    p.add_argument("--metadata-name", default="metadata")

    p = verb("get-metadata", cmd_get_metadata, "print what set-metadata attached (a file: its local path)")
    p.add_argument("--project", default=None)
    p.add_argument("--name", default=None)
    p.add_argument("--version", default=None)
    p.add_argument("--metadata-name", default="metadata")
    p.add_argument("--copy", default=None, help="copy an attached file into this folder")

    p = verb("sync", cmd_sync, "make a version mirror a local folder (adds, changes, removes)")
    p.add_argument("--folder", required=True)
    p.add_argument("--project", default=None)
    p.add_argument("--name", default=None)
    p.add_argument("--parents", nargs="*", default=None)
    p.add_argument("--storage", default=None)
    p.add_argument("--skip-close", action="store_true")
    data.set_defaults(func=lambda _args: (data.print_help(), 0)[1])
