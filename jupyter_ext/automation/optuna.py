"""``from jupyter_ext.automation.optuna import OptimizerOptuna`` (ClearML's ``clearml.automation.optuna``)."""
from __future__ import annotations

from jupyter_ext.sdk.automation.optuna_search import OptimizerOptuna

__all__ = ["OptimizerOptuna"]
