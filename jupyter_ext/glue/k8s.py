"""Kubernetes through the official ``kubernetes`` client: one Job per task (labelled with the task
id and the launcher), followed by listing the launcher's Jobs and pods (two calls a cycle),
cancelled by deleting the Job, its pod's log streamed into the task's console.

The manifest and the meaning of what the API returns are in glue/k8s_objects.py (pure, tested
from recorded objects). The agent in the pod runs with ``--no-echo``: the task's own output
reaches its console through the agent, and the pod's log (streamed here) adds only what
happened around it — an image's entrypoint, a setup step, an agent that could not start.
"""
from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

from jupyter_ext.core.rules import launched_jobs as jobs
from jupyter_ext.errors import InvalidArgument, NotFound, TrackError, Unavailable
from jupyter_ext.glue import k8s_objects as objects
from jupyter_ext.glue.launcher import JobRequest

LOG_WAIT_S = 2.0
TAIL_LINES = 20


def _client() -> Any:
    try:
        import kubernetes
    except ImportError:
        raise InvalidArgument("the Kubernetes launcher needs the kubernetes client: pip install 'jupyter-ext[glue]'"
                              ) from None
    return kubernetes


def translate(exc: Exception, what: str) -> TrackError:
    """An API error as ours: 404 NotFound, 4xx InvalidArgument (with the server's message), else Unavailable."""
    status = int(getattr(exc, "status", 0) or 0)
    body = str(getattr(exc, "body", "") or getattr(exc, "reason", "") or exc)
    try:
        import json

        body = json.loads(body).get("message") or body
    except (ValueError, AttributeError):
        pass
    text = f"{what}: {status or ''} {body}".strip()
    if status == 404:
        return NotFound(text)
    if 400 <= status < 500 and status not in (408, 429):
        return InvalidArgument(text)
    return Unavailable(text)


