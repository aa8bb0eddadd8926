"""StorageManager against a real S3-compatible server, with the project's own S3 settings."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.errors import Forbidden, NotFound

pytestmark = pytest.mark.slow  # the S3 server takes seconds to start


@pytest.fixture
def SM(track_home: Path, s3_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Any:
    for name, value in s3_env.items():
        monkeypatch.setenv(name, value)
    from jupyter_ext import StorageManager

    return StorageManager


def test_upload_list_size_download_and_cached_copies_in_s3(SM: Any, prefix: str, tmp_path: Path) -> None:
    src = tmp_path / "data"
    (src / "sub").mkdir(parents=True)
    (src / "a.csv").write_text("x,y\n")
    (src / "sub" / "b.bin").write_bytes(b"b" * 5000)
    base = f"s3://{prefix}/data"
    assert SM.upload_folder(str(src), base + "/") == base + "/"
    folder = prefix.split("/", 1)[1]
    assert SM.list(base) == [f"{folder}/data/a.csv", f"{folder}/data/sub/b.bin"]  # relative to the bucket
    assert SM.list(base, return_full_path=True)[1] == f"{base}/sub/b.bin"
    assert SM.get_file_size_bytes(f"{base}/sub/b.bin") == 5000
    assert SM.exists_file(f"{base}/a.csv") and not SM.exists_file(f"{base}/missing.csv")
    assert Path(SM.get_local_copy(f"{base}/sub/b.bin")).read_bytes() == b"b" * 5000
    url = SM.upload_file(str(src / "a.csv"), f"s3://{prefix}/models/model.csv")
    assert url == f"s3://{prefix}/models/model.csv" and SM.exists_file(url)
    out = SM.download_folder(base, str(tmp_path / "out"))
    assert (Path(out) / folder / "data" / "sub" / "b.bin").read_bytes() == b"b" * 5000
    with pytest.raises(NotFound, match="missing.csv"):
        SM.get_local_copy(f"{base}/missing.csv")


def test_a_wrong_key_names_the_url_and_the_settings(SM: Any, prefix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from jupyter_ext.sdk import _session as session

    monkeypatch.setenv("JUPYTER_TRACK_S3_SECRET_KEY", "wrong")
    session.reset_for_tests()
    with pytest.raises(Forbidden, match=rf"s3://{prefix}/x.bin.*s3_access_key"):
        SM.get_local_copy(f"s3://{prefix}/x.bin")
