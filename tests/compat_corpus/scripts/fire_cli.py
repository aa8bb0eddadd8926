"""python-fire: the command's own arguments are the task's Args, not fire's flags."""
import fire

from jupyter_ext import Task


def train(epochs=1, lr=0.01, name="run"):
    print(f"TRAINED={epochs},{lr},{name}")


if __name__ == "__main__":
    Task.init(project_name="Corpus", task_name="fire")
    fire.Fire(train)
