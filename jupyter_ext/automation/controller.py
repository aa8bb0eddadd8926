"""``from jupyter_ext.automation.controller import PipelineController, PipelineDecorator`` (ClearML's
``clearml.automation.controller``)."""
from __future__ import annotations

from jupyter_ext.sdk.pipelines.controller import PipelineController
from jupyter_ext.sdk.pipelines.decorator import PipelineDecorator

__all__ = ["PipelineController", "PipelineDecorator"]
