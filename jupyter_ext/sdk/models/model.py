"""Models in the registry, with ClearML's names: ``Model`` (find, download, publish, archive,
remove), ``InputModel`` (a model a task starts from) and ``Framework``. ``OutputModel`` (a model
a task makes and uploads) is in ``output_model.py``; the parts all three share are in
``model_base.py``.

    from jupyter_ext import Model
    model = Model.get(model_id="e3b3bf9f4b834f4db2f3c9cbbd43a123")
    local_path = model.get_local_copy()
    Model.get(project_name="Demo Project", model_name="MyModel", version=1)

A model keeps numbered versions of its weights (1, 2, 3 …). A ``Model`` object shows the
latest one, or the one asked for with ``Model.get(..., version=n)``.
"""
from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, SupportsIndex, overload

from jupyter_ext.errors import InvalidArgument, NotFound, TrackError
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk.models.base import BaseModel, design_text, label_map, sync

if TYPE_CHECKING:
    from typing import Self  # 3.11+, and only read by the type checker here

    from jupyter_ext.sdk.models.output import OutputModel
    from jupyter_ext.sdk.tasks.task import Task
    from jupyter_ext.store.rows import ModelRow

__all__ = ["Framework", "InputModel", "Model", "ModelList", "OutputModel"]


class Framework:
    """The frameworks a model can name (ClearML's ``Framework``). Other spellings of these are
    accepted too (``"PyTorch"``, ``"scikit-learn"``, ``"TensorFlow Lite"``); an unknown name
    raises ``InvalidArgument`` listing the known ones."""

    caffe = "caffe"
    caffe2 = "caffe2"
    catboost = "catboost"
    cntk = "cntk"
    darknet = "darknet"
    keras = "keras"
    lightgbm = "lightgbm"
    megengine = "megengine"
    mknet = "mknet"
    onnx = "onnx"
    openvino = "openvino"
    paddlepaddle = "paddlepaddle"
    parquet = "parquet"
    pytorch = "pytorch"
    scikitlearn = "scikitlearn"
    tensorflow = "tensorflow"
    tensorflowjs = "tensorflowjs"
    tensorflowlite = "tensorflowlite"
    tensorrt = "tensorrt"
    torch = "torch"
    torchscript = "torchscript"
    xgboost = "xgboost"
    custom = "custom"

    @classmethod
    def all(cls) -> list[str]:
        """Every framework name, sorted."""
        return sorted(v for k, v in vars(cls).items() if not k.startswith("_") and isinstance(v, str))


