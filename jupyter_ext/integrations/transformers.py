"""Hugging Face ``Trainer``: what it logs (loss, learning rate, eval metrics …) is reported to
the task, with the names ClearML's own Trainer callback uses: title ``train`` / ``eval`` /
``test``, series the metric, iteration the global step; run totals (``train_runtime``,
``train_loss``, ``epoch`` …) as single values.

A callback is added to every ``Trainer`` made while a task runs, unless the Trainer already
reports to TensorBoard (the ``tensorboard`` integration carries that) or to ClearML.
"""
from __future__ import annotations

from types import ModuleType
from typing import Any

from jupyter_ext.integrations._state import patch, task_for, warn

KEY = "transformers"
SINGLE_VALUES = ("train_runtime", "train_samples_per_second", "train_steps_per_second", "train_loss",
                 "total_flos", "epoch")


def report_logs(logger: Any, logs: dict[str, Any], step: int) -> None:
    for name, value in logs.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if name in SINGLE_VALUES:
            logger.report_single_value(name, value)
        elif name.startswith(("eval_", "test_")):
            prefix, _, metric = name.partition("_")
            logger.report_scalar(prefix, metric, value, step)
        else:
            logger.report_scalar("train", name, value, step)


def patch_trainer(module: ModuleType) -> None:
    from transformers import TrainerCallback

    class ReportToTask(TrainerCallback):  # type: ignore[misc]  # transformers is not followed: see pyproject.toml
        def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kwargs: Any) -> None:
            task = task_for(KEY)
            if task is None or not logs or not state.is_world_process_zero:
                return
            try:
                report_logs(task.get_logger(), dict(logs), int(state.global_step))
            except Exception as exc:  # noqa: BLE001 - a hook must never break the user's training
                warn("reporting Trainer logs", exc)

    def make_init(original: Any) -> Any:
        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            original(self, *args, **kwargs)
            if task_for(KEY) is None:
                return
            targets = getattr(getattr(self, "args", None), "report_to", None) or []
            if not any(t in ("tensorboard", "clearml") for t in targets):
                self.add_callback(ReportToTask())
        return __init__

    patch(module.Trainer, "__init__", make_init)
