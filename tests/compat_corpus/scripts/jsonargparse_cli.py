"""jsonargparse: every parsed value is an Arg."""
from jsonargparse import CLI

from jupyter_ext import Task


def fit(model: str = "small", epochs: int = 1, lr: float = 0.1):
    """Fit a model."""
    print(f"FIT={model},{epochs},{lr}")


if __name__ == "__main__":
    Task.init(project_name="Corpus", task_name="jsonargparse")
    CLI(fit)
