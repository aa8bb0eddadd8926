"""Files in a real S3-compatible server: artifacts, model weights and dataset versions stored at
an ``s3://`` destination, external links read from S3, and what a wrong key or bucket says."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

# each test runs scripts against a real S3 server started for it
pytestmark = pytest.mark.slow


def _keys(s3: Any, prefix: str) -> list[str]:
    """The keys under ``prefix`` (bucket/folder), relative to it."""
    bucket, folder = prefix.split("/", 1)
    listed = s3.client().list_objects_v2(Bucket=bucket, Prefix=folder + "/")
    return sorted(o["Key"][len(folder) + 1:] for o in listed.get("Contents", ()))


def test_artifacts_and_model_weights_go_to_the_output_uri_and_come_back(run_py: Any, task_id_of: Any, s3: Any,
                                                                         prefix: str, s3_env: dict[str, str]) -> None:
    out = run_py.run(f"""
        import numpy as np
        from jupyter_ext import Task, OutputModel
        task = Task.init(project_name="S3", task_name="store", output_uri="s3://{prefix}/runs")
        print("TASK_ID=" + task.id)
        task.upload_artifact("table", {{"a": [1, 2, 3]}}, wait_on_upload=True)
        open("weights.bin", "wb").write(b"w" * 300_000)
        model = OutputModel(task=task, name="net")
        model.update_weights(weights_filename="weights.bin", async_enable=False)
        print("URL=" + model.url)
        task.close()
    """, env=s3_env, timeout=120)
    assert out.returncode == 0, out.stderr
    keys = _keys(s3, prefix)
    assert keys and all(k.startswith("runs/") for k in keys), keys
    sha = hashlib.sha256(b"w" * 300_000).hexdigest()
    assert any(sha in k for k in keys), keys
    url = next(line[4:] for line in out.stdout.splitlines() if line.startswith("URL="))
    assert url.startswith(f"s3://{prefix}/runs")

    # a new process, with only the task id, reads both back
    back = run_py.run(f"""
        from jupyter_ext import Task, Model
        task = Task.get_task(task_id="{task_id_of(out.stdout)}")
        print(task.artifacts["table"].get())
        path = task.models["output"][0].get_local_copy()
        print(len(open(path, "rb").read()))
    """, env=s3_env, timeout=120)
    assert back.returncode == 0, back.stderr
    assert "{'a': [1, 2, 3]}" in back.stdout and "300000" in back.stdout


def test_a_dataset_version_uploaded_to_s3_and_fetched_elsewhere(run_py: Any, tmp_path: Path, s3: Any, prefix: str,
                                                                s3_env: dict[str, str]) -> None:
    data = tmp_path / "images"
    data.mkdir()
    for i in range(20):
        (data / f"img_{i:02d}.jpg").write_bytes(bytes([i]) * (1000 + i))
    made = run_py.run(f"""
        from jupyter_ext import Dataset
        ds = Dataset.create(dataset_name="pics", dataset_project="S3 data", output_uri="s3://{prefix}/datasets")
        ds.add_files(path={str(data)!r}, wildcard="*.jpg", dataset_path="imgs")
        ds.upload()
        ds.finalize()
        print("ID=" + ds.id)
    """, env=s3_env, timeout=120)
    assert made.returncode == 0, made.stderr
    assert len([k for k in _keys(s3, prefix) if k.startswith("datasets/")]) == 20
    fetched = run_py.run("""
        import os
        from jupyter_ext import Dataset
        path = Dataset.get(dataset_name="pics", dataset_project="S3 data").get_local_copy()
        names = sorted(os.listdir(os.path.join(path, "imgs")))
        print(len(names), os.path.getsize(os.path.join(path, "imgs", "img_07.jpg")))
    """, env=s3_env, timeout=120)
    assert fetched.returncode == 0, fetched.stderr
    assert "20 1007" in fetched.stdout


def test_external_files_in_s3_are_links_fetched_on_demand(run_py: Any, s3: Any, prefix: str,
                                                           s3_env: dict[str, str]) -> None:
    client = s3.client()
    bucket, folder = prefix.split("/", 1)
    for i in range(3):
        client.put_object(Bucket=bucket, Key=f"{folder}/raw/part-{i}.csv", Body=f"x\n{i}\n".encode())
    out = run_py.run(f"""
        import os
        from jupyter_ext import Dataset
        ds = Dataset.create(dataset_name="linked", dataset_project="S3 data")
        print("ADDED", ds.add_external_files(source_url="s3://{prefix}/raw/", dataset_path="raw"))
        ds.upload(); ds.finalize()
        path = ds.get_local_copy()
        print(sorted(os.listdir(os.path.join(path, "raw"))), open(os.path.join(path, "raw", "part-2.csv")).read())
    """, env=s3_env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "ADDED 3" in out.stdout
    assert "['part-0.csv', 'part-1.csv', 'part-2.csv'] x\n2\n" in out.stdout
    assert _keys(s3, prefix) == ["raw/part-0.csv", "raw/part-1.csv", "raw/part-2.csv"]  # links, not copies


def test_a_wrong_secret_is_a_clear_error_and_nothing_is_recorded(run_py: Any, s3: Any, prefix: str,
                                                                 s3_env: dict[str, str]) -> None:
    env = dict(s3_env, JUPYTER_TRACK_S3_SECRET_KEY="not-the-secret")
    out = run_py.run(f"""
        from jupyter_ext import Task
        task = Task.init(project_name="S3", task_name="wrong key", output_uri="s3://{prefix}/runs")
        try:
            task.upload_artifact("x", {{"a": 1}}, wait_on_upload=True)
        except Exception as exc:
            print("ERROR", type(exc).__name__, exc)
        print("ARTIFACTS", sorted(task.artifacts))
        task.close()
    """, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    text = out.stdout + out.stderr
    assert f"s3://{prefix}/runs was refused" in text and "s3_secret_key" in text, text
    assert "ARTIFACTS []" in out.stdout
    assert "not-the-secret" not in text
    assert _keys(s3, prefix) == []


def test_clearml_conf_s3_credentials_are_read(tmp_path: Path) -> None:
    from jupyter_ext import config

    conf = tmp_path / "clearml.conf"
    conf.write_text("""
sdk {
  aws {
    s3 {
      region: "eu-west-1"
      credentials: [
        { host: "127.0.0.1:9000", key: "minio", secret: "minio-secret", secure: false, multipart: false,
          verify: "/path/to/certs/ca.crt" }
      ]
    }
  }
}
""")
    cfg = config.load({"CLEARML_CONFIG_FILE": str(conf), "JUPYTER_TRACK_CONFIG_FILE": str(tmp_path / "none.toml"),
                       "JUPYTER_TRACK_HOME": str(tmp_path / "home")})
    assert cfg.s3_endpoint == "http://127.0.0.1:9000" and cfg.s3_region == "eu-west-1"
    assert cfg.storage_options("s3://bucket/x") == {
        "key": "minio", "secret": "minio-secret",
        "client_kwargs": {"verify": "/path/to/certs/ca.crt", "endpoint_url": "http://127.0.0.1:9000",
                          "region_name": "eu-west-1"}}
    assert cfg.storage_options("https://example.com/x") == {}  # the API's certificate settings are apart
    assert "minio-secret" not in repr(cfg)
