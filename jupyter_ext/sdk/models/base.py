"""What every model object shares (``Model``, ``InputModel``, ``OutputModel``): its fields, typed
metadata, publishing, and verified local copies of its weights."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jupyter_ext.core.rules import param_types as param_values
from jupyter_ext.errors import InvalidArgument, NotFound, TrackError
from jupyter_ext.sdk import _notebook
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk import _transfers as files
from jupyter_ext.sdk._compat import ignored
from jupyter_ext.sdk.models.plots import ModelPlotsMixin

if TYPE_CHECKING:
    from jupyter_ext.store.rows import ModelRow, ModelVersionRow


def sync() -> None:
    """Let reads see this process's own writes (a task row still queued, for one)."""
    if session.has_reporter():
        session.reporter().flush()


class BaseModel(ModelPlotsMixin):
    """A registered model as the SDK sees it: a snapshot of its row, refreshed by every change
    made through this object, and the weights of one version (the latest unless pinned)."""

    _row: ModelRow
    _pinned: int | None
    _weights_of: tuple[int, ModelVersionRow | None] | None

    def _set(self, data: ModelRow, pinned: int | None = None) -> None:
        self._row = dataclasses.replace(data, version=None, weights=None)
        self._pinned = pinned
        self._weights_of = (int(data.version), data.weights) if data.version is not None else None

    def _update_row(self, row: ModelRow) -> None:
        """Take a model row returned by a change (versions never change, so cached weights stay)."""
        self._row = dataclasses.replace(row, version=None, weights=None,
                                        link_name=row.link_name if row.link_name is not None else self._row.link_name)

    def _edit_row(self, **fields: Any) -> None:
        """Change this snapshot ahead of the store (the change itself waits in the spool)."""
        self._row = dataclasses.replace(self._row, **fields)

    def preview(self) -> None:
        """Display the model in a notebook: its fields, labels, metadata and design."""
        _notebook.show_preview(self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return _notebook.model_bundle(self)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} {self.name!r} version={self.version}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BaseModel) and (other.id, other.version) == (self.id, self.version)

    def __hash__(self) -> int:
        return hash((self.id, self.version))

    # -- fields ----------------------------------------------------------------------------------
    @property
    def id(self) -> str:
        """The model's id (the same for all its versions): what ``Model(model_id=...)`` and
        ``InputModel(model_id=...)`` take."""
        return self._row.id

    @property
    def name(self) -> str:
        """The model's name in the registry, e.g. ``"MyModel"``."""
        return self._row.name

    @property
    def link_name(self) -> str:
        """The name a task gave the model when it connected it (``task.models[...]`` keys)."""
        return self._row.link_name or ""

    @property
    def project(self) -> str:
        """The project's id (``project_name`` is its name)."""
        return self._row.project_id

    @property
    def project_name(self) -> str:
        """The name of the model's project (:attr:`project` is its id)."""
        return self._row.project_name

    @property
    def comment(self) -> str:
        """The model's description ("" when none). Assigning to it stores the new text, also on a
        published model."""
        return self._row.comment

    @comment.setter
    def comment(self, value: str) -> None:
        self._change(comment=str(value))

    @property
    def tags(self) -> list[str]:
        """The model's tags. Assigning a list replaces them in the store, also on a published model:

        >>> model.tags = [*model.tags, "production"]
        """
        return list(self._row.tags)

    @tags.setter
    def tags(self, value: list[str]) -> None:
        self._change(tags=list(value or ()))

    @property
    def system_tags(self) -> list[str]:
        """Always ``[]``: kept so ClearML code that reads it runs; models here carry no system tags."""
        return []

    @property
    def framework(self) -> str:
        """The framework the model was made with, a :class:`Framework` name such as ``"pytorch"``
        ("" when none was given)."""
        return self._row.framework

    @property
    def labels(self) -> dict[str, int]:
        """The label enumeration, ``{"cat": 0, "dog": 1}``."""
        return dict(self._row.labels)

    @property
    def config_text(self) -> str:
        """The model's design (configuration) as text."""
        return self._row.design

    @property
    def config_dict(self) -> dict[str, Any]:
        """The design parsed as JSON (or YAML); ``{}`` when it is empty or plain text."""
        return parse_design(self.config_text)

    @property
    def task(self) -> str:
        """The id of the task that made the model ("" for an imported one)."""
        return self._row.task_id or ""

    @property
    def parent(self) -> str | None:
        """The id of the model this one was trained from (lineage), or None."""
        return self._row.parent_id or None

    @property
    def published(self) -> bool:
        """True once :meth:`publish` made the model final (as of the last read or change through this object)."""
        return self._row.published

    @property
    def archived(self) -> bool:
        """True if the model is archived (hidden from ``Model.query_models`` unless ``include_archived=True``)."""
        return self._row.archived

    @property
    def version(self) -> int:
        """The version shown: the one asked for, else the latest (0: no weights yet)."""
        return int(self._pinned if self._pinned is not None else self._row.latest_version)

    @property
    def url(self) -> str:
        """Where the weights of this version are ("" when there are none yet)."""
        return version_url(self._weights())

    @property
    def size(self) -> int:
        """The size in bytes of this version's stored weights (a folder counts as its zip); 0 when there
        are none, or when they were only registered by URI."""
        w = self._weights()
        return w.size if w else 0

    @property
    def iteration(self) -> int | None:
        """The training iteration recorded with this version's weights (``update_weights(iteration=...)``), or None."""
        w = self._weights()
        return None if w is None or w.iteration is None else int(w.iteration)

    def _change(self, **fields: Any) -> None:
        sync()
        self._update_row(session.backend().update_model(self.id, fields))

    def _weights(self) -> ModelVersionRow | None:
        number = self.version
        if not number:
            return None
        if self._weights_of is None or self._weights_of[0] != number:
            sync()
            data = session.backend().get_model(self.id, number)
            self._weights_of = (number, data.weights)
        return self._weights_of[1]

    def reload(self) -> None:
        """Read the model again (another process may have changed it)."""
        sync()
        self._update_row(session.backend().get_model(self.id))

    # -- metadata --------------------------------------------------------------------------------
    def set_metadata(self, key: str, value: Any, v_type: str | None = None) -> bool:
        """Set one metadata entry. Values keep their type (``0.93`` comes back a float, ``"0.93"``
        a string); ``v_type`` ("int", "float", "bool", "str", "list", "dict") converts first.
        A published model's metadata is final."""
        sync()
        self._update_row(session.backend().set_model_metadata(self.id, {key: cast_value(value, v_type)}))
        return True

    def get_metadata(self, key: str) -> Any:
        """The value of one entry, with its type, or None."""
        entry = self._row.metadata.get(key)
        return None if entry is None else param_values.decode(entry.get("value"), str(entry.get("type")))

    def get_all_metadata(self) -> dict[str, dict[str, Any]]:
        """``{key: {"key": key, "type": type name, "value": value}}``, as ClearML shapes it."""
        return {k: {"key": k, "type": e.get("type"), "value": param_values.decode(e.get("value"), str(e.get("type")))}
                for k, e in self._row.metadata.items()}

    def get_all_metadata_casted(self) -> dict[str, Any]:
        """``{key: value}``."""
        return {k: e["value"] for k, e in self.get_all_metadata().items()}

    def set_all_metadata(self, metadata: Mapping[str, Any], replace: bool = True) -> bool:
        """Set many entries: ``{key: value}`` or ClearML's ``{key: {"value": v, "type": t}}``.
        ``replace=True`` drops the entries not given."""
        items = {}
        for key, entry in metadata.items():
            if isinstance(entry, Mapping) and "value" in entry:
                items[key] = cast_value(entry["value"], entry.get("type"))
            else:
                items[key] = entry
        sync()
        self._update_row(session.backend().set_model_metadata(self.id, items, replace=replace))
        return True

    # -- the model's own metrics -----------------------------------------------------------------
    def report_scalar(self, title: str, series: str, value: float, iteration: int) -> None:
        """Report one point of the model's own scalar plot ``title`` / ``series`` (shown on the
        model's page, apart from its task's): an OutputModel's results, or an evaluation of a
        registered ``Model``, published or not. Works before any weights are stored. The same
        point reported again replaces it; a value must be a finite number.

        Points are written in batches (one write per model every ``flush_period`` seconds), so a
        loop may report thousands; ``get_reported_scalars()`` and ``flush()`` see all of them."""
        from jupyter_ext.sdk.models import metrics as model_metrics

        model_metrics.report_scalar(self.id, title, series, value, iteration)

    def report_single_value(self, name: str, value: float) -> None:
        """Report one figure of the model (e.g. "test accuracy"); reporting ``name`` again
        replaces it. Stored as ClearML does: title "Summary", iteration -2**31."""
        from jupyter_ext.sdk.models import metrics as model_metrics

        model_metrics.report_single_value(self.id, name, value)

    def flush(self, wait: bool = True) -> bool:
        """Write the metrics reported so far; with ``wait`` block until they are stored."""
        from jupyter_ext.sdk.models import metrics as model_metrics

        return model_metrics.flush(self.id, wait=wait)

    def get_reported_scalars(self) -> dict[str, dict[str, dict[str, list[Any]]]]:
        """The model's own scalars (``OutputModel.report_scalar``), in the shape of
        ``Task.get_reported_scalars``: ``{title: {series: {"x": [iterations], "y": [values]}}}``."""
        from jupyter_ext.sdk.models import metrics as model_metrics

        return model_metrics.reported_scalars(self.id)

    def get_reported_single_values(self) -> dict[str, float]:
        """The model's own single values (``OutputModel.report_single_value``), ``{name: value}``."""
        from jupyter_ext.sdk.models import metrics as model_metrics

        return model_metrics.reported_single_values(self.id)

    # -- publishing ------------------------------------------------------------------------------
    def publish(self) -> None:
        """Make the model final: its weights, design, labels and metadata can no longer change
        (tags and comment still can). A model with no weights cannot be published."""
        self._before_change()
        sync()
        self._update_row(session.backend().publish_model(self.id))

    def _before_change(self) -> None:
        """Hook: OutputModel waits for its background uploads here."""

    # -- weights on disk -------------------------------------------------------------------------
    def get_local_copy(self, extract_archive: bool | None = None, raise_on_error: bool = False,
                       force_download: bool = False) -> str:
        """A local path to this version's weights, downloaded into the cache once and checked
        against their sha256; a package (zip) is extracted unless ``extract_archive=False``.

        Unlike ClearML, which returns None on failure, every failure raises (``NotFound``: no
        weights or a missing file; ``Unavailable``: the stored bytes are corrupt), so the
        error names its cause instead of surfacing later in ``torch.load(None)``;
        ``raise_on_error`` is accepted for compatibility.
        """
        ignored("Model.get_local_copy", raise_on_error=raise_on_error)
        weights = self._require_weights()
        path = self._download(weights, force_download)
        if weights.is_package and extract_archive is not False:
            key = _cache_key(weights)
            if force_download:  # unpack again too: the extracted files may have been edited
                _forget_extraction(key)
            path = files.extract(path, key)
        _local_copies[os.path.realpath(path)] = self.id
        return path

    def get_weights(self, raise_on_error: bool = False, force_download: bool = False,
                    extract_archive: bool = False) -> str:
        """The weights file (for a package, the zip itself unless ``extract_archive``)."""
        return self.get_local_copy(extract_archive=extract_archive, raise_on_error=raise_on_error,
                                   force_download=force_download)

    def get_weights_package(self, return_path: bool = False, raise_on_error: bool = False,
                            force_download: bool = False, extract_archive: bool = True) -> str | list[Path]:
        """A package's files: the extracted folder with ``return_path=True``, else a list of
        the files in it. A model whose weights are a single file raises ``InvalidArgument``."""
        ignored("Model.get_weights_package", raise_on_error=raise_on_error)
        weights = self._require_weights()
        if not weights.is_package:
            raise InvalidArgument(f"model {self.id} ({self.name!r}) version {self.version} is a single file, "
                                  f"not a package; use get_weights()")
        path = self.get_local_copy(extract_archive=extract_archive, force_download=force_download)
        if return_path or not extract_archive:
            return path
        return sorted(p for p in Path(path).rglob("*") if p.is_file() and p.name != ".complete")

    def _require_weights(self) -> ModelVersionRow:
        weights = self._weights()
        if weights is None:
            raise NotFound(f"model {self.id} ({self.name!r}) has no weights yet; "
                           f"OutputModel.update_weights(...) stores them")
        return weights

    def _download(self, weights: ModelVersionRow, force: bool) -> str:
        try:
            if weights.blob_sha256:
                return files.local_copy(weights.blob_sha256, weights.location or "",
                                        weights.file_name or "weights", size=int(weights.size or 0),
                                        force_download=force)
            url = str(weights.url)
            if url.startswith("file://") and os.path.exists(url[len("file://"):]):
                return url[len("file://"):]  # a registered local file: no copy needed
            return files.fetch_url(url, weights.file_name or "weights", force_download=force)
        except TrackError as exc:
            raise type(exc)(f"cannot get the weights of model {self.id} ({self.name!r}) version "
                            f"{weights.version}: {exc.message}") from exc


