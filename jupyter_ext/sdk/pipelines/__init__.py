"""Pipelines: PipelineController, PipelineDecorator and the engine that runs their steps."""
