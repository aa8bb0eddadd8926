"""Kubernetes Jobs as plain JSON: the manifest a task's Job is made from, and what a Job and its
pods (as the API returns them) mean for the task.

Pure functions over the API's JSON (camelCase, as ``kubectl get -o json`` prints it), so they
are tested from recorded objects; glue/k8s.py does the talking.
"""
from __future__ import annotations

import copy
import re
import shlex
from collections.abc import Mapping, Sequence
from typing import Any

from jupyter_ext.core.rules import launched_jobs as jobs
from jupyter_ext.errors import InvalidArgument
from jupyter_ext.glue.launcher import JobRequest

LABEL_TASK = "jupyter-track/task-id"
LABEL_LAUNCHER = "jupyter-track/launcher"
LABEL_MANAGED = "app.kubernetes.io/managed-by"
MANAGER = "jupyter-track"
GPU_RESOURCE = "nvidia.com/gpu"
SETTINGS = {"image": "container image", "cpu": "CPU request and limit, e.g. 4", "memory": "memory request and "
            "limit, e.g. 16Gi", "gpus": f"{GPU_RESOURCE} limit", "node_selector": "key=value[,key=value] node labels",
            "service_account": "pod service account", "priority_class": "pod priorityClassName"}
PLACE = re.compile(r"\{\{\s*command\s*\}\}")
# Why a container cannot start, beyond waiting: the task fails at once instead of pending forever.
START_FAILURES = frozenset({"InvalidImageName", "CreateContainerConfigError", "ErrImageNeverPull",
                            "CreateContainerError"})


def label_value(text: str) -> str:
    """``text`` as a label value: at most 63 of [A-Za-z0-9-_.], starting and ending alphanumeric."""
    value = re.sub(r"[^A-Za-z0-9_.-]+", "-", text)[:63].strip("-_.")
    return value or "launcher"