# Local copies handed out in this process (and files uploaded as a model's weights), by real
# path: a framework that then loads one of them (``torch.load(model.get_local_copy())``) links
# that model as its task's input model, as ClearML does.
_local_copies: dict[str, str] = {}


def remember_local_copy(path: str, model_id: str) -> None:
    """Note that ``path`` holds the weights of model ``model_id`` (a file just uploaded as them)."""
    _local_copies[os.path.realpath(path)] = model_id


def model_of_local_copy(path: str) -> str | None:
    """The id of the model whose weights ``path`` (or the folder it is in) is the local copy of."""
    real = os.path.realpath(path)
    while True:
        if real in _local_copies:
            return _local_copies[real]
        parent = os.path.dirname(real)
        if parent == real:
            return None
        real = parent


def _cache_key(weights: ModelVersionRow) -> str:
    if weights.blob_sha256:
        return weights.blob_sha256
    return hashlib.sha256(str(weights.url).encode()).hexdigest()


def _forget_extraction(key: str) -> None:
    """Drop the "extracted whole" mark (``files.extract``'s cache layout) so the next
    ``extract`` unpacks afresh."""
    mark = os.path.join(files.cache_dir(), key[:2], key, "extracted.complete")
    try:
        os.remove(mark)
    except FileNotFoundError:
        pass


