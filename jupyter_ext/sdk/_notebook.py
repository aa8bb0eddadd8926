"""The SDK's one door to the notebook face: rich displays of tasks, artifacts, models, datasets
and pipelines, whose code lives in ``jupyter_ext.notebook`` (a layer above) and is imported only
when a notebook asks for it, so a plain script never loads IPython or the widgets.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def show_task(task: Any) -> None:
    """Display the live scalar plot of ``task``."""
    from jupyter_ext.notebook.display import show_task as show

    show(task)


def task_bundle(task: Any) -> dict[str, Any]:
    from jupyter_ext.notebook.display import task_mimebundle

    return task_mimebundle(task)


def show_preview(obj: Any) -> None:
    """Display the preview of an Artifact, Model or Dataset."""
    from jupyter_ext.notebook.preview import show

    show(obj)


def artifact_bundle(artifact: Any) -> dict[str, Any]:
    from jupyter_ext.notebook.preview import artifact_bundle as bundle

    return bundle(artifact)


def model_bundle(model: Any) -> dict[str, Any]:
    from jupyter_ext.notebook.preview import model_bundle as bundle

    return bundle(model)


def dataset_bundle(dataset: Any) -> dict[str, Any]:
    from jupyter_ext.notebook.preview import dataset_bundle as bundle

    return bundle(dataset)


def pipeline_html(view: Mapping[str, Any]) -> str:
    from jupyter_ext.notebook.pipeline_view import pipeline_html as html

    return html(view)


def show_optimizer(opt: Any) -> None:
    """Display a HyperParameterOptimizer's trials, updated in place while it runs."""
    from jupyter_ext.notebook.optimizer_view import show_optimizer as show

    show(opt)


def optimizer_html(opt: Any) -> str:
    from jupyter_ext.notebook.optimizer_view import optimizer_html as html

    return html(opt)
