"""A step function wrapped by the user's own decorator runs decorated, as in ClearML: ClearML's
examples decorated_pipeline_step_decorators.py and decorated_pipeline_step_functions.py, with only
the import changed."""
from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.slow

WITH_THE_DECORATOR = '''
from jupyter_ext import PipelineDecorator


def our_decorator(func):
    def function_wrapper(*args, **kwargs):
        return func(*args, **kwargs) + 1
    return function_wrapper


@PipelineDecorator.component()
@our_decorator
def step():
    return 1


@PipelineDecorator.pipeline(name="test_decorated", project="test_decorated")
def pipeline():
    result = step()
    assert result == 2


if __name__ == "__main__":
    PipelineDecorator.run_locally()
    pipeline()
    print("PIPELINE_DONE")
'''

WITH_THE_CONTROLLER = '''
from jupyter_ext import PipelineController


def our_decorator(func):
    def function_wrapper(*args, **kwargs):
        return func(*args, **kwargs) + 1
    return function_wrapper


@our_decorator
def step():
    return 1


def evaluate(step_return):
    assert step_return == 2


if __name__ == "__main__":
    pipeline = PipelineController(name="test_decorated", project="test_decorated")
    pipeline.add_function_step(name="step", function=step, function_return=["step_return"])
    pipeline.add_function_step(
        name="evaluate",
        function=evaluate,
        function_kwargs=dict(step_return='${step.step_return}')
    )
    pipeline.start_locally(run_pipeline_steps_locally=True)
    print("PIPELINE_DONE")
'''


@pytest.mark.parametrize("script", [WITH_THE_DECORATOR, WITH_THE_CONTROLLER], ids=["decorator", "controller"])
def test_a_step_wrapped_by_the_users_decorator_runs_decorated(run_py: Any, Task: Any, script: str) -> None:
    proc = run_py.run(script, timeout=180)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "PIPELINE_DONE" in proc.stdout
    steps = [t for t in Task.get_tasks(project_name="test_decorated") if t.task_type != "controller"]
    assert steps and all(t.get_status() == "completed" for t in steps), [(t.name, t.get_status()) for t in steps]


def test_the_step_script_defines_the_decorator_and_applies_it(tmp_path: Any) -> None:
    import importlib.util
    import sys

    from jupyter_ext.sdk.pipelines.function_step import function_script

    (tmp_path / "decorated_user_module.py").write_text(WITH_THE_CONTROLLER)
    spec = importlib.util.spec_from_file_location("decorated_user_module", tmp_path / "decorated_user_module.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["decorated_user_module"] = module  # inspect.getsource finds the file through it
    try:
        spec.loader.exec_module(module)
        script = function_script(module.step, return_names=["step_return"])
    finally:
        del sys.modules["decorated_user_module"]
    assert "def our_decorator(func):" in script
    assert "@our_decorator\ndef step():" in script
    assert "run_function_step(step, ['step_return'])" in script
    scope: dict[str, Any] = {"__name__": "step_script"}
    exec(compile(script, "<step script>", "exec"), scope)
    assert scope["step"]() == 2