def blob_url(location: str, sha256: str) -> str:
    """The address of stored weights (the same form as an artifact's ``url``)."""
    return files.blob_url(sha256, location)


def version_url(weights: ModelVersionRow | None) -> str:
    if weights is None:
        return ""
    if weights.url:
        return weights.url
    return blob_url(weights.location or "", str(weights.blob_sha256))


# -- argument helpers shared with OutputModel ---------------------------------------------------
def design_text(config_text: str | None, config_dict: Mapping[str, Any] | None) -> str | None:
    """The design as stored: the text as given, or the dict as JSON (None: neither given)."""
    if config_text is not None and config_dict is not None:
        raise InvalidArgument("give config_text= or config_dict=, not both")
    if config_text is not None:
        if not isinstance(config_text, str):
            raise InvalidArgument(f"config_text must be a string, not {type(config_text).__name__}")
        return config_text
    if config_dict is not None:
        if not isinstance(config_dict, Mapping):
            raise InvalidArgument(f"config_dict must be a dict, not {type(config_dict).__name__}")
        try:
            return json.dumps(dict(config_dict), indent=2)
        except (TypeError, ValueError) as exc:
            raise InvalidArgument(f"config_dict must hold JSON values (numbers, strings, lists, dicts): {exc}") from exc
    return None


