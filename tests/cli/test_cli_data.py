"""`jupyter track data`: clearml-data's verbs against a real store, as a user runs them."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.fixture()
def env(tmp_path):
    return dict(os.environ, JUPYTER_TRACK_HOME=str(tmp_path / "home"),
                JUPYTER_TRACK_CONFIG_FILE=str(tmp_path / "none.toml"))


def run(env: dict[str, str], *args: str, cwd: str | None = None) -> subprocess.CompletedProcess[str]:
    exe = os.path.join(os.path.dirname(sys.executable), "jupyter-track")
    return subprocess.run([exe, "data", *args], env=env, capture_output=True, text=True, timeout=120, cwd=cwd)


def ok(env: dict[str, str], *args: str, cwd: str | None = None) -> str:
    out = run(env, *args, cwd=cwd)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


@pytest.mark.slow
def test_create_add_close_get_list_keeps_the_current_dataset(env, tmp_path):
    src = tmp_path / "images"
    (src / "sub").mkdir(parents=True)
    (src / "a.jpg").write_bytes(b"a" * 100)
    (src / "b.txt").write_bytes(b"b" * 10)
    (src / "sub" / "c.jpg").write_bytes(b"c" * 50)
    created = ok(env, "create", "--project", "Datasets/CIFAR10", "--name", "cifar")
    ds_id = created.split("dataset created: ", 1)[1].split()[0]
    ok(env, "add", "--files", str(src), "--wildcard", "*.jpg")  # no --id: the current dataset
    ok(env, "close")
    listed = ok(env, "list", "--id", ds_id)
    assert "a.jpg" in listed and "sub/c.jpg" in listed and "b.txt" not in listed
    path = ok(env, "get", "--id", ds_id).strip().splitlines()[-1]
    assert os.path.isabs(path)
    with open(os.path.join(path, "sub", "c.jpg"), "rb") as fh:
        assert fh.read() == b"c" * 50
    copy = tmp_path / "work"
    ok(env, "get", "--id", ds_id, "--copy", str(copy))
    assert (copy / "a.jpg").read_bytes() == b"a" * 100
    found = ok(env, "search", "--project", "Datasets/CIFAR10")
    assert ds_id in found


@pytest.mark.slow
def test_child_version_diff_and_finalized_refusal(env, tmp_path):
    src = tmp_path / "d"
    src.mkdir()
    (src / "x.csv").write_text("a,b\n1,2\n")
    parent = ok(env, "create", "--project", "P", "--name", "n").split("dataset created: ", 1)[1].split()[0]
    ok(env, "add", "--files", str(src))
    ok(env, "close")
    refused = run(env, "add", "--id", parent, "--files", str(src / "x.csv"))
    assert refused.returncode == 2 and "finalized" in refused.stderr
    child = ok(env, "create", "--project", "P", "--name", "n", "--parents", parent).split(
        "dataset created: ", 1)[1].split()[0]
    (src / "y.csv").write_text("c\n3\n")
    ok(env, "add", "--files", str(src))
    ok(env, "remove", "--files", "x.csv")
    ok(env, "close")
    diff = ok(env, "compare", parent, child)
    assert "added     y.csv" in diff and "removed   x.csv" in diff


def test_errors_say_what_to_do(env, tmp_path):
    out = run(env, "add", "--files", str(tmp_path / "nope"))
    assert out.returncode == 2
    assert "create" in out.stderr or "does not exist" in out.stderr


@pytest.mark.slow
def test_attach_the_preparing_script_and_metadata_to_a_version(env, tmp_path):
    src = tmp_path / "d"
    src.mkdir()
    (src / "a.txt").write_text("a")
    script = tmp_path / "prepare.py"
    script.write_text("print('made the data')\n")
    ds_id = ok(env, "create", "--project", "P", "--name", "m").split("dataset created: ", 1)[1].split()[0]
    ok(env, "add", "--files", str(src))
    ok(env, "set-metadata", "--file", str(script), "--metadata-name", "script")
    ok(env, "set-metadata", "--json", '{"rows": 1}')
    ok(env, "close")
    listed = ok(env, "list", "--id", ds_id)
    assert "attached (2;" in listed and "script  prepare.py" in listed and "metadata  metadata.json" in listed
    path = ok(env, "get-metadata", "--id", ds_id, "--metadata-name", "script").strip()
    with open(path) as fh:
        assert fh.read() == "print('made the data')\n"
    copied = ok(env, "get-metadata", "--metadata-name", "script", "--copy", str(tmp_path / "out")).strip()
    assert copied == str(tmp_path / "out" / "prepare.py") and os.path.isfile(copied)
    assert '"rows": 1' in ok(env, "get-metadata", "--project", "P", "--name", "m")
    missing = run(env, "get-metadata", "--metadata-name", "nope")
    assert missing.returncode == 2 and "no metadata named 'nope'" in missing.stderr and "script" in missing.stderr
    both = run(env, "set-metadata", "--file", str(script), "--json", "{}")
    assert both.returncode == 2 and "exactly one of --file" in both.stderr
    gone = run(env, "set-metadata", "--file", str(tmp_path / "nope.py"))
    assert gone.returncode == 2 and "no such file" in gone.stderr
