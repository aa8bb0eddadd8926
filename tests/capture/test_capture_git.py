"""Git capture against real repositories created with the git binary in tmp_path."""
from __future__ import annotations

import base64
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from jupyter_ext.capture.git import collect_git
from jupyter_ext.errors import InvalidArgument

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

_GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, **_GIT_ENV}
    proc = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def isolated_env(tmp_path: Path) -> dict[str, str]:
    """The environment for collect_git: no override variables, and no repository above tmp_path."""
    env = {k: v for k, v in os.environ.items() if "_VCS_" not in k}
    env["GIT_CEILING_DIRECTORIES"] = str(tmp_path.parent)
    return env


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "src").mkdir()
    (root / "src" / "train.py").write_text("print('hello')\n")
    (root / "README.md").write_text("demo\n")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first")
    return root


def test_commit_branch_and_uncommitted_diff(repo: Path, tmp_path: Path) -> None:
    (repo / "src" / "train.py").write_text("print('hello')\nprint('changed')\n")
    (repo / "notes.txt").write_text("scratch\n")
    (repo / "outputs").mkdir()
    for i in range(3):
        (repo / "outputs" / f"run{i}.log").write_text("log\n")
    info = collect_git(str(repo / "src" / "train.py"), env=isolated_env(tmp_path))
    assert info is not None
    assert info["commit"] == git(repo, "rev-parse", "HEAD")
    assert info["branch"] == "main"
    assert info["upstream"] is None
    assert info["repository"] is None  # no remote configured
    assert os.path.realpath(info["root"]) == os.path.realpath(repo)
    assert info["entry_point"] == "src/train.py"
    assert " M src/train.py" in info["status"]
    assert "?? notes.txt" in info["status"]
    assert info["untracked"] == ["notes.txt", "outputs/"]  # a directory is one entry
    assert "diff --git a/src/train.py b/src/train.py" in info["diff"]
    assert "+print('changed')" in info["diff"]
    assert "#   notes.txt" in info["diff"]
    assert info["diff_truncated"] is False
    assert info["diff_size"] == len(info["diff"].encode("utf-8"))


def test_diff_applies_to_a_clean_checkout(repo: Path, tmp_path: Path) -> None:
    (repo / "src" / "train.py").write_text("print('patched')\n")
    (repo / "scratch.txt").write_text("untracked\n")
    info = collect_git(str(repo / "src" / "train.py"), env=isolated_env(tmp_path))
    assert info is not None
    git(repo, "checkout", "-q", "--", "src/train.py")
    patch = tmp_path / "change.diff"
    patch.write_text(info["diff"])
    git(repo, "apply", str(patch))  # the untracked-file trailer must not break git apply
    assert (repo / "src" / "train.py").read_text() == "print('patched')\n"


def test_clean_tree_has_empty_diff(repo: Path, tmp_path: Path) -> None:
    info = collect_git(str(repo), env=isolated_env(tmp_path))
    assert info is not None
    assert info["diff"] == ""
    assert info["status"] == ""
    assert info["entry_point"] is None  # a directory, not a script


def test_upstream_branch_and_credentials_stripped(repo: Path, tmp_path: Path) -> None:
    git(repo, "remote", "add", "origin", "https://alice:s3cret@example.com/org/repo.git")
    git(repo, "checkout", "-q", "-b", "feature/x")
    git(repo, "update-ref", "refs/remotes/origin/feature/x", "HEAD")
    git(repo, "branch", "-q", "--set-upstream-to=origin/feature/x")
    info = collect_git(str(repo / "src" / "train.py"), env=isolated_env(tmp_path))
    assert info is not None
    assert info["repository"] == "https://example.com/org/repo.git"
    assert info["upstream"] == "origin/feature/x"
    assert info["branch"] == "feature/x"


def test_large_diff_is_truncated(repo: Path, tmp_path: Path) -> None:
    line = "x" * 99 + "\n"
    (repo / "big.txt").write_text("start\n")
    git(repo, "add", "big.txt")
    git(repo, "commit", "-q", "-m", "big")
    (repo / "big.txt").write_text(line * 6000)  # 600 KB of added lines
    info = collect_git(str(repo / "big.txt"), env=isolated_env(tmp_path))
    assert info is not None
    assert info["diff_truncated"] is True
    assert info["diff_size"] > 600_000
    assert len(info["diff"].encode("utf-8")) == 500_000
    assert info["diff"].startswith("diff --git a/big.txt b/big.txt")