def parse_design(text: str) -> dict[str, Any]:
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        try:
            import yaml

            value = yaml.safe_load(text)
        except Exception:  # noqa: BLE001 - any parse failure means "not a dict"
            return {}
    return dict(value) if isinstance(value, dict) else {}


def label_map(labels: Mapping[str, int] | None) -> dict[str, int]:
    if labels is None:
        return {}
    if not isinstance(labels, Mapping):
        raise InvalidArgument("label_enumeration must be a dict of label -> int, e.g. {'cat': 0, 'dog': 1}")
    out = {}
    for key, value in labels.items():
        if not isinstance(key, str) or isinstance(value, bool) or not isinstance(value, int):
            raise InvalidArgument(f"label_enumeration maps label names to ints; got {key!r}: {value!r}")
        out[key] = value
    return out


_TRUE = ("true", "1", "yes", "y", "on")
_FALSE = ("false", "0", "no", "n", "off", "")


def cast_value(value: Any, v_type: str | None) -> Any:
    """``value`` converted to ``v_type`` (ClearML passes strings with a type name)."""
    if v_type is None:
        return value
    kind = str(v_type).lower()
    try:
        if kind in ("str", "string", "text"):
            return value if isinstance(value, str) else str(value)
        if kind in ("int", "integer"):
            return int(value)
        if kind in ("float", "number", "double"):
            return float(value)
        if kind in ("bool", "boolean"):
            if isinstance(value, str):
                if value.strip().lower() not in _TRUE + _FALSE:
                    raise ValueError(f"{value!r} is not a boolean")
                return value.strip().lower() in _TRUE
            return bool(value)
        if kind in ("list", "dict", "json", "tuple"):
            return json.loads(value) if isinstance(value, str) else value
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(f"metadata value {value!r} is not a valid {kind}: {exc}") from exc
    raise InvalidArgument(f"unknown metadata type {v_type!r}; use str, int, float, bool, list or dict")
