"""Fill a tracker home with what the UI tests look at, through the public SDK.

    JUPYTER_TRACK_HOME=/tmp/x python seed.py

Two completed training runs in "UI Demo/Baseline" (scalars, parameters, a plot, a debug image,
artifacts, console, an output model), one draft, a model with versions, metadata and metrics of its
own, and a dataset with two versions; then, through
the Backend, queues with waiting tasks, a worker running one, and a pipeline run part way through.
Prints the ids as JSON on the last line.
"""
from __future__ import annotations

import json
import math
import os
import sys
import tempfile


def run(name: str, lr: float, tags: list[str]) -> str:
    import numpy as np
    import pandas as pd

    from jupyter_ext import OutputModel, Task

    task = Task.init(project_name="UI Demo/Baseline", task_name=name, tags=tags, task_type="training")
    params = task.connect({"lr": lr, "batch_size": 32, "optimizer": "adam"})
    task.connect_configuration({"layers": [64, 32], "dropout": 0.1}, name="model")
    logger = task.get_logger()
    for i in range(50):
        logger.report_scalar("loss", "train", math.exp(-i * params["lr"] * 10) + 0.01 * (i % 3), i)
        logger.report_scalar("loss", "validation", math.exp(-i * params["lr"] * 8) + 0.05, i)
        logger.report_scalar("accuracy", "validation", 1 - math.exp(-i * params["lr"] * 9), i)
    logger.report_single_value("Best accuracy", round(1 - math.exp(-49 * lr * 9), 4))
    logger.report_histogram("weights", "layer1", np.random.default_rng(0).normal(size=200), iteration=49)
    image = (np.arange(64 * 64).reshape(64, 64) % 255).astype("uint8")
    logger.report_image("samples", "digits", iteration=49, image=image)
    print(f"epoch 49: loss {math.exp(-49 * lr * 10):.4f}")
    task.upload_artifact("summary", {"lr": lr, "epochs": 50})
    task.upload_artifact("predictions", pd.DataFrame({"id": [1, 2, 3], "label": ["cat", "dog", "cat"]}))
    with tempfile.TemporaryDirectory() as tmp:
        weights = os.path.join(tmp, "model.bin")
        with open(weights, "wb") as fh:
            fh.write(os.urandom(256))
        OutputModel(task=task, framework="PyTorch", name=f"{name} model").update_weights(weights)
        task.close()
    return task.id


def model_registry(task_id: str) -> str:
    """A model with all its details page shows: design, labels, typed metadata, a parent, two
    versions of stored weights, and its own metrics (curves and single values)."""
    from jupyter_ext import Model, OutputModel, Task

    task = Task.get_task(task_id=task_id)
    parent = task.models["output"][0].id
    # As in ClearML, base_model_id continues a draft model; a published one gets a child (the lineage shown)
    Model(model_id=parent).publish()
    model = OutputModel(task=task, name="resnet classifier", framework="PyTorch", tags=["resnet", "candidate"],
                        comment="ResNet-18 fine-tuned on digits v2.\nCandidate for the next release.",
                        config_dict={"arch": "resnet18", "layers": [2, 2, 2, 2], "dropout": 0.2,
                                     "input": {"size": 224, "channels": 3}},
                        label_enumeration={"background": 0, "cat": 1, "dog": 2}, base_model_id=parent)
    with tempfile.TemporaryDirectory() as tmp:
        for iteration, size in ((10, 128), (20, 256)):
            weights = os.path.join(tmp, f"resnet-{iteration}.pt")
            with open(weights, "wb") as fh:
                fh.write(os.urandom(size))
            model.update_weights(weights, iteration=iteration, update_comment=False)
    for key, value in (("accuracy", 0.912), ("epochs", 20), ("dataset", "digits v2"), ("augment", True)):
        model.set_metadata(key, value)
    for i in range(1, 11):
        model.report_scalar("loss", "train", round(math.exp(-i / 3), 4), i)
        model.report_scalar("loss", "validation", round(math.exp(-i / 4) + 0.05, 4), i)
        model.report_scalar("accuracy", "validation", round(1 - math.exp(-i / 3), 4), i)
    model.report_single_value("test accuracy", 0.912)
    model.report_single_value("F1", 0.887)
    model.flush()
    return model.id


