"""A stand-in for the few Kubernetes API routes a launcher uses, on 127.0.0.1, whose "kubelet"
runs each Job's first container command as a local process (the image is not pulled: the
command runs in this machine's environment).

No real API server can be started here (kind and k3s need a container runtime and images from
registries this machine cannot reach), so the launcher's loop is driven against this one with the
official client over real HTTP: Jobs are created, listed by label, read and deleted; pods are
listed by label and their logs followed. The objects it answers have the API's shapes (those
of tests/glue/k8s_api/). ``oom(job)`` kills a Job's process and reports it OOMKilled, as the
kubelet does when a container passes its memory limit.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

JOBS = re.compile(r"^/apis/batch/v1/namespaces/([^/]+)/jobs(?:/([^/]+))?$")
PODS = re.compile(r"^/api/v1/namespaces/([^/]+)/pods(?:/([^/]+)(/log)?)?$")
PENDING_S = 0.5  # a pod waits this long before its process starts (image pull, scheduling)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _matches(labels: dict[str, str], selector: str) -> bool:
    for part in filter(None, (selector or "").split(",")):
        key, _, value = part.partition("=")
        if labels.get(key) != value:
            return False
    return True


class Pod:
    def __init__(self, job: dict[str, Any], env: dict[str, str], folder: str) -> None:
        self.job_name = job["metadata"]["name"]
        self.name = f"{self.job_name}-{uuid.uuid4().hex[:5]}"
        template = job["spec"]["template"]
        self.labels = {**(template.get("metadata") or {}).get("labels", {}), "job-name": self.job_name,
                       "batch.kubernetes.io/job-name": self.job_name}
        self.container = template["spec"]["containers"][0]
        self.env = dict(env)
        for item in self.container.get("env") or ():
            self.env[item["name"]] = str(item.get("value", ""))
        self.log_path = os.path.join(folder, f"{self.name}.log")
        self.created = time.time()
        self.proc: subprocess.Popen[bytes] | None = None
        self.reason = ""
        self.deleted = False

    def tick(self) -> None:
        if self.proc is None and not self.deleted and time.time() - self.created > PENDING_S:
            argv = list(self.container.get("command") or []) + list(self.container.get("args") or [])
            with open(self.log_path, "wb") as log:
                self.proc = subprocess.Popen(argv, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                             start_new_session=True)

    def kill(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass

    @property
    def code(self) -> int | None:
        return None if self.proc is None else self.proc.poll()

    def phase(self) -> str:
        if self.proc is None:
            return "Pending"
        code = self.code
        return "Running" if code is None else "Succeeded" if code == 0 else "Failed"

    def as_json(self) -> dict[str, Any]:
        phase = self.phase()
        state: dict[str, Any] = {"waiting": {"reason": "ContainerCreating"}}
        if phase == "Running":
            state = {"running": {"startedAt": _now()}}
        elif phase in ("Succeeded", "Failed"):
            code = self.code or 0
            reason = self.reason or ("Completed" if code == 0 else "Error")
            state = {"terminated": {"exitCode": 137 if reason == "OOMKilled" else (code if code >= 0 else 128 - code),
                                    "reason": reason}}
        return {"apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": self.name, "namespace": "ml", "labels": self.labels,
                             "creationTimestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.created))},
                "spec": {"containers": [{"name": self.container.get("name", "task"),
                                         "image": self.container.get("image", "")}],
                         "restartPolicy": "Never", "nodeName": "standin-node-1"},
                "status": {"phase": phase, "containerStatuses": [{"name": "task", "image": "", "imageID": "",
                                                                  "ready": phase == "Running", "restartCount": 0,
                                                                  "state": state}]}}


class StandIn:
    """``with StandIn(env, folder) as api:`` serves on ``api.url``; ``api.kubeconfig`` is a file for the client."""

    def __init__(self, env: dict[str, str], folder: str) -> None:
        self.env = env
        self.folder = folder
        self.jobs: dict[str, dict[str, Any]] = {}
        self.pods: dict[str, Pod] = {}  # by job name
        self.lock = threading.Lock()
        self.created: list[str] = []
        self.deleted: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.kubeconfig = os.path.join(folder, "kubeconfig")
        with open(self.kubeconfig, "w") as fh:
            json.dump({"apiVersion": "v1", "kind": "Config", "current-context": "standin",
                       "clusters": [{"name": "standin", "cluster": {"server": self.url}}],
                       "users": [{"name": "standin", "user": {}}],
                       "contexts": [{"name": "standin", "context": {"cluster": "standin", "user": "standin"}}]}, fh)
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        for pod in self.pods.values():
            pod.kill(signal.SIGKILL)
            if pod.proc is not None:
                pod.proc.wait(timeout=10)

    def oom(self, job_name: str) -> None:
        pod = self.pods[job_name]
        pod.reason = "OOMKilled"
        pod.kill(signal.SIGKILL)

    # -- the API -----------------------------------------------------------------------------
    def _job_json(self, name: str) -> dict[str, Any]:
        job = json.loads(json.dumps(self.jobs[name]))
        pod = self.pods.get(name)
        if pod is not None:
            pod.tick()
            phase = pod.phase()
            status: dict[str, Any] = {"startTime": _now()}
            if phase in ("Pending", "Running"):
                status["active"] = 1
            elif phase == "Succeeded":
                status.update(succeeded=1, conditions=[{"type": "Complete", "status": "True"}])
            else:
                status.update(failed=1, conditions=[{"type": "Failed", "status": "True",
                                                     "reason": "BackoffLimitExceeded",
                                                     "message": "Job has reached the specified backoff limit"}])
            job["status"] = status
        return job

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, code: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _missing(self, what: str) -> None:
                self._send(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                 "message": f"{what} not found", "reason": "NotFound", "code": 404})

            def do_POST(self) -> None:
                m = JOBS.match(urlparse(self.path).path)
                if not m or m.group(2):
                    return self._missing(self.path)
                job = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                name = job["metadata"]["name"]
                with api.lock:
                    if name in api.jobs:
                        return self._send(409, {"kind": "Status", "status": "Failure", "reason": "AlreadyExists",
                                                "message": f'jobs.batch "{name}" already exists', "code": 409})
                    job["metadata"].update(uid=str(uuid.uuid4()), creationTimestamp=_now(), resourceVersion="1")
                    api.jobs[name] = job
                    api.pods[name] = Pod(job, api.env, api.folder)
                    api.created.append(name)
                self._send(201, job)
                return None

            def do_DELETE(self) -> None:
                m = JOBS.match(urlparse(self.path).path)
                if not m or not m.group(2):
                    return self._missing(self.path)
                name = m.group(2)
                with api.lock:
                    job = api.jobs.pop(name, None)
                    pod = api.pods.pop(name, None)
                    if job is None:
                        return self._missing(f'jobs.batch "{name}"')
                    api.deleted.append(name)
                if pod is not None:
                    pod.deleted = True
                    pod.kill()
                self._send(200, {"kind": "Status", "apiVersion": "v1", "status": "Success"})
                return None

            def do_GET(self) -> None:
                url = urlparse(self.path)
                query = {k: v[-1] for k, v in parse_qs(url.query).items()}
                selector = query.get("labelSelector", "")
                jobs_m, pods_m = JOBS.match(url.path), PODS.match(url.path)
                with api.lock:
                    if jobs_m and jobs_m.group(2):
                        name = jobs_m.group(2)
                        return self._send(200, api._job_json(name)) if name in api.jobs else self._missing(name)
                    if jobs_m:
                        items = [api._job_json(n) for n, j in api.jobs.items()
                                 if _matches(j["metadata"].get("labels") or {}, selector)]
                        return self._send(200, {"kind": "JobList", "apiVersion": "batch/v1", "metadata": {},
                                                "items": items})
                    if pods_m and not pods_m.group(2):
                        for pod in api.pods.values():
                            pod.tick()
                        items = [p.as_json() for p in api.pods.values() if _matches(p.labels, selector)]
                        return self._send(200, {"kind": "PodList", "apiVersion": "v1", "metadata": {},
                                                "items": items})
                    pod = next((p for p in api.pods.values() if pods_m and p.name == pods_m.group(2)), None)
                if pods_m and pods_m.group(3) and pod is not None:
                    return self._log(pod, query.get("follow") == "true")
                return self._missing(self.path)

            def _log(self, pod: Pod, follow: bool) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                offset = 0
                while True:
                    ended = pod.code is not None or pod.deleted
                    try:
                        with open(pod.log_path, "rb") as fh:
                            fh.seek(offset)
                            data = fh.read()
                    except FileNotFoundError:
                        data = b""
                    if data:
                        self.wfile.write(data)
                        self.wfile.flush()
                        offset += len(data)
                    if ended or not follow:
                        return
                    time.sleep(0.1)

        return Handler
