"""Hooks are lazy: importing jupyter_ext or calling Task.init imports no framework, a framework
imported later is hooked on import, one imported earlier at once; switches turn them off."""
from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from .conftest import PRELUDE, result_of

FRAMEWORKS = ["matplotlib", "torch", "tensorboardX", "catboost", "xgboost", "lightgbm", "joblib", "sklearn",
              "click", "seaborn", "lightning", "IPython", "matplotlib_inline", "fire", "hydra", "omegaconf",
              "jsonargparse", "absl"]


def test_task_init_with_everything_on_imports_no_framework(run_py: Any) -> None:
    proc = run_py.run(PRELUDE + f"""
task = Task.init(project_name="Auto", task_name="lazy")
loaded = sorted({{m.split(".")[0] for m in sys.modules}} & set({FRAMEWORKS!r}))
ours = sorted(m for m in sys.modules if m.startswith("jupyter_ext.integrations."))
done(task, loaded=loaded, ours=ours)
""")
    out = result_of(proc)
    assert out["loaded"] == []
    # Only the switchboard is loaded; no module of a framework's integration.
    assert out["ours"] == ["jupyter_ext.integrations._imports", "jupyter_ext.integrations._state",
                           "jupyter_ext.integrations._switches", "jupyter_ext.integrations.absl_flags",
                           "jupyter_ext.integrations.argparse_args", "jupyter_ext.integrations.click_args"]


def test_frameworks_are_hooked_when_imported_before_or_after_init(run_py: Any) -> None:
    proc = run_py.run(PRELUDE + """
import joblib                                   # before Task.init: patched by Task.init
before = hasattr(joblib.dump, "__jupyter_track_original__")
task = Task.init(project_name="Auto", task_name="order")
after_init = hasattr(joblib.dump, "__jupyter_track_original__")
import matplotlib.figure                         # after: patched on import
patched_later = hasattr(matplotlib.figure.Figure.savefig, "__jupyter_track_original__")
# the module keeps its real loader (importlib.resources and friends read it)
loader = type(matplotlib.figure.__loader__).__name__
done(task, before=before, after_init=after_init, patched_later=patched_later, loader=loader)
""")
    out = result_of(proc)
    assert out == {"before": False, "after_init": True, "patched_later": True, "loader": "SourceFileLoader",
                   "id": out["id"]}


def test_switched_off_frameworks_are_not_hooked_and_not_reported(run_py: Any, stored: Any) -> None:
    proc = run_py.run(PRELUDE + """
import matplotlib; matplotlib.use("Agg")
import matplotlib.pyplot as plt
import joblib
task = Task.init(project_name="Auto", task_name="off", auto_connect_frameworks={"matplotlib": False})
plt.plot([1, 2, 3]); plt.title("not stored"); plt.savefig("a.png")
joblib.dump({"w": [1, 2]}, "weights.pkl")        # joblib is still on
hooked = hasattr(plt.show, "__jupyter_track_original__")
done(task, hooked=hooked)
""")
    out = result_of(proc)
    assert out["hooked"] is False
    task = stored(out["id"])
    assert task.get_reported_plots() == []
    assert [m.name for m in task.models["output"]] == ["off - weights"]


def test_all_off_with_false_or_an_empty_dict(run_py: Any, stored: Any) -> None:
    for setting in ("False", "{}"):
        proc = run_py.run(PRELUDE + f"""
import joblib
task = Task.init(project_name="Auto", task_name="all off", auto_connect_frameworks={setting},
                 reuse_last_task_id=False)
joblib.dump([1], "w.pkl")
done(task, hooked=hasattr(joblib.dump, "__jupyter_track_original__"))
""")
        out = result_of(proc)
        assert out["hooked"] is False, setting
        assert stored(out["id"]).models["output"] == [], setting


@pytest.mark.parametrize("setting, message", [
    ({"matplotlb": False}, "unknown framework 'matplotlb'"),
    ({"pytorch": 3}, "must be a bool, a wildcard"),
    ("yes", "must be True, False or a dict"),
    ({"tensorboard": {"report_hparam": False}}, "takes only 'report_hparams'"),
])
def test_bad_switches_fail_before_a_task_is_made(Task: Any, setting: Any, message: str) -> None:
    from jupyter_ext.errors import InvalidArgument

    with pytest.raises(InvalidArgument, match=message):
        Task.init(project_name="Auto", task_name="bad", auto_connect_frameworks=setting)
    assert Task.current_task() is None
    assert Task.get_tasks(project_name="Auto") == []


def test_wildcards_choose_which_model_files_count() -> None:
    from jupyter_ext.integrations._switches import parse

    sw = parse({"pytorch": ["*.pt", "best_*"], "xgboost": "*.json", "catboost": False})
    assert sw.wants_file("pytorch", "/tmp/run/model.pt") and sw.wants_file("pytorch", "best_weights.bin")
    assert not sw.wants_file("pytorch", "/tmp/run/epoch_3.ckpt")
    assert sw.wants_file("xgboost", "m.json") and not sw.wants_file("xgboost", "m.ubj")
    assert not sw.wants_file("catboost", "m.cbm") and not sw.on("catboost")
    assert sw.wants_file("lightgbm", "anything.txt")  # missing keys mean on


# -- the post-import hook itself, in this process, on a module written for the test --------------
def _module(tmp_path: Path, name: str, body: str) -> None:
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(body))


def test_callback_runs_after_the_module_code_and_a_failing_one_does_not_break_the_import(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from jupyter_ext.integrations import _imports

    _module(tmp_path, "jx_probe_mod", "VALUE = 41\ndef f():\n    return VALUE\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    seen: list[int] = []

    def bump(module: Any) -> None:
        seen.append(module.VALUE)
        module.VALUE += 1

    def broken(module: Any) -> None:
        raise RuntimeError("boom")

    _imports.when_imported("jx_probe_mod", broken)
    _imports.when_imported("jx_probe_mod", bump)
    try:
        import jx_probe_mod  # type: ignore[import-not-found]

        assert seen == [41] and jx_probe_mod.f() == 42
        assert "could not hook into jx_probe_mod: RuntimeError: boom" in capsys.readouterr().err
        # already imported: the next callback runs at once
        _imports.when_imported("jx_probe_mod", bump)
        assert seen == [41, 42]
    finally:
        sys.modules.pop("jx_probe_mod", None)


def test_a_module_that_fails_to_import_keeps_its_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jupyter_ext.integrations import _imports

    _module(tmp_path, "jx_probe_bad", "raise ValueError('broken module')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    _imports.when_imported("jx_probe_bad", lambda m: None)
    with pytest.raises(ValueError, match="broken module"):
        import jx_probe_bad  # type: ignore[import-not-found]  # noqa: F401
    assert "jx_probe_bad" not in sys.modules