def dataset() -> list[str]:
    from jupyter_ext import Dataset

    ids = []
    with tempfile.TemporaryDirectory() as tmp:
        for version, files in (("1", ["a.csv", "b.csv"]), ("2", ["a.csv", "b.csv", "c.csv"])):
            folder = os.path.join(tmp, f"v{version}")
            os.makedirs(folder)
            for f in files:
                with open(os.path.join(folder, f), "w") as fh:
                    fh.write(f"x,y\n1,{version}\n" if f != "b.csv" or version == "1" else "x,y\n9,9\n")
            ds = Dataset.create(dataset_name="digits", dataset_project="UI Demo",
                                parent_datasets=ids[-1:] or None)
            ds.add_files(folder)
            ds.upload(show_progress=False)
            ds.finalize()
            ids.append(ds.id)
    return ids


def queues_and_pipeline() -> dict[str, object]:
    """Queues `default` (three drafts waiting) and `gpu`; worker `ui-host:w1` listening to both
    and running `gpu job`; a pipeline run with finished, running, failed and pending steps."""
    import time

    from jupyter_ext.sdk._session import backend
    from jupyter_ext.store.rows import ConfigRow

    be = backend()
    be.create_queue("gpu")
    gpu_job = be.create_task({"project": "UI Demo/Queue", "name": "gpu job", "type": "training"}).id
    be.enqueue_task(gpu_job, "gpu")
    waiting = []
    for n in (1, 2, 3):
        task = be.create_task({"project": "UI Demo/Queue", "name": f"queued job {n}", "type": "training"})
        be.enqueue_task(task.id)  # no queue: `default`, made on first use
        waiting.append(task.id)
    worker = "ui-host:w1"
    be.register_worker(worker, ["default", "gpu"], {"host": "ui-host", "pid": 1, "user": "tester", "cpu_count": 2})
    # The worker is told to prefer `gpu`: it takes `gpu job` and leaves `default` alone.
    taken = be.pop_next_task(worker, ["gpu"])
    assert taken is not None and taken.id == gpu_job, taken
    be.worker_heartbeat(worker, gpu_job, {"cpu_percent": 42.0})

    run = be.create_task({"project": "UI Demo/Pipelines", "name": "nightly training", "type": "controller",
                          "status": "in_progress", "system_tags": ["pipeline"]})
    dag = [("prepare_data", []), ("train_small", ["prepare_data"]), ("train_large", ["prepare_data"]),
           ("train_huge", ["prepare_data"]), ("evaluate", ["train_small", "train_large", "train_huge"]),
           ("report", ["evaluate"])]
    ends = {"prepare_data": "completed", "train_small": "completed", "train_huge": "failed",
            "train_large": "in_progress"}
    steps: dict[str, str] = {}
    for name, _parents in dag:
        if name not in ends:
            continue  # not started yet: a node without a task
        steps[name] = be.create_task({"project": "UI Demo/Pipelines", "name": name, "type": "training",
                                      "status": "in_progress", "parent_id": run.id,
                                      "system_tags": ["pipeline-step"]}).id
    time.sleep(1.2)  # finished steps read with a duration that is not zero
    for name, end in ends.items():
        if end != "in_progress":
            be.set_task_status(steps[name], end)
    doc = {"version": 1, "nodes": [{"name": name, "parents": parents, "kind": "task", "queue": "default",
                                    "task_id": steps.get(name), "state": "launched" if name in steps else "pending"}
                                   for name, parents in dag]}
    be.set_configuration(run.id, ConfigRow(name="Pipeline", type="json", text=json.dumps(doc)))
    return {"queued": waiting, "gpu_job": gpu_job, "worker": worker, "pipeline": run.id, "steps": steps}


