"""Parameters keep their Python types; they change only while a task is a draft or running."""
from __future__ import annotations

import dataclasses
import enum
from pathlib import PurePosixPath
from typing import Any

import numpy as np
import pytest

from jupyter_ext.core import params, tasks
from jupyter_ext.core.rules import param_types as param_values
from jupyter_ext.errors import Conflict, InvalidArgument
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.rows import ConfigRow


class Color(enum.Enum):
    RED = "red"


def _round_trip(store: MetaStore, task_id: str, mapping: dict[str, Any], section: str = "General") -> dict[str, Any]:
    params.set_parameters(store, task_id, param_values.rows_from_mapping(section, mapping))
    return param_values.to_flat_dict(params.get_parameters(store, task_id))


def test_types_are_kept(store: MetaStore, make_task: Any) -> None:
    task = make_task()
    got = _round_trip(store, task.id, {
        "int": 3, "big": 2**53 + 1, "float": 0.001, "whole_float": 2.0, "bool": True, "false": False,
        "none": None, "str": "3", "list": [1, "a", None], "tuple": (1, 2), "empty": {},
        "nested": {"a": {"b": 1, "c": [True]}}, "np_int": np.int64(7), "np_float": np.float32(0.5),
        "enum": Color.RED, "path": PurePosixPath("/data/x"),
    })
    expected = {
        "General/int": 3, "General/big": 2**53 + 1, "General/float": 0.001, "General/whole_float": 2.0,
        "General/bool": True, "General/false": False, "General/none": None, "General/str": "3",
        "General/list": [1, "a", None], "General/tuple": (1, 2), "General/empty": {},
        "General/nested/a/b": 1, "General/nested/a/c": [True], "General/np_int": 7, "General/np_float": 0.5,
        "General/enum": "red", "General/path": "/data/x",
    }
    assert got == expected
    # == says 1 == 1.0 == True: check the exact types too
    assert {k: type(v) for k, v in got.items()} == {k: type(v) for k, v in expected.items()}


def test_order_is_kept_and_updates_keep_position(store: MetaStore, make_task: Any) -> None:
    task = make_task()
    _round_trip(store, task.id, {"z": 1, "a": 2, "m": 3})
    got = _round_trip(store, task.id, {"a": 20, "new": 4})
    assert list(got) == ["General/z", "General/a", "General/m", "General/new"]
    assert got["General/a"] == 20


def test_replace_drops_the_others(store: MetaStore, make_task: Any) -> None:
    task = make_task()
    _round_trip(store, task.id, {"a": 1, "b": 2})
    params.set_parameters(store, task.id, param_values.rows_from_flat({"Args/x": 1}), replace=True)
    assert param_values.to_flat_dict(params.get_parameters(store, task.id)) == {"Args/x": 1}


def test_flat_keys_take_a_section(store: MetaStore, make_task: Any) -> None:
    task = make_task()
    params.set_parameters(store, task.id, param_values.rows_from_flat({"Args/lr": 0.1, "bare": "v"}))
    got = param_values.to_sections(params.get_parameters(store, task.id))
    assert got == {"Args": {"lr": 0.1}, "General": {"bare": "v"}}


@pytest.mark.parametrize("status", ["completed", "failed", "stopped", "published", "queued", "closed"])
def test_edit_refused_after_the_run_unless_forced(store: MetaStore, make_task: Any, status: str) -> None:
    task = make_task()
    _round_trip(store, task.id, {"lr": 0.1})
    tasks.set_status(store, task.id, status, force=True)
    rows = param_values.rows_from_mapping("General", {"lr": 0.5})
    with pytest.raises(Conflict, match="clone") as err:
        params.set_parameters(store, task.id, rows)
    assert status in str(err.value) and "force=True" in str(err.value)
    with pytest.raises(Conflict):
        params.set_configuration(store, task.id, ConfigRow("c", "text", "x"))
    assert param_values.to_flat_dict(params.get_parameters(store, task.id)) == {"General/lr": 0.1}
    params.set_parameters(store, task.id, rows, force=True)
    assert param_values.to_flat_dict(params.get_parameters(store, task.id)) == {"General/lr": 0.5}


@pytest.mark.parametrize("status", ["created", "in_progress"])
def test_edit_allowed_while_draft_or_running(store: MetaStore, make_task: Any, status: str) -> None:
    task = make_task(status=status)
    assert _round_trip(store, task.id, {"lr": 0.1}) == {"General/lr": 0.1}


def test_bad_names_are_refused() -> None:
    with pytest.raises(InvalidArgument):
        param_values.rows_from_flat({"": 1})
    with pytest.raises(InvalidArgument):
        param_values.rows_from_flat({"Args/": 1})
    with pytest.raises(InvalidArgument):
        param_values.rows_from_mapping("General", {"x" * 300: 1})


def test_object_to_mapping() -> None:
    @dataclasses.dataclass
    class Model:
        layers: int = 3
        dropout: float = 0.1

    class Plain:
        alpha = 1
        _private = 2

        def method(self) -> None: ...

    assert param_values.object_to_mapping(Model()) == {"layers": 3, "dropout": 0.1}
    assert param_values.object_to_mapping(Plain) == {"alpha": 1}


def test_configurations(store: MetaStore, make_task: Any) -> None:
    task = make_task()
    params.set_configuration(store, task.id, ConfigRow("b", "yaml", "a: 1", "desc"))
    params.set_configuration(store, task.id, ConfigRow("a", "text", "x"))
    params.set_configuration(store, task.id, ConfigRow("a", "text", "y"))
    assert params.get_configurations(store, task.id) == [ConfigRow("a", "text", "y"),
                                                        ConfigRow("b", "yaml", "a: 1", "desc")]
    with pytest.raises(InvalidArgument):
        params.set_configuration(store, task.id, ConfigRow("", "text", "x"))


def test_a_parameter_given_twice_in_one_write_is_refused_and_nothing_changes(store: MetaStore, make_task: Any) -> None:
    task = make_task()
    params.set_parameters(store, task.id, param_values.rows_from_flat({"lr": 0.1}))
    rows = [*param_values.rows_from_mapping("General", {"lr": 0.2}),
            *param_values.rows_from_mapping("General", {"lr": 0.3})]
    with pytest.raises(InvalidArgument, match="General/lr is given twice"):
        params.set_parameters(store, task.id, rows, replace=True)
    assert param_values.to_flat_dict(params.get_parameters(store, task.id)) == {"General/lr": 0.1}


def test_a_bare_name_and_its_general_spelling_are_one_parameter_the_later_wins() -> None:
    rows = param_values.rows_from_flat({"General/lr": 0.1, "depth": 4, "lr": 0.5})
    assert [(r.section, r.name, param_values.to_flat_dict([r])[f"{r.section}/{r.name}"]) for r in rows] == [
        ("General", "depth", 4), ("General", "lr", 0.5)]