class Kubernetes:
    """The cluster a launcher submits to, through ``BatchV1Api`` and ``CoreV1Api``."""

    name = "k8s"
    settings: Mapping[str, str] = objects.SETTINGS

    def __init__(self, batch: Any, core: Any, *, namespace: str, template: Mapping[str, Any], image: str = "",
                 ttl_seconds: int | None = 3600, stream_logs: bool = True) -> None:
        self.batch = batch
        self.core = core
        self.namespace = namespace
        self.template = dict(template) or {"kind": "Pod", "spec": {"containers": [{"name": "task"}]}}
        self.image = image
        self.ttl_seconds = ttl_seconds
        self.stream_logs = stream_logs
        self.launcher_label = ""
        self._streams: dict[str, threading.Thread] = {}
        self._closed = threading.Event()

    @classmethod
    def connect(cls, *, namespace: str, template: str = "", image: str = "", kubeconfig: str | None = None,
                context: str | None = None, ttl_seconds: int | None = 3600, stream_logs: bool = True) -> Kubernetes:
        """Configured as kubectl would be: in-cluster when run in a pod, else the kubeconfig."""
        kubernetes = _client()
        import yaml

        try:
            manifest = yaml.safe_load(template) if template.strip() else {}
        except yaml.YAMLError as exc:
            raise InvalidArgument(f"the pod template is not YAML: {exc}") from None
        if not isinstance(manifest, dict):
            raise InvalidArgument("the pod template must be one Pod or Job manifest (a YAML mapping)")
        try:
            if kubeconfig or context:
                kubernetes.config.load_kube_config(config_file=kubeconfig, context=context)
            else:
                try:
                    kubernetes.config.load_incluster_config()
                except kubernetes.config.ConfigException:
                    kubernetes.config.load_kube_config()
        except (kubernetes.config.ConfigException, OSError) as exc:
            raise InvalidArgument(f"no Kubernetes cluster configured ({exc}); give --kubeconfig, or run the "
                                  f"launcher in a pod with a service account") from None
        scheduler = cls(kubernetes.client.BatchV1Api(), kubernetes.client.CoreV1Api(), namespace=namespace,
                        template=manifest, image=image, ttl_seconds=ttl_seconds, stream_logs=stream_logs)
        objects.job_manifest(scheduler.template, JobRequest("0" * 32, "check", "check", "", "track-check", ("true",),
                                                            "check", {"image": image or "checked"}),
                             namespace=namespace)
        return scheduler

    def bind(self, launcher: str) -> None:
        self.launcher_label = objects.label_value(launcher)

    def check(self) -> None:
        """The API answers and lets this launcher list Jobs and pods in its namespace."""
        self._list()

    def describe(self) -> dict[str, Any]:
        return {"k8s": {"namespace": self.namespace, "image": self.image}}

    def _selector(self) -> str:
        return f"{objects.LABEL_LAUNCHER}={self.launcher_label}"

    def submit(self, request: JobRequest) -> str:
        kubernetes = _client()
        manifest = objects.job_manifest(self.template, request, namespace=self.namespace, image=self.image,
                                        ttl_seconds=self.ttl_seconds)
        body = kubernetes.client.V1Job.from_dict(manifest)
        try:
            self.batch.create_namespaced_job(self.namespace, body)
        except kubernetes.client.ApiException as exc:
            if exc.status != 409:
                raise translate(exc, f"creating Job {request.job_name}") from None
            self._replace_ended(request.job_name, body)  # the Job of an earlier run of this task
        return request.job_name

    def _replace_ended(self, name: str, body: Any) -> None:
        kubernetes = _client()
        old = self._json(self.batch.read_namespaced_job(name, self.namespace))
        if objects.job_state(old, [], name).active:
            return  # ours, still live (a launcher that stopped between create and record): follow it
        self.cancel(name)
        try:
            self.batch.create_namespaced_job(self.namespace, body)
        except kubernetes.client.ApiException as exc:
            raise translate(exc, f"creating Job {name} again") from None

    @staticmethod
    def _json(model: Any) -> dict[str, Any]:
        kubernetes = _client()
        found = kubernetes.client.ApiClient().sanitize_for_serialization(model)
        return found if isinstance(found, dict) else {}

    def _list(self) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
        kubernetes = _client()
        try:
            listed_jobs = self._json(self.batch.list_namespaced_job(self.namespace, label_selector=self._selector()))
            listed_pods = self._json(self.core.list_namespaced_pod(self.namespace, label_selector=self._selector()))
        except kubernetes.client.ApiException as exc:
            raise translate(exc, f"listing Jobs in {self.namespace}") from None
        by_name = {str(j["metadata"]["name"]): j for j in listed_jobs.get("items") or []}
        pods: dict[str, list[dict[str, Any]]] = {}
        for pod in listed_pods.get("items") or []:
            owner = ((pod.get("metadata") or {}).get("labels") or {}).get("job-name") or ""
            pods.setdefault(str(owner), []).append(pod)
        return by_name, pods

    def states(self, job_ids: Sequence[str]) -> dict[str, jobs.JobState]:
        if not job_ids:
            return {}
        by_name, pods = self._list()
        return {name: objects.job_state(by_name.get(name), pods.get(name, []), name) for name in job_ids}

    def cancel(self, job_id: str) -> None:
        kubernetes = _client()
        try:
            self.batch.delete_namespaced_job(job_id, self.namespace, propagation_policy="Background")
        except kubernetes.client.ApiException as exc:
            if exc.status != 404:
                raise translate(exc, f"deleting Job {job_id}") from None

    def find(self, job_name: str) -> str | None:
        kubernetes = _client()
        try:
            self.batch.read_namespaced_job(job_name, self.namespace)
        except kubernetes.client.ApiException as exc:
            if exc.status == 404:
                return None
            raise translate(exc, f"reading Job {job_name}") from None
        return job_name

    def follow_output(self, job_id: str, task_id: str, write: Any, resume: bool = False) -> None:
        """Stream the Job's pod log into the task's console, in a thread, until the pod ends
        (``resume``: a re-attached launcher, from now on, so no line is recorded twice)."""
        if not self.stream_logs or job_id in self._streams:
            return
        thread = threading.Thread(target=self._stream, args=(job_id, write, resume), daemon=True,
                                  name=f"jupyter-track-glue-log-{job_id[:20]}")
        self._streams[job_id] = thread
        thread.start()

    def _pod_name(self, job_id: str) -> tuple[str, str]:
        pods = self._json(self.core.list_namespaced_pod(self.namespace, label_selector=f"job-name={job_id}"))
        items = pods.get("items") or []
        if not items:
            return "", "Pending"
        pod = max(items, key=lambda p: str(p["metadata"].get("creationTimestamp") or ""))
        return str(pod["metadata"]["name"]), str((pod.get("status") or {}).get("phase") or "Pending")

    def _stream(self, job_id: str, write: Any, resume: bool) -> None:
        kubernetes = _client()
        try:
            name, phase = self._pod_name(job_id)
            while (not name or phase == "Pending") and not self._closed.wait(LOG_WAIT_S):
                if objects.job_state(self._json(self.batch.read_namespaced_job(job_id, self.namespace)), [],
                                     job_id).phase in jobs.ENDED:
                    break
                name, phase = self._pod_name(job_id)
            if not name or self._closed.is_set():
                return
            response = self.core.read_namespaced_pod_log(name, self.namespace, follow=True, _preload_content=False,
                                                         since_seconds=1 if resume else None)
            pending = b""
            for chunk in response.stream(4096):
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    write(line.decode("utf-8", errors="replace"))
            if pending:
                write(pending.decode("utf-8", errors="replace"))
        except (kubernetes.client.ApiException, OSError, ValueError) as exc:
            write(f"jupyter-track launcher: the pod log of Job {job_id} could not be read: {exc}")
        finally:
            self._streams.pop(job_id, None)

    def output_done(self, job_id: str, timeout: float) -> None:
        """Wait (at most ``timeout`` s) until the ended Job's pod log is all in the console."""
        thread = self._streams.get(job_id)
        if thread is not None:
            thread.join(timeout)

    def output_tail(self, job_id: str) -> list[str]:
        """The last lines of the pod's log, when it was not streamed (--no-logs)."""
        if self.stream_logs:
            return []
        kubernetes = _client()
        try:
            name, _ = self._pod_name(job_id)
            if not name:
                return []
            text = self.core.read_namespaced_pod_log(name, self.namespace, tail_lines=TAIL_LINES)
        except (kubernetes.client.ApiException, OSError) as exc:
            return [f"[pod log of Job {job_id} unreadable: {exc}]"]
        return [f"[k8s Job {job_id} log] {line}" for line in str(text).splitlines()]
