"""The models of a task: ``task.models`` and ``task.update_output_model``."""
from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk.tasks._host import TaskPart

if TYPE_CHECKING:
    from jupyter_ext.sdk.models.model import ModelList
    from jupyter_ext.sdk.tasks.task import Task


class ModelsMixin(TaskPart):
    @property
    def models(self) -> dict[str, ModelList]:
        """``{"input": [...], "output": [...]}``: the models this task used and made, oldest
        first. Each list is also indexed by model name: ``task.models["output"]["MyModel"]``."""
        from jupyter_ext.sdk.models.base import sync
        from jupyter_ext.sdk.models.model import ModelList

        sync()
        found = session.backend().get_task_models(self.id)
        return {"input": ModelList.of(found["input"]), "output": ModelList.of(found["output"])}

    def get_models(self) -> dict[str, ModelList]:
        """The same as :attr:`models`."""
        return self.models

    def update_output_model(self, model_path: str | os.PathLike[str] | None = None, name: str | None = None,
                            comment: str | None = None, tags: Sequence[str] | None = None,
                            model_name: str | None = None, iteration: int | None = None,
                            auto_delete_file: bool = True, *, filepath: str | os.PathLike[str] | None = None) -> str:
        """Store a weights file (or a folder, zipped; or a remote URI, registered) as the next
        version of this task's output model, and return its URI.

        >>> task.update_output_model(model_path="best_model.pth", model_name="MyModel")
        >>> task.update_output_model(filepath="best_model.pth", model_name="MyModel")   # the guide's spelling

        The model is named ``model_name``, else "<task name> - <name>", else the task's name;
        ``name`` is also its key in ``task.models["output"]``. Unlike ClearML, which makes a new
        model on every call, repeated calls add versions 1, 2, 3 … of the same model, and your
        file is never deleted (``auto_delete_file`` only concerns temporary copies).
        """
        if (model_path is None) == (filepath is None):
            raise InvalidArgument("update_output_model needs model_path= (or filepath=, as the guide writes), not both")
        path = os.fspath(cast("str | os.PathLike[str]", model_path if model_path is not None else filepath))
        from jupyter_ext.sdk.models.output import OutputModel

        task = cast("Task", self)
        title = model_name or (f"{self.name} - {name}" if name else self.name)
        model = OutputModel(task=task, name=title, tags=tags, comment=comment)
        if name:
            model.connect(task, name=name)
        kwargs: dict[str, Any] = {"iteration": iteration, "auto_delete_file": auto_delete_file}
        if "://" in path and not path.startswith("file://"):
            return model.update_weights(register_uri=path, **kwargs)
        return model.update_weights(weights_filename=path, **kwargs)