def sweep() -> list[str]:
    """Twelve runs of a sweep in "UI Demo/Sweep" (lr, depth and optimizer differ; batch_size does
    not): curves, a monitor series in % and one in GB, debug images at three iterations, a
    confusion matrix, and an execution (commit, diff, packages) that differs. The compare view
    draws the first ten and lists the last two."""
    import numpy as np

    from jupyter_ext import Task
    from jupyter_ext.sdk._session import backend

    ids = []
    for n in range(12):
        lr = round(0.005 * (n + 1), 3)
        depth = 2 + n % 4
        task = Task.init(project_name="UI Demo/Sweep", task_name=f"sweep {n:02d} lr={lr}", task_type="training",
                         auto_resource_monitoring=False, auto_connect_frameworks=False)
        task.connect({"lr": lr, "depth": depth, "optimizer": "adam" if n % 3 else "sgd", "batch_size": 64})
        logger = task.get_logger()
        for i in range(0, 40):
            logger.report_scalar("loss", "train", math.exp(-i * lr * 4) * (1 + 0.02 * depth), i)
            logger.report_scalar("loss", "validation", math.exp(-i * lr * 3) + 0.04 * depth, i)
            logger.report_scalar("accuracy", "validation", (1 - math.exp(-i * lr * 3.5)) * (0.9 + 0.02 * depth), i)
            logger.report_scalar(":monitor:machine", "cpu_usage", 40 + (i * 7 + n) % 50, i)
            logger.report_scalar(":monitor:machine", "memory_used_gb", 1.5 + 0.01 * i, i)
        for it in (0, 10, 20):
            shade = int(255 * (it / 20))
            image = np.zeros((48, 48, 3), dtype="uint8")
            image[:, :, 0] = shade
            image[: 8 + 3 * n, :, 1] = 200
            logger.report_image("predictions", "digit", iteration=it, image=image)
        matrix = np.array([[30 - n, n], [2 + n % 3, 28 - n % 3]])
        logger.report_confusion_matrix("confusion", "validation", matrix=matrix, iteration=39,
                                       xlabels=["cat", "dog"], ylabels=["cat", "dog"])
        task.close()
        ids.append(task.id)
    # The execution is written once every run's own capture (git, packages) is stored, so it stays.
    for n, task_id in enumerate(ids):
        depth = 2 + n % 4
        backend().update_task(task_id, {"script": {
            "repository": "https://example.com/team/digits.git", "branch": "main",
            "version_num": f"{'abc123' if n % 2 else 'def456'}0000000000000000000000000000000000",
            "entry_point": "train.py", "working_dir": ".", "binary": "python3.11",
            "diff": "" if n % 2 else f"--- a/train.py\n+++ b/train.py\n@@ -1 +1 @@\n-depth = 2\n+depth = {depth}\n",
            "requirements": {"pip": "numpy==2.1.0\ntorch==2.4.0\n" + ("pandas==2.2.0\n" if n % 2 else "")}}})
    return ids


def page_fixtures(sweep_ids: list[str]) -> dict[str, str]:
    """What the task and model page tests change: a draft of the sweep's first run, a model with
    stored weights and metadata, and one registered only by URL (its size is not known)."""
    from jupyter_ext import OutputModel, Task

    source = Task.get_task(task_id=sweep_ids[0])
    draft = Task.clone(source_task=source, name="sweep draft")
    with tempfile.TemporaryDirectory() as tmp:
        weights = os.path.join(tmp, "sweep.pt")
        with open(weights, "wb") as fh:
            fh.write(os.urandom(512))
        editable = OutputModel(task=source, name="sweep model", framework="PyTorch", tags=["sweep"])
        editable.update_weights(weights)
        editable.set_metadata("score", 0.75)
        editable.set_metadata("note", "first")
    remote = OutputModel(task=source, name="url only model", framework="PyTorch")
    remote.update_weights(register_uri="s3://models-bucket/sweep/model.pt")
    editable.flush()
    remote.flush()
    return {"sweep_draft": draft.id, "sweep_model": editable.id, "url_model": remote.id}


def main() -> None:
    from jupyter_ext import Task

    first = run("baseline lr=0.01", 0.01, ["baseline"])
    second = run("tuned lr=0.03", 0.03, ["tuned"])
    draft = Task.clone(source_task=Task.get_task(task_id=first), name="draft to edit")
    model = model_registry(first)
    datasets = dataset()
    remote = queues_and_pipeline()
    swept = sweep()
    pages = page_fixtures(swept)
    print(json.dumps({"tasks": [first, second], "draft": draft.id, "model": model, "datasets": datasets,
                      "sweep": swept, **pages, **remote}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
