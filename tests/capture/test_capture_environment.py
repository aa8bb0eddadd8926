"""Environment and package capture on the real machine."""
from __future__ import annotations

import importlib.metadata
import json
import os
import stat
import sys
import time
from pathlib import Path

import pytest

from jupyter_ext.capture.environment import (
    collect_environment,
    collect_gpus,
    collect_packages,
    requirements_text,
)
from jupyter_ext.core.rules.redact import REDACTED


def test_environment_is_json_and_has_the_keys(tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    script.write_text("print(1)\n")
    info = collect_environment(str(script), argv=["train.py", "--lr", "0.1"], env={})
    assert json.loads(json.dumps(info)) == info
    assert set(info) == {"python", "os", "cpu", "memory", "gpu", "script", "user", "environment_variables",
                         "process"}
    assert info["python"]["executable"] == sys.executable
    assert info["python"]["version"].startswith(f"{sys.version_info.major}.{sys.version_info.minor}")
    assert {"system", "release", "platform", "hostname"} <= set(info["os"])
    assert info["cpu"]["count"] == os.cpu_count()
    assert info["script"] == {"path": str(script), "argv": ["train.py", "--lr", "0.1"], "working_dir": os.getcwd()}
    if sys.platform.startswith("linux"):
        assert info["memory"]["total_bytes"] > 0
        assert info["cpu"]["model"]
    assert isinstance(info["gpu"], list)


def test_no_environment_variables_by_default() -> None:
    info = collect_environment(env={"HOME": "/root", "GITHUB_TOKEN": "ghp_x"})
    assert info["environment_variables"] == {}


def test_patterns_choose_variables_and_secrets_are_masked() -> None:
    env = {
        "CUDA_VISIBLE_DEVICES": "0,1",
        "MY_API_KEY": "sk-live-123",
        "MY_DB_URL": "postgres://me:pw@db/x",
        "HOME": "/root",
        "KEYBOARD_LAYOUT": "us",
    }
    info = collect_environment(env=env, log_env_patterns=["CUDA_*", "MY_*", "KEYBOARD_*"])
    assert info["environment_variables"] == {
        "CUDA_VISIBLE_DEVICES": "0,1",
        "KEYBOARD_LAYOUT": "us",
        "MY_API_KEY": REDACTED,
        "MY_DB_URL": "postgres://db/x",
    }
    everything = collect_environment(env=env, log_env_patterns=["*"])["environment_variables"]
    assert "sk-live-123" not in json.dumps(everything)
    assert set(everything) == set(env)


def test_argv_secrets_are_masked() -> None:
    info = collect_environment(argv=["run.py", "--token", "abc", "--api-key=xyz", "HF_TOKEN=hf_1"], env={})
    assert info["script"]["argv"] == ["run.py", "--token", REDACTED, f"--api-key={REDACTED}", f"HF_TOKEN={REDACTED}"]


def test_packages_include_pytest_with_its_version() -> None:
    packages = collect_packages()
    assert packages["pytest"] == importlib.metadata.version("pytest")


def test_packages_match_importlib_metadata() -> None:
    def norm(name: str) -> str:
        return name.lower().replace("_", "-").replace(".", "-")

    ours = {norm(n): v for n, v in collect_packages().items()}
    theirs: dict[str, str] = {}
    for dist in importlib.metadata.distributions():
        theirs.setdefault(norm(dist.metadata["Name"]), dist.version)
    assert ours == theirs


def test_packages_first_on_path_wins(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for where, version in ((first, "2.0"), (second, "1.0")):
        dist = where / f"Demo_Pkg-{version}.dist-info"
        dist.mkdir(parents=True)
        (dist / "METADATA").write_text(f"Name: Demo-Pkg\nVersion: {version}\n")
    legacy = second / "legacy.egg-info"  # a develop-mode tree: no version in the name
    legacy.mkdir()
    (legacy / "PKG-INFO").write_text("Metadata-Version: 1.0\nName: legacy\nVersion: 0.3\n\nbody\n")
    assert collect_packages([str(first), str(second)]) == {"Demo-Pkg": "2.0", "legacy": "0.3"}


def test_collect_packages_is_fast() -> None:
    collect_packages()
    start = time.perf_counter()
    collect_packages()
    assert time.perf_counter() - start < 0.1


def test_requirements_text() -> None:
    text = requirements_text({"pytest": "8.0.0", "Alembic": "1.13", "numpy": "1.26.4"})
    assert text == "Alembic==1.13\nnumpy==1.26.4\npytest==8.0.0\n"
    assert requirements_text({}) == ""


@pytest.mark.skipif(sys.platform == "win32", reason="uses a shell script as a fake nvidia-smi")
def test_gpus_parsed_from_nvidia_smi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "nvidia-smi"
    fake.write_text(
        "#!/bin/sh\n"
        "echo 'NVIDIA A100-SXM4-40GB, 40960 MiB, 535.54.03'\n"
        "echo 'NVIDIA A100-SXM4-40GB, 40960 MiB, 535.54.03'\n"
    )
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(tmp_path))
    gpu = {"name": "NVIDIA A100-SXM4-40GB", "memory_total": "40960 MiB", "driver_version": "535.54.03"}
    assert collect_gpus() == [gpu, gpu]


@pytest.mark.skipif(sys.platform == "win32", reason="uses a shell script as a fake nvidia-smi")
def test_failing_nvidia_smi_gives_no_gpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "nvidia-smi"
    fake.write_text("#!/bin/sh\necho 'NVIDIA-SMI has failed' >&2\nexit 9\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert collect_gpus() == []


def test_no_nvidia_smi_gives_no_gpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert collect_gpus() == []
