"""One real S3-compatible server (SeaweedFS on 127.0.0.1) for this folder's tests."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from s3_server import S3Server  # noqa: E402


@pytest.fixture(scope="session")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    server = S3Server.start(str(tmp_path_factory.mktemp("s3")))
    try:
        yield server
    finally:
        server.stop()


BUCKET = "tests"  # one bucket: SeaweedFS gives each bucket its own volumes, and they are few here


@pytest.fixture
def prefix(s3: S3Server, request: pytest.FixtureRequest) -> str:
    """``tests/<this test>``: a bucket and folder of this test's own."""
    import re

    client: Any = s3.client()
    try:
        client.create_bucket(Bucket=BUCKET)
    except (client.exceptions.BucketAlreadyOwnedByYou, client.exceptions.BucketAlreadyExists):
        pass
    return BUCKET + "/" + re.sub(r"[^a-z0-9-]", "-", request.node.name.lower())


@pytest.fixture
def s3_env(s3: S3Server) -> dict[str, str]:
    """The project's own settings for the server (not botocore's AWS_* variables)."""
    return {"JUPYTER_TRACK_S3_ENDPOINT": s3.endpoint, "JUPYTER_TRACK_S3_ACCESS_KEY": s3.key,
            "JUPYTER_TRACK_S3_SECRET_KEY": s3.secret, "JUPYTER_TRACK_S3_REGION": "us-east-1"}