class Model(BaseModel):
    """A registered model, read from the store: its weights, design, labels, metadata, lineage.

    >>> model = Model(model_id="…")          # or Model.get(model_id="…"), as the guide writes
    >>> model.name, model.version, model.framework, model.tags, model.task, model.parent
    >>> torch.load(model.get_local_copy())
    """

    def __init__(self, model_id: str) -> None:
        if not isinstance(model_id, str) or not model_id:
            raise InvalidArgument("Model needs a model id, e.g. Model(model_id='…'); "
                                  "Model.query_models(...) finds models by project, name and tags")
        sync()
        self._set(session.backend().get_model(model_id))

    @classmethod
    def _wrap(cls, data: ModelRow, pinned: int | None = None) -> Self:
        obj = cls.__new__(cls)
        obj._set(data, pinned)
        return obj

    # -- finding models --------------------------------------------------------------------------
    @classmethod
    def get(cls, model_id: str | None = None, project_name: str | None = None,
            model_name: str | None = None, version: int | None = None, tags: Sequence[str] | None = None,
            only_published: bool = False) -> Self:
        """One model by id, or by ``project_name`` and exact ``model_name`` (the newest model of
        that name), at ``version`` (the latest by default).

        >>> Model.get(model_id="e3b3bf9f4b834f4db2f3c9cbbd43a123")
        >>> Model.get(project_name="Demo Project", model_name="MyModel", version=1)

        ClearML has no ``Model.get`` (the user's guide uses it anyway); here it exists.
        """
        if version is not None and (isinstance(version, bool) or not isinstance(version, int) or version < 1):
            raise InvalidArgument(f"version must be a number from 1, not {version!r}")
        sync()
        backend = session.backend()
        if model_id:
            data = backend.get_model(model_id, version)
            if only_published and not data.published:
                raise NotFound(f"model {model_id} ({data.name!r}) is not published")
        elif model_name:
            data = backend.find_model(project_name, model_name, version, tags=tags, only_published=only_published)
        else:
            raise InvalidArgument("Model.get needs model_id=, or model_name= (with project_name=)")
        return cls._wrap(data, version)

    @classmethod
    def query_models(cls, project_name: str | None = None, model_name: str | None = None,
                     tags: Sequence[str] | None = None, only_published: bool = False,
                     include_archived: bool = False, max_results: int | None = None,
                     metadata: Mapping[str, Any] | None = None) -> list[Self]:
        """Models matching every filter, newest first.

        ``model_name`` is a regular expression (``"^MyModel$"`` for an exact name); ``tags``
        match any of them (``"-tag"`` excludes, ``"__$all"`` first requires all);
        ``metadata`` keeps models whose metadata has these values.
        """
        sync()
        rows = session.backend().query_models(project_name=project_name, model_name=model_name, tags=tags,
                                              only_published=only_published, include_archived=include_archived,
                                              max_results=max_results, metadata=metadata)
        return [cls._wrap(r) for r in rows]

    def versions(self) -> list[Model]:
        """Every version of the weights, oldest first, each a ``Model`` at that version."""
        sync()
        found = session.backend().get_model_versions(self.id)
        return [Model._wrap(dataclasses.replace(self._row, version=v.version, weights=v), v.version) for v in found]

    # -- changing the registry -------------------------------------------------------------------
    def archive(self) -> None:
        """Hide the model from ``query_models`` (``include_archived=True`` still finds it)."""
        sync()
        self._update_row(session.backend().archive_model(self.id, True))

    def unarchive(self) -> None:
        """Take the model out of the archive: ``query_models`` finds it again."""
        sync()
        self._update_row(session.backend().archive_model(self.id, False))

    @classmethod
    def remove(cls, model: str | BaseModel, delete_weights_file: bool = True, force: bool = False,
               raise_on_errors: bool = False) -> bool:
        """Remove a model and all its versions from the registry.

        ``force=True`` removes it even when other tasks use it as their input model. With
        ``delete_weights_file`` its stored files are deleted at once (only those: the rest of
        the store is not looked at); a file that another model version or an artifact also
        holds (the same bytes are stored once) stays. Unlike ClearML, a registered remote URL
        (``register_uri``, ``import_model``) is never deleted: it was not ours. Without
        ``delete_weights_file`` the files stay until the next ``jupyter track gc``.
        """
        model_id = model.id if isinstance(model, BaseModel) else str(model)
        try:
            sync()
            from jupyter_ext.sdk.models.output import OutputModel

            OutputModel.wait_for_uploads()
            backend = session.backend()
            backend.remove_model(model_id, force=force, delete_weights=delete_weights_file)
        except TrackError as exc:
            if raise_on_errors:
                raise
            print(f"jupyter-track: could not remove model {model_id}: {exc}", file=sys.stderr)
            return False
        return True