def test_repository_without_commits(tmp_path: Path) -> None:
    root = tmp_path / "fresh"
    root.mkdir()
    git(root, "init", "-q", "-b", "trunk")
    (root / "a.py").write_text("x = 1\n")
    git(root, "add", "a.py")
    info = collect_git(str(root / "a.py"), env=isolated_env(tmp_path))
    assert info is not None
    assert info["commit"] is None
    assert info["branch"] == "trunk"
    assert "+x = 1" in info["diff"]


def test_outside_a_repository_is_none(tmp_path: Path) -> None:
    (tmp_path / "script.py").write_text("pass\n")
    assert collect_git(str(tmp_path / "script.py"), env=isolated_env(tmp_path)) is None
    assert collect_git(str(tmp_path / "missing" / "script.py"), env=isolated_env(tmp_path)) is None


def test_without_git_installed_is_none(repo: Path, tmp_path: Path) -> None:
    env = isolated_env(tmp_path)
    env["PATH"] = str(tmp_path / "empty-bin")
    assert collect_git(str(repo / "src" / "train.py"), env=env) is None


def test_overrides_without_a_repository(tmp_path: Path) -> None:
    env = isolated_env(tmp_path)
    env.update(
        {
            "JUPYTER_TRACK_VCS_REPO_URL": "https://bob:pw@example.com/r.git",
            "CLEARML_VCS_REPO_URL": "https://example.com/ignored.git",
            "CLEARML_VCS_COMMIT_ID": "abc123",
            "CLEARML_VCS_BRANCH": "release",
            "JUPYTER_TRACK_VCS_DIFF": base64.b64encode(b"diff --git a/x b/x\n").decode(),
            "JUPYTER_TRACK_VCS_ENTRY_POINT": "train.py",
            "JUPYTER_TRACK_VCS_WORK_DIR": "src",
            "JUPYTER_TRACK_VCS_ROOT": "/code",
        }
    )
    info = collect_git(str(tmp_path / "train.py"), env=env)
    assert info is not None
    assert info["repository"] == "https://example.com/r.git"
    assert info["commit"] == "abc123"
    assert info["branch"] == "release"
    assert info["diff"] == "diff --git a/x b/x\n"
    assert info["diff_truncated"] is False
    assert info["entry_point"] == "train.py"
    assert info["working_dir"] == "src"
    assert info["root"] == "/code"


def test_overrides_win_over_detection(repo: Path, tmp_path: Path) -> None:
    env = isolated_env(tmp_path)
    env["CLEARML_VCS_COMMIT_ID"] = "deadbeef"
    info = collect_git(str(repo / "src" / "train.py"), env=env)
    assert info is not None
    assert info["commit"] == "deadbeef"
    assert info["entry_point"] == "src/train.py"


def test_bad_base64_diff_override_is_a_user_error(tmp_path: Path) -> None:
    env = isolated_env(tmp_path)
    env["CLEARML_VCS_DIFF"] = "not base64!!"
    with pytest.raises(InvalidArgument, match="CLEARML_VCS_DIFF"):
        collect_git(str(tmp_path / "x.py"), env=env)


def test_path_through_a_symlinked_directory(repo: Path, tmp_path: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(repo, target_is_directory=True)
    info = collect_git(str(link / "src" / "train.py"), env=isolated_env(tmp_path))
    assert info is not None
    assert info["entry_point"] == "src/train.py"


@pytest.mark.skipif(os.name != "posix", reason="uses a shell script as a hanging git")
def test_hanging_git_is_cut_off(tmp_path: Path) -> None:
    # A stand-in git whose diff hangs in a grandchild that holds the output pipe open, as a
    # textconv filter or credential helper could; everything else answers at once.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "git"
    fake.write_text(
        "#!/bin/sh\n"
        'for a in "$@"; do\n'
        '  case "$a" in\n'
        f'    --show-toplevel) echo "{tmp_path}"; exit 0;;\n'
        "    diff) sleep 30; exit 0;;\n"
        "  esac\n"
        "done\n"
        "exit 1\n"
    )
    fake.chmod(0o755)
    env = isolated_env(tmp_path)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    start = time.monotonic()
    info = collect_git(str(tmp_path / "x.py"), env=env, timeout=0.5)
    assert time.monotonic() - start < 5
    assert info is not None
    assert info["root"] == str(tmp_path)
    assert info["commit"] is None
    assert info["diff"] is None
