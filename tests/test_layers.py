"""The layer map of docs/architecture.md holds: import-linter's contracts (pyproject.toml) are
kept, an import that points up breaks them, and the SDK reaches core's services only through
client/ (it may use core's pure rules itself)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LINT = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on the package under ``root``, with the contracts of its pyproject.toml."""
    env = dict(os.environ, PYTHONPATH=str(root), COLUMNS="200")
    return subprocess.run([sys.executable, "-c", LINT, "--no-cache"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=300)


def test_every_import_contract_is_kept() -> None:
    out = _lint_imports(ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


def test_an_upward_import_breaks_the_layer_contract(tmp_path: Path) -> None:
    copy = tmp_path / "project"
    shutil.copytree(ROOT / "jupyter_ext", copy / "jupyter_ext",
                    ignore=shutil.ignore_patterns("__pycache__", "labextension", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    assert _lint_imports(copy).returncode == 0  # the copy alone is fine: the plant below is what breaks it

    planted = copy / "jupyter_ext" / "core" / "rules" / "status.py"
    planted.write_text(planted.read_text(encoding="utf-8") + "\n\ndef _up() -> object:\n"
                       "    from jupyter_ext.sdk.tasks import task\n\n    return task\n", encoding="utf-8")
    out = _lint_imports(copy)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "jupyter_ext.core.rules.status -> jupyter_ext.sdk.tasks.task" in out.stdout, out.stdout


def test_the_pure_rules_import_without_sqlalchemy() -> None:
    code = ("import sys, pkgutil, importlib, jupyter_ext.core.rules as rules\n"
            "names = [m.name for m in pkgutil.iter_modules(rules.__path__)]\n"
            "for name in names: importlib.import_module('jupyter_ext.core.rules.' + name)\n"
            "print(len(names), sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic')))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    count, loaded = out.stdout.split(" ", 1)
    assert int(count) >= 7 and loaded.strip() == "[]", out.stdout


# What the SDK and the layers beside it may import of core/ directly; the rest goes through client/.
SDK_SIDE = ("jupyter_ext.sdk", "jupyter_ext.capture", "jupyter_ext.integrations")
CORE_FOR_THE_SDK = ("jupyter_ext.core.rules", "jupyter_ext.core.event_batch")


def _core_services_imported(graph: Any, packages: tuple[str, ...]) -> list[str]:
    """``importer -> core module`` for every import of ``packages`` into core's services."""
    found = []
    for package in packages:
        for module in sorted(graph.find_descendants(package) | {package}):
            for target in sorted(graph.find_modules_directly_imported_by(module)):
                inside = target == "jupyter_ext.core" or target.startswith("jupyter_ext.core.")
                if inside and not any(target == ok or target.startswith(ok + ".") for ok in CORE_FOR_THE_SDK):
                    found.append(f"{module} -> {target}")
    return found


def test_the_sdk_uses_only_the_pure_rules_of_core() -> None:
    import grimp

    graph = grimp.build_graph("jupyter_ext", exclude_type_checking_imports=True, cache_dir=None)
    assert _core_services_imported(graph, SDK_SIDE) == []
    assert "jupyter_ext.core.rules.status" in graph.find_modules_directly_imported_by("jupyter_ext.sdk.tasks.task")


def test_the_core_check_sees_a_service_import() -> None:
    import grimp

    graph = grimp.ImportGraph()
    graph.add_import(importer="jupyter_ext.sdk.a", imported="jupyter_ext.core.tasks")
    graph.add_import(importer="jupyter_ext.sdk.a", imported="jupyter_ext.core.rules.names")
    graph.add_module("jupyter_ext.sdk")
    assert _core_services_imported(graph, ("jupyter_ext.sdk",)) == ["jupyter_ext.sdk.a -> jupyter_ext.core.tasks"]
