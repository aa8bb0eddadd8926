"""A Hugging Face Trainer reports what it logs to the task (a tiny model built from a config:
nothing is downloaded)."""
from __future__ import annotations

from typing import Any

from .conftest import PRELUDE, result_of


def test_trainer_logs_become_scalars_and_single_values(run_py: Any, stored: Any) -> None:
    proc = run_py.run(PRELUDE + """
import torch
from transformers import Trainer, TrainingArguments

class Data(torch.utils.data.Dataset):
    def __len__(self):
        return 16
    def __getitem__(self, i):
        return {"x": torch.tensor([float(i % 4), 1.0]), "labels": torch.tensor([float(i % 2)])}

class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = torch.nn.Linear(2, 1)
    def forward(self, x, labels=None):
        out = self.layer(x)
        return {"loss": torch.nn.functional.mse_loss(out, labels), "logits": out}

task = Task.init(project_name="Auto", task_name="hf")
args = TrainingArguments(output_dir="hf_out", num_train_epochs=2, per_device_train_batch_size=4,
                         logging_steps=2, eval_strategy="epoch", save_strategy="no", report_to="none",
                         use_cpu=True, disable_tqdm=True)
Trainer(model=Net(), args=args, train_dataset=Data(), eval_dataset=Data()).train()
done(task)
""", timeout=240)
    task = stored(result_of(proc)["id"])
    curves = task.get_reported_scalars()
    assert curves["train"]["loss"]["x"] == [2, 4, 6, 8]
    assert "learning_rate" in curves["train"]
    assert curves["eval"]["loss"]["x"] == [4, 8]
    singles = task.get_reported_single_values()
    assert singles["epoch"] == 2.0 and singles["train_runtime"] > 0 and "train_loss" in singles
