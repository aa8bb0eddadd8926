"""Fill a tracker home with what the UI tests look at, through the public SDK.

    JUPYTER_TRACK_HOME=/tmp/x python seed.py

Two completed training runs in "UI Demo/Baseline" (scalars, parameters, a plot, a debug image,
artifacts, console, an output model), one draft, and a dataset with two versions. Prints the
ids as JSON on the last line.
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


def main() -> None:
    from jupyter_ext import Task

    first = run("baseline lr=0.01", 0.01, ["baseline"])
    second = run("tuned lr=0.03", 0.03, ["tuned"])
    draft = Task.clone(source_task=Task.get_task(task_id=first), name="draft to edit")
    datasets = dataset()
    print(json.dumps({"tasks": [first, second], "draft": draft.id, "datasets": datasets}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
