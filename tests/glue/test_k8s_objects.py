"""Kubernetes Jobs from recorded API objects (tests/glue/k8s_api/*.json, as the API returns them):
what each means for the task, read both as plain JSON and through the client's own models; and
the Job manifest a task gets from a Pod or Job template, checked by the client's V1Job model."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.core.rules import launched_jobs as jobs
from jupyter_ext.errors import InvalidArgument
from jupyter_ext.glue import k8s_objects as objects
from jupyter_ext.glue.launcher import JobRequest

kubernetes = pytest.importorskip("kubernetes", reason="the glue extra (pip install 'jupyter-ext[glue]')")

RECORDED = sorted((Path(__file__).parent / "k8s_api").glob("*.json"))
NAME = "track-4f1c2a9be0d34e5f8a6b7c8d9e0f1a2b"


def _through_models(case: dict[str, Any]) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The objects as glue/k8s.py sees them: parsed into the client's models, serialised back."""
    api = kubernetes.client.ApiClient()
    job = case["job"] and api.sanitize_for_serialization(kubernetes.client.V1Job.from_dict(case["job"]))
    pods = [api.sanitize_for_serialization(kubernetes.client.V1Pod.from_dict(p)) for p in case["pods"]]
    return job, pods


@pytest.mark.parametrize("path", RECORDED, ids=[p.stem for p in RECORDED])
def test_recorded_job_states(path: Path) -> None:
    case = json.loads(path.read_text())
    for job, pods in ((case["job"], case["pods"]), _through_models(case)):
        state = objects.job_state(job, pods, NAME)
        assert state.job_id == NAME
        for key, value in case["expect"].items():
            assert getattr(state, key) == value, (path.stem, key, state)


def test_what_the_recorded_ends_make_of_a_running_task() -> None:
    def end(stem: str) -> jobs.Ending | None:
        case = json.loads((Path(__file__).parent / "k8s_api" / f"{stem}.json").read_text())
        return jobs.ending("k8s", objects.job_state(case["job"], case["pods"], NAME), "in_progress", "")

    assert end("oom_killed") == jobs.Ending("failed", f"k8s job {NAME} ran out of memory (OOMKilled)")
    assert end("preempted") == jobs.Ending(
        "stopped", f"k8s job {NAME} was preempted (PreemptionByScheduler: Preempted in order to admit critical pod)")
    assert end("deleted") == jobs.Ending("stopped", f"k8s job {NAME} was cancelled (the Job was deleted)")
    assert end("deadline_exceeded").status == "failed"  # type: ignore[union-attr]
    assert "ran over its time limit" in end("deadline_exceeded").reason  # type: ignore[union-attr]
    assert end("failed_exit") == jobs.Ending("failed", f"k8s job {NAME} failed (Error), exit code 2")
    assert end("node_lost").reason.startswith(f"k8s job {NAME} lost its node (DeletionByTaintManager")  # type: ignore[union-attr]
    assert end("running") is None and end("pending_image_pull") is None
    assert end("complete") == jobs.Ending("failed", f"k8s job {NAME} ended (Complete) but the task never reported "
                                                    "its end")


def _request(**overrides: str) -> JobRequest:
    return JobRequest(task_id=NAME[6:], task_name="train resnet", project="vision", queue="default", job_name=NAME,
                      command=("jupyter", "track", "agent", "execute", "--no-echo", "--id", NAME[6:]),
                      launcher="login-1:glue-k8s-default", overrides=overrides)


POD = {"apiVersion": "v1", "kind": "Pod",
       "metadata": {"labels": {"team": "vision"}},
       "spec": {"containers": [{"name": "trainer", "image": "registry.example/ml/train:3.1",
                                "envFrom": [{"secretRef": {"name": "track-api-key"}}],
                                "resources": {"limits": {"memory": "8Gi"}}}],
                "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "datasets"}}]}}


def test_a_pod_template_becomes_a_job_running_the_task_once() -> None:
    manifest = objects.job_manifest(POD, _request(), namespace="ml", ttl_seconds=600)
    model = kubernetes.client.V1Job.from_dict(manifest)  # the client accepts it as a Job
    assert model.metadata.name == NAME and model.metadata.namespace == "ml"
    assert manifest["spec"]["backoffLimit"] == 0 and manifest["spec"]["ttlSecondsAfterFinished"] == 600
    labels = manifest["metadata"]["labels"]
    assert labels[objects.LABEL_TASK] == NAME[6:] and labels[objects.LABEL_LAUNCHER] == "login-1-glue-k8s-default"
    pod = manifest["spec"]["template"]
    assert pod["metadata"]["labels"]["team"] == "vision" and pod["metadata"]["labels"][objects.LABEL_TASK] == NAME[6:]
    spec = pod["spec"]
    assert spec["restartPolicy"] == "Never" and spec["volumes"] == POD["spec"]["volumes"]
    main = spec["containers"][0]
    assert main["command"] == list(_request().command) and main["image"] == "registry.example/ml/train:3.1"
    assert main["envFrom"] == [{"secretRef": {"name": "track-api-key"}}]
    assert manifest["metadata"]["annotations"]["jupyter-track/task-name"] == "train resnet"
    assert POD["spec"]["containers"][0].get("command") is None  # the template itself is untouched


def test_the_tasks_overrides_and_a_command_place_in_a_job_template() -> None:
    template = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"labels": {"cost-center": "42"}},
                "spec": {"activeDeadlineSeconds": 14400, "template": {"spec": {"containers": [{
                    "name": "task", "image": "python:3.12", "command": ["/bin/sh", "-c"],
                    "args": ["pip install -q jupyter-ext && {{ command }}"]}]}}}}
    manifest = objects.job_manifest(template, _request(image="registry.example/big:1", cpu="8", memory="32Gi",
                                                       gpus="2", node_selector="gpu=a100,zone=b"), namespace="ml")
    kubernetes.client.V1Job.from_dict(manifest)
    assert manifest["spec"]["activeDeadlineSeconds"] == 14400 and manifest["metadata"]["labels"]["cost-center"] == "42"
    spec = manifest["spec"]["template"]["spec"]
    main = spec["containers"][0]
    assert main["command"] == ["/bin/sh", "-c"]
    assert main["args"] == ["pip install -q jupyter-ext && jupyter track agent execute --no-echo --id " + NAME[6:]]
    assert main["image"] == "registry.example/big:1"
    assert main["resources"] == {"requests": {"cpu": "8", "memory": "32Gi"},
                                 "limits": {"cpu": "8", "memory": "32Gi", "nvidia.com/gpu": "2"}}
    assert spec["nodeSelector"] == {"gpu": "a100", "zone": "b"}


def test_templates_that_cannot_make_a_job_say_why() -> None:
    with pytest.raises(InvalidArgument, match="needs a container image"):
        objects.job_manifest({"kind": "Pod", "spec": {"containers": [{"name": "x"}]}}, _request(), namespace="ml")
    with pytest.raises(InvalidArgument, match="Pod or a Job manifest"):
        objects.job_manifest({"kind": "Deployment", "spec": {}}, _request(), namespace="ml")
    with pytest.raises(InvalidArgument, match="key=value"):
        objects.job_manifest(POD, _request(node_selector="a100"), namespace="ml")
    assert objects.label_value("host.example:glue/k8s default!") == "host.example-glue-k8s-default"
    assert len(objects.label_value("x" * 100)) == 63
