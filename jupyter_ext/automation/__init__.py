"""``from jupyter_ext.automation import ...``: pipelines, hyperparameter search, schedules and
triggers, under ClearML's names (``clearml.automation``)."""
from __future__ import annotations

from jupyter_ext.sdk.automation.optimizer import HyperParameterOptimizer
from jupyter_ext.sdk.automation.parameters import (
    DiscreteParameterRange,
    LogUniformParameterRange,
    Parameter,
    ParameterSet,
    UniformIntegerParameterRange,
    UniformParameterRange,
)
from jupyter_ext.sdk.automation.scheduler import TaskScheduler
from jupyter_ext.sdk.automation.search import GridSearch, RandomSearch, SearchStrategy
from jupyter_ext.sdk.automation.triggers import TriggerScheduler
from jupyter_ext.sdk.pipelines.controller import PipelineController
from jupyter_ext.sdk.pipelines.decorator import PipelineDecorator

__all__ = [
    "DiscreteParameterRange", "GridSearch", "HyperParameterOptimizer", "LogUniformParameterRange", "Parameter",
    "ParameterSet", "PipelineController", "PipelineDecorator", "RandomSearch", "SearchStrategy",
    "TaskScheduler", "TriggerScheduler", "UniformIntegerParameterRange", "UniformParameterRange",
]
