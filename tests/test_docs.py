"""The docs must not forget a public name (SDK classes, settings, CLI verbs), nor name a file that is gone."""
from __future__ import annotations

import dataclasses
import os
import re

import jupyter_ext
from jupyter_ext.cli.main import build_parser
from jupyter_ext.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _readme() -> str:
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        return fh.read()


def test_every_public_sdk_name_is_in_the_readme() -> None:
    readme = _readme()
    missing = [name for name in jupyter_ext.__all__ if not name.startswith("_") and name not in readme]
    assert not missing, f"README does not mention {missing}"


def test_every_setting_is_in_the_readme() -> None:
    readme = _readme()
    missing = [f.name for f in dataclasses.fields(Config) if f"`{f.name}`" not in readme]
    assert not missing, f"README does not document settings {missing}"


def test_every_cli_verb_is_in_the_readme() -> None:
    readme = _readme()
    parser = build_parser()
    verbs = next(a for a in parser._actions if a.dest == "verb").choices
    missing = [v for v in verbs if v not in readme]
    assert verbs and not missing, f"README does not mention CLI verbs {missing}"


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_second() -> None:
    readme = _readme()
    section = readme.split("## Quick start", 1)[1].split("##", 1)[0]
    block = section.split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].strip() for line in block.strip().splitlines()]
    assert commands == ["python3 dev.py demo", "python3 dev.py test"]
    with open(os.path.join(ROOT, ".ci", "run"), encoding="utf-8") as fh:
        assert "python3 dev.py test" in fh.read()


# A path in docs/architecture.md: a module, file or folder of the package (relative to
# jupyter_ext/, with or without that prefix), or a file under tests/.
_PACKAGE_PATH = re.compile(r"(?<![\w/.-])(?:jupyter_ext/)?((?:agent|automation|capture|cli|client|core|glue|"
                           r"integrations|notebook|sdk|server|store|wire)/[\w/.]*|(?:config|clearml_conf|errors)\.py)")
_TESTS_PATH = re.compile(r"(?<![\w/.-])(tests/[\w/.]*)")


def _named_paths(text: str) -> list[tuple[str, str]]:
    """(what the page says, the path it means relative to the root), in order."""
    found = [(m.group(0), os.path.join("jupyter_ext", m.group(1))) for m in _PACKAGE_PATH.finditer(text)]
    found += [(m.group(0), m.group(1)) for m in _TESTS_PATH.finditer(text)]
    return [(said, path.rstrip(".")) for said, path in found]


def test_every_path_the_architecture_page_names_exists() -> None:
    with open(os.path.join(ROOT, "docs", "architecture.md"), encoding="utf-8") as fh:
        named = _named_paths(fh.read())
    missing = sorted({said for said, path in named if not os.path.exists(os.path.join(ROOT, path))})
    assert len(named) > 50 and not missing, f"docs/architecture.md names paths that do not exist: {missing}"


def test_the_path_check_sees_a_wrong_path() -> None:
    named = _named_paths("the runner (`agent/execute.py`), `jupyter_ext/core/rules/` and tests/test_docs.py.")
    assert [p for _, p in named] == ["jupyter_ext/agent/execute.py", "jupyter_ext/core/rules/", "tests/test_docs.py"]
    assert [os.path.exists(os.path.join(ROOT, p)) for _, p in named] == [False, True, True]
