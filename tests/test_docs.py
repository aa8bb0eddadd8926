"""The README must not forget a public name: SDK classes, settings, CLI verbs."""
from __future__ import annotations

import dataclasses
import os

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
