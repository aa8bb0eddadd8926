"""Stored parameters and configuration objects of a task, and when they may change."""
from __future__ import annotations

from typing import Any

from jupyter_ext.core.rules import task_changes
from jupyter_ext.store import params as param_rows
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.rows import ConfigRow, ParamRow


def _check_editable(conn: Any, task_id: str, force: bool) -> None:
    from jupyter_ext.core import tasks

    task_changes.check_params_editable(task_id, tasks._get(conn, task_id).status, force)


def set_parameters(store: MetaStore, task_id: str, rows: list[ParamRow], *, replace: bool = False,
                   force: bool = False) -> None:
    """Add or overwrite parameters; ``replace=True`` first drops every stored parameter."""
    task_changes.check_unique_params(rows)
    with store.write() as conn:
        _check_editable(conn, task_id, force or _only_properties(conn, task_id, rows, replace))
        if replace:
            param_rows.delete_params(conn, task_id)
        param_rows.upsert_params(conn, task_id, rows)


def _only_properties(conn: Any, task_id: str, rows: list[ParamRow], replace: bool) -> bool:
    """Whether a write changes nothing but user properties (allowed in any status)."""
    return task_changes.only_properties(rows, param_rows.get_params(conn, task_id) if replace else None)


def get_parameters(store: MetaStore, task_id: str) -> list[ParamRow]:
    from jupyter_ext.core import tasks

    with store.read() as conn:
        tasks._get(conn, task_id)
        return param_rows.get_params(conn, task_id)


def set_configuration(store: MetaStore, task_id: str, config: ConfigRow, *, force: bool = False) -> None:
    task_changes.check_configuration(config.name, config.text, config.description)
    with store.write() as conn:
        _check_editable(conn, task_id, force)
        param_rows.upsert_config(conn, task_id, config)


def get_configurations(store: MetaStore, task_id: str) -> list[ConfigRow]:
    from jupyter_ext.core import tasks

    with store.read() as conn:
        tasks._get(conn, task_id)
        return param_rows.get_configs(conn, task_id)
