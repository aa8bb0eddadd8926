"""The model registry: Model, InputModel, OutputModel and a model's own metrics."""
