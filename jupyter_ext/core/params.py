"""Stored parameters and configuration objects of a task, and when they may change."""
from __future__ import annotations

from typing import Any

from jupyter_ext.core.rules import limits
from jupyter_ext.errors import Conflict, InvalidArgument
from jupyter_ext.store import params as param_rows
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.rows import ConfigRow, ParamRow


def _check_editable(conn: Any, task_id: str, force: bool) -> None:
    from jupyter_ext.core import tasks

    row = tasks._get(conn, task_id)
    if not force and row.status not in tasks.PARAM_EDIT_STATUSES:
        raise Conflict(
            f"task {task_id} is {row.status}: its parameters record how it ran and cannot change; "
            f"clone it (Task.clone) and edit the clone, or pass force=True"
        )


def set_parameters(store: MetaStore, task_id: str, rows: list[ParamRow], *, replace: bool = False,
                   force: bool = False) -> None:
    """Add or overwrite parameters; ``replace=True`` first drops every stored parameter."""
    seen: set[tuple[str, str]] = set()
    for row in rows:
        if (row.section, row.name) in seen:
            raise InvalidArgument(f"parameter {row.section}/{row.name} is given twice in one write; give each once "
                                  f"(a bare name is the same as General/<name>)")
        seen.add((row.section, row.name))
    with store.write() as conn:
        _check_editable(conn, task_id, force or _only_properties(conn, task_id, rows, replace))
        if replace:
            param_rows.delete_params(conn, task_id)
        param_rows.upsert_params(conn, task_id, rows)


def _only_properties(conn: Any, task_id: str, rows: list[ParamRow], replace: bool) -> bool:
    """Whether a write changes nothing but user properties (allowed in any status)."""
    from jupyter_ext.core.rules.param_types import PROPERTIES_SECTION

    if not replace:
        return all(r.section == PROPERTIES_SECTION for r in rows)
    others = {(r.section, r.name): r for r in rows if r.section != PROPERTIES_SECTION}
    stored = {(r.section, r.name): r for r in param_rows.get_params(conn, task_id) if r.section != PROPERTIES_SECTION}
    return others == stored


def get_parameters(store: MetaStore, task_id: str) -> list[ParamRow]:
    from jupyter_ext.core import tasks

    with store.read() as conn:
        tasks._get(conn, task_id)
        return param_rows.get_params(conn, task_id)


def set_configuration(store: MetaStore, task_id: str, config: ConfigRow, *, force: bool = False) -> None:
    if not isinstance(config.name, str) or not config.name:
        raise InvalidArgument("a configuration object needs a non-empty name, e.g. name='model'")
    limits.check_free_text(config.text, f"configuration {config.name[:60]!r}: text", limits.CONFIG_TEXT)
    limits.check_free_text(config.description, f"configuration {config.name[:60]!r}: description", limits.DESCRIPTION)
    with store.write() as conn:
        _check_editable(conn, task_id, force)
        param_rows.upsert_config(conn, task_id, config)


def get_configurations(store: MetaStore, task_id: str) -> list[ConfigRow]:
    from jupyter_ext.core import tasks

    with store.read() as conn:
        tasks._get(conn, task_id)
        return param_rows.get_configs(conn, task_id)
