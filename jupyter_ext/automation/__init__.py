"""``from jupyter_ext.automation import PipelineController`` (ClearML's ``clearml.automation``)."""
from __future__ import annotations

from ..sdk.pipeline_controller import PipelineController
from ..sdk.pipeline_decorator import PipelineDecorator

__all__ = ["PipelineController", "PipelineDecorator"]
