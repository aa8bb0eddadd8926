"""``from jupyter_ext.automation import PipelineController`` (ClearML's ``clearml.automation``)."""
from __future__ import annotations

from jupyter_ext.sdk.pipelines.controller import PipelineController
from jupyter_ext.sdk.pipelines.decorator import PipelineDecorator

__all__ = ["PipelineController", "PipelineDecorator"]