class InputModel(Model):
    """A model a task starts from (fine-tuning, evaluation): found by id, or by name.

    >>> base = InputModel(model_id="…")              # or InputModel(name="MyModel", project="Demo")
    >>> base.connect(task)                            # task.models["input"] now lists it
    """

    def __init__(self, model_id: str | None = None, name: str | None = None, project: str | None = None,
                 tags: Sequence[str] | None = None, only_published: bool = False) -> None:
        """By ``model_id``; without one, the newest model named exactly ``name`` (in ``project``,
        with one of ``tags``, published only if asked)."""
        if model_id:
            super().__init__(model_id)
            if only_published and not self.published:
                raise NotFound(f"model {model_id} ({self.name!r}) is not published")
            return
        if not name:
            raise InvalidArgument("InputModel needs model_id= or name=; "
                                  "InputModel.import_model(url) registers a model file that is not stored yet")
        sync()
        self._set(session.backend().find_model(project, name, None, tags=tags, only_published=only_published))

    @classmethod
    def import_model(cls, weights_url: str, config_text: str | None = None,
                     config_dict: Mapping[str, Any] | None = None,
                     label_enumeration: Mapping[str, int] | None = None, name: str | None = None,
                     project: str | None = None, tags: Sequence[str] | None = None, comment: str | None = None,
                     is_package: bool = False, create_as_published: bool = False,
                     framework: str | None = None) -> InputModel:
        """Register weights that already live somewhere (``https://…``, ``s3://…``, a local
        path) as a model, without uploading them. As in ClearML, a model already registered at
        the same URL is returned instead of a new one."""
        url = _as_url(weights_url)
        found = cls.load_model(url)
        if found is not None:
            return found
        design = design_text(config_text, config_dict)
        from jupyter_ext.sdk.tasks.task import Task

        current = Task.current_task()
        sync()
        backend = session.backend()
        row = backend.create_model({
            "name": name or os.path.basename(url.rstrip("/")) or "Imported model",
            "project": project or (current.get_project_name() if current is not None else None),
            "framework": framework, "tags": list(tags or ()), "comment": comment or f"Imported from {url}",
            "design": design or "", "labels": label_map(label_enumeration), "user": session.getpid_user(),
        })
        backend.add_model_version(row.id, {"url": url, "file_name": os.path.basename(url.rstrip("/")),
                                              "is_package": bool(is_package)})
        if create_as_published:
            backend.publish_model(row.id)
        return cls._wrap(backend.get_model(row.id))

    @classmethod
    def empty(cls, config_text: str | None = None, config_dict: Mapping[str, Any] | None = None,
              label_enumeration: Mapping[str, int] | None = None) -> InputModel:
        """A model with a design and labels but no weights, to connect to a task as its starting
        point (a network trained from scratch still records its architecture and classes)."""
        from jupyter_ext.sdk.tasks.task import Task

        design = design_text(config_text, config_dict)
        current = Task.current_task()
        sync()
        backend = session.backend()
        row = backend.create_model({
            "name": "Empty model", "project": current.get_project_name() if current is not None else None,
            "comment": "No weights: a design and labels to start from", "design": design or "",
            "labels": label_map(label_enumeration), "user": session.getpid_user(),
        })
        return cls._wrap(backend.get_model(row.id))

    @classmethod
    def load_model(cls, weights_url: str, load_archived: bool = False) -> InputModel | None:
        """The model registered at ``weights_url``, or None if there is none."""
        sync()
        rows = session.backend().query_models(weights_url=_as_url(weights_url), include_archived=load_archived,
                                              max_results=1)
        return cls._wrap(rows[0]) if rows else None

    def connect(self, task: Task, name: str | None = None) -> None:
        """Record this model as an input of ``task`` (lineage): ``task.models["input"]`` lists it,
        and models the task then makes get it as their ``parent``."""
        sync()
        session.backend().link_task_model(task.id, self.id, "input", name or self.name)


def _as_url(weights_url: str) -> str:
    """A URL as registered: remote URLs as given, local paths as absolute ``file://`` URLs."""
    if not isinstance(weights_url, str) or not weights_url:
        raise InvalidArgument("weights_url must be a non-empty URL or path")
    if "://" in weights_url:
        return weights_url
    path = os.path.abspath(os.path.expanduser(weights_url))
    if not os.path.exists(path):
        raise InvalidArgument(f"weights file {weights_url!r} does not exist (looked for {path})")
    return "file://" + path


class ModelList(list[Model]):
    """A task's input or output models: a list that can also be indexed by model name, as in
    ClearML (``task.models["output"]["MyModel"]``; ``[-1]`` is the newest)."""

    def _named(self, name: str) -> Model | None:
        found = [m for m in self if m.link_name == name] or [m for m in self if m.name == name]
        return found[-1] if found else None

    @overload
    def __getitem__(self, key: SupportsIndex) -> Model: ...

    @overload
    def __getitem__(self, key: slice) -> list[Model]: ...

    @overload
    def __getitem__(self, key: str) -> Model: ...

    def __getitem__(self, key: SupportsIndex | slice | str) -> Model | list[Model]:
        if isinstance(key, str):
            found = self._named(key)
            if found is None:
                raise KeyError(f"no model named {key!r}; models: {self.keys()}")
            return found
        return super().__getitem__(key)

    def __contains__(self, item: object) -> bool:
        if isinstance(item, str):
            return self._named(item) is not None
        return super().__contains__(item)

    def get(self, name: str, default: Model | None = None) -> Model | None:
        """The newest model named ``name`` (the name the task connected it under, else the model's own
        name), or ``default``."""
        found = self._named(name)
        return default if found is None else found

    def keys(self) -> list[str]:
        """The names the models can be looked up by, oldest first, each once."""
        return list(dict.fromkeys(m.link_name or m.name for m in self))

    @classmethod
    def of(cls, rows: Iterable[ModelRow]) -> ModelList:
        """A ModelList of :class:`Model` objects made from model rows as the backend returns them."""
        return cls(Model._wrap(r) for r in rows)


def __getattr__(name: str) -> object:  # ``from jupyter_ext.sdk.models.model import OutputModel``
    if name == "OutputModel":
        from jupyter_ext.sdk.models.output import OutputModel

        return OutputModel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