def _pod_part(template: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(job metadata, job spec, pod template {metadata, spec}) of a Pod or Job manifest."""
    kind = str(template.get("kind") or ("Pod" if "spec" in template else ""))
    if kind == "Job":
        spec = dict(template.get("spec") or {})
        pod = dict(spec.pop("template", None) or {})
        return dict(template.get("metadata") or {}), spec, pod
    if kind in ("Pod", "PodTemplate"):
        return {}, {}, {"metadata": dict(template.get("metadata") or {}), "spec": dict(template.get("spec") or {})}
    raise InvalidArgument(f"the pod template must be a Pod or a Job manifest (kind: Pod / kind: Job); got kind "
                          f"{kind or 'none'!r}")


def job_manifest(template: Mapping[str, Any], request: JobRequest, *, namespace: str, image: str = "",
                 ttl_seconds: int | None = 3600) -> dict[str, Any]:
    """The Job that runs one task: the template's pod (image, resources, env, volumes) running the
    task's command in its first container, labelled with the task id and the launcher, never
    retried (a retry would run the task twice), with the task's ``glue/…`` overrides applied."""
    job_meta, job_spec, pod = _pod_part(copy.deepcopy(dict(template)))
    spec = pod.setdefault("spec", {})
    containers = spec.get("containers") or [{"name": "task"}]
    spec["containers"] = containers
    main = containers[0]
    main.setdefault("name", "task")
    asked = request.overrides
    main["image"] = asked.get("image") or main.get("image") or image
    if not main["image"]:
        raise InvalidArgument("the Job needs a container image: put one in the template, give --image, or set the "
                              "task's glue/image")
    command = shlex.join(request.command)
    placed = False
    for key in ("command", "args"):
        if isinstance(main.get(key), list):
            filled = [PLACE.sub(command, str(part)) for part in main[key]]
            placed = placed or filled != [str(part) for part in main[key]]
            main[key] = filled
    if not placed:
        main["command"] = list(request.command)
        main.pop("args", None)
    resources = main.setdefault("resources", {})
    for key, name in (("cpu", "cpu"), ("memory", "memory")):
        if key in asked:
            resources.setdefault("requests", {})[name] = asked[key]
            resources.setdefault("limits", {})[name] = asked[key]
    if "gpus" in asked:
        resources.setdefault("limits", {})[GPU_RESOURCE] = asked["gpus"]
    if "node_selector" in asked:
        spec["nodeSelector"] = {**(spec.get("nodeSelector") or {}), **_pairs(asked["node_selector"])}
    if "service_account" in asked:
        spec["serviceAccountName"] = asked["service_account"]
    if "priority_class" in asked:
        spec["priorityClassName"] = asked["priority_class"]
    spec["restartPolicy"] = "Never"
    labels = {LABEL_MANAGED: MANAGER, LABEL_TASK: request.task_id, LABEL_LAUNCHER: label_value(request.launcher)}
    notes = {"jupyter-track/task-name": request.task_name, "jupyter-track/project": request.project,
             "jupyter-track/queue": request.queue, "jupyter-track/launcher": request.launcher}
    pod_meta = pod.setdefault("metadata", {})
    pod_meta["labels"] = {**(pod_meta.get("labels") or {}), **labels}
    pod_meta.pop("name", None)
    job_meta.update(name=request.job_name, namespace=namespace,
                    labels={**(job_meta.get("labels") or {}), **labels},
                    annotations={**(job_meta.get("annotations") or {}), **notes})
    job_spec.update(backoffLimit=0, template=pod)
    if ttl_seconds is not None:
        job_spec["ttlSecondsAfterFinished"] = ttl_seconds
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": job_meta, "spec": job_spec}


def _pairs(text: str) -> dict[str, str]:
    out = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise InvalidArgument(f"glue/node_selector must be key=value[,key=value]; got {text!r}")
        out[key.strip()] = value.strip()
    return out


def _true(conditions: Sequence[Mapping[str, Any]] | None, kind: str) -> Mapping[str, Any] | None:
    for c in conditions or ():
        if c.get("type") == kind and str(c.get("status")) == "True":
            return c
    return None


def _why(part: Mapping[str, Any]) -> str:
    reason, message = str(part.get("reason") or ""), str(part.get("message") or "").strip()
    return f"{reason}: {message}" if reason and message else reason or message


def job_state(job: Mapping[str, Any] | None, pods: Sequence[Mapping[str, Any]], job_name: str) -> jobs.JobState:
    """A Job and its pods (API JSON) as a :class:`JobState`; ``job`` None: the Job is gone (deleted)."""
    if job is None:
        return jobs.JobState(job_name, jobs.CANCELLED, "the Job was deleted")
    status = job.get("status") or {}
    conditions = status.get("conditions") or []
    pod = max(pods, key=lambda p: str((p.get("metadata") or {}).get("creationTimestamp") or ""), default=None)
    pod_state = _pod_state(job_name, pod) if pod is not None else None
    if (job.get("metadata") or {}).get("deletionTimestamp"):
        return jobs.JobState(job_name, jobs.CANCELLED, "the Job is being deleted")
    if _true(conditions, "Complete") or _true(conditions, "SuccessCriteriaMet"):
        return jobs.JobState(job_name, jobs.SUCCEEDED, "Complete", pod_state.node if pod_state else "", 0)
    failed = _true(conditions, "Failed") or _true(conditions, "FailureTarget")
    if failed is not None:
        if failed.get("reason") == "DeadlineExceeded":
            return jobs.JobState(job_name, jobs.TIMEOUT, _why(failed), pod_state.node if pod_state else "")
        if pod_state is not None and not pod_state.active and pod_state.phase != jobs.SUCCEEDED:
            return pod_state  # the pod says better why: OOMKilled, Evicted, preempted
        return jobs.JobState(job_name, jobs.FAILED, _why(failed), pod_state.node if pod_state else "")
    if _true(conditions, "Suspended"):
        return jobs.JobState(job_name, jobs.PENDING, "Suspended")
    if pod_state is not None:
        return pod_state
    return jobs.JobState(job_name, jobs.PENDING, "no pod yet")


def _pod_state(job_name: str, pod: Mapping[str, Any]) -> jobs.JobState:
    status = pod.get("status") or {}
    node = str((pod.get("spec") or {}).get("nodeName") or "")
    phase = str(status.get("phase") or "Pending")
    statuses = status.get("containerStatuses") or []
    terminated = next(((s.get("state") or {}).get("terminated") for s in statuses
                       if (s.get("state") or {}).get("terminated")), None)
    disruption = _true(status.get("conditions"), "DisruptionTarget")
    code = terminated.get("exitCode") if terminated else None
    if (pod.get("metadata") or {}).get("deletionTimestamp") and phase in ("Pending", "Running"):
        return jobs.JobState(job_name, jobs.CANCELLED, "the pod is being deleted", node)
    if phase == "Pending":
        unschedulable = next((c for c in status.get("conditions") or () if c.get("type") == "PodScheduled"
                              and str(c.get("status")) == "False"), None)
        waiting = next(((s.get("state") or {}).get("waiting") for s in statuses
                        if (s.get("state") or {}).get("waiting")), None)
        if waiting and waiting.get("reason") in START_FAILURES:
            return jobs.JobState(job_name, jobs.FAILED, _why(waiting), node)
        cause = waiting or unschedulable
        return jobs.JobState(job_name, jobs.PENDING, _why(cause) if cause else "Pending", node)
    if phase == "Running":
        return jobs.JobState(job_name, jobs.RUNNING, "", node)
    if phase == "Succeeded":
        return jobs.JobState(job_name, jobs.SUCCEEDED, "Succeeded", node, 0)
    if phase == "Failed" or phase == "Unknown":
        if terminated and terminated.get("reason") == "OOMKilled":
            return jobs.JobState(job_name, jobs.OUT_OF_MEMORY, "OOMKilled", node, code)
        reason = str(status.get("reason") or "")
        if disruption is not None:
            cause = str(disruption.get("reason") or "")
            kind = jobs.PREEMPTED if cause == "PreemptionByScheduler" else jobs.NODE_LOST \
                if cause in ("DeletionByTaintManager", "TerminationByKubelet") else jobs.CANCELLED
            return jobs.JobState(job_name, kind, _why(disruption), node, code)
        if reason == "DeadlineExceeded":
            return jobs.JobState(job_name, jobs.TIMEOUT, _why(status), node, code)
        if reason in ("NodeLost", "NodeShutdown", "Terminated") or phase == "Unknown":
            return jobs.JobState(job_name, jobs.NODE_LOST, _why(status) or "the node stopped answering", node, code)
        if reason == "Evicted":
            return jobs.JobState(job_name, jobs.PREEMPTED, _why(status), node, code)
        words = _why(terminated) if terminated else _why(status)
        return jobs.JobState(job_name, jobs.FAILED, words or "Failed", node, code)
    return jobs.JobState(job_name, jobs.PENDING, phase, node)
