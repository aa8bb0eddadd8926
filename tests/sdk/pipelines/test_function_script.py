"""A function written out as a step's script: its source without decorators, its helpers, and the
imports and constants it takes from its module."""
from __future__ import annotations

import functools
import json as js
import os.path
from collections import OrderedDict
from typing import Any

import pytest

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk.pipelines import function_step as pipeline_step

SCALE = 3
_UNUSED = object()


def helper(x: int) -> int:
    return x * SCALE


def _decorate(func: Any) -> Any:
    @functools.wraps(func)
    def wrapper(*a: Any, **k: Any) -> Any:
        return func(*a, **k)
    return wrapper


@_decorate
def step(values: list[int], name: str = "x") -> Any:
    data = OrderedDict((v, helper(v)) for v in values)
    return js.dumps(data), os.path.basename(name)


def test_script_holds_source_helpers_imports_and_constants() -> None:
    script = pipeline_step.function_script(step, return_names=["text", "base"], helper_functions=[helper],
                                           step_name="s1", working_dir="/nowhere")
    compile(script, "step.py", "exec")
    # the user's decorator is kept with its definition: the step runs decorated, as in ClearML
    assert "@_decorate\ndef step(values: list[int]" in script and "def _decorate(func: Any)" in script
    assert "import functools" in script
    assert "def helper(x: int)" in script
    assert "import json as js" in script and "\nimport os\n" in script
    assert "from collections import OrderedDict" in script
    assert "SCALE = 3" in script and "_UNUSED" not in script
    assert "run_function_step(step, ['text', 'base'])" in script
    assert "from __future__ import annotations" in script and "'/nowhere'" in script
    assert pipeline_step.requirements_of(script) == []  # json, collections, os: Python itself


def test_module_globals_become_import_lines() -> None:
    import xml.etree.ElementTree

    assert pipeline_step._global_line("ElementTree", xml.etree.ElementTree) == "from xml.etree import ElementTree"
    assert pipeline_step._global_line("os", os) == "import os"
    assert pipeline_step._global_line("np", js) == "import json as np"
    assert pipeline_step._global_line("k", {"a": [1, 2]}) == "k = {'a': [1, 2]}"
    assert pipeline_step._global_line("obj", object()) is None


def test_functions_without_source_are_refused() -> None:
    with pytest.raises(InvalidArgument, match="lambda"):
        pipeline_step.function_source(lambda: 1)
    with pytest.raises(InvalidArgument, match="Python function"):
        pipeline_step.function_source(len)  # type: ignore[arg-type]


def test_results_are_split_by_return_names() -> None:
    stored: dict[str, Any] = {}

    class Target:
        def upload_artifact(self, name: str, value: Any, **kw: Any) -> bool:
            stored[name] = value
            return True

    pipeline_step.store_results(Target(), (1, "a"), ["n", "s"])
    assert stored == {"n": 1, "s": "a"}
    with pytest.raises(InvalidArgument, match="return a tuple of 2"):
        pipeline_step.store_results(Target(), 5, ["n", "s"])
    assert pipeline_step.step_arguments({"kwargs/a": 1, "General/x": 2}) == {"a": 1}
