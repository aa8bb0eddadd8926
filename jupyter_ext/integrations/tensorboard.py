"""TensorBoard writers (``torch.utils.tensorboard`` and ``tensorboardX``): what is written to
them is also reported to the task, hooked at the writer's methods (event files are still
written as before, and never parsed).

A tag ``"loss/train"`` becomes title ``loss``, series ``train``; a tag without ``/`` is both
title and series, as in ClearML. ``add_scalars(main, {name: value})`` gives title ``main``,
series ``name``. Histograms are bar plots of their bins, images and image batches (tiled into
one grid) debug samples, ``add_figure`` an interactive plot where the figure converts,
``add_text`` console lines, ``add_hparams`` the ``TB_hparams`` parameter section plus its
metrics as scalars. A call without ``global_step`` takes the next step of its tag.
"""
from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from types import ModuleType
from typing import Any

from jupyter_ext.integrations._state import patch, reporting, switches, task_for, warn

KEY = "tensorboard"
HPARAMS_SECTION = "TB_hparams"

_steps: dict[str, int] = {}


def split_tag(tag: str) -> tuple[str, str]:
    title, _, series = str(tag).partition("/")
    return (title, series) if title and series else (str(tag), str(tag))


def _step(tag: str, given: Any) -> int:
    step = _steps.get(tag, -1) + 1 if given is None else int(given.item() if hasattr(given, "item") else given)
    _steps[tag] = step
    return step


def _numpy(value: Any) -> Any:
    import numpy as np

    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def _hwc(image: Any, dataformats: str) -> Any:
    """An image in any of TensorBoard's layouts (CHW, HWC, HW …) as H x W x C (or H x W)."""
    import numpy as np

    arr = _numpy(image)
    order = dataformats.upper()
    if len(order) != arr.ndim:
        raise ValueError(f"image of shape {arr.shape} does not match dataformats {dataformats!r}")
    if "C" not in order:
        arr, order = arr[..., None], order + "C"
    arr = np.transpose(arr, [order.index(c) for c in "HWC"])
    if arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.dtype != np.uint8:
        arr = (np.clip(arr.astype("float64"), 0.0, 1.0) * 255).round().astype(np.uint8)
    return arr


def _grid(images: Any, dataformats: str) -> Any:
    """A batch (N first) tiled into one near-square grid, as TensorBoard shows it."""
    import numpy as np

    batch = _numpy(images)
    order = dataformats.upper()
    tiles = [_hwc(batch[i], order.replace("N", "")) for i in range(batch.shape[0])]
    tiles = [t if t.ndim == 3 else np.repeat(t[:, :, None], 3, axis=2) for t in tiles]
    cols = max(1, math.ceil(math.sqrt(len(tiles))))
    rows = math.ceil(len(tiles) / cols)
    h, w, c = tiles[0].shape
    out = np.zeros((rows * h, cols * w, c), dtype=np.uint8)
    for i, tile in enumerate(tiles):
        r, col = divmod(i, cols)
        out[r * h:(r + 1) * h, col * w:(col + 1) * w] = tile
    return out


# -- what each writer method reports ---------------------------------------------------------------
def _add_scalar(task: Any, a: dict[str, Any]) -> None:
    title, series = split_tag(a["tag"])
    task.get_logger().report_scalar(title, series, a["scalar_value"], _step(a["tag"], a.get("global_step")))


def _add_scalars(task: Any, a: dict[str, Any]) -> None:
    main = str(a["main_tag"])
    step = _step(main, a.get("global_step"))
    logger = task.get_logger()
    for name, value in dict(a["tag_scalar_dict"]).items():
        logger.report_scalar(main, str(name), value, step)


def _add_histogram(task: Any, a: dict[str, Any]) -> None:
    import numpy as np

    values = _numpy(a["values"]).astype("float64").ravel()
    values = values[np.isfinite(values)]
    if values.size == 0:
        return
    bins = a.get("max_bins") or 30
    counts, edges = np.histogram(values, bins=int(bins))
    centres = [f"{(lo + hi) / 2:.4g}" for lo, hi in zip(edges[:-1], edges[1:], strict=True)]
    title, series = split_tag(a["tag"])
    task.get_logger().report_histogram(title, series, counts, iteration=_step(a["tag"], a.get("global_step")),
                                       xlabels=centres, xaxis="value", yaxis="count")


def _add_image(task: Any, a: dict[str, Any]) -> None:
    title, series = split_tag(a["tag"])
    image = _hwc(a["img_tensor"], a.get("dataformats") or "CHW")
    task.get_logger().report_image(title, series, iteration=_step(a["tag"], a.get("global_step")), image=image)


def _add_images(task: Any, a: dict[str, Any]) -> None:
    title, series = split_tag(a["tag"])
    image = _grid(a["img_tensor"], a.get("dataformats") or "NCHW")
    task.get_logger().report_image(title, series, iteration=_step(a["tag"], a.get("global_step")), image=image)


def _add_figure(task: Any, a: dict[str, Any]) -> None:
    title, series = split_tag(a["tag"])
    figures = a["figure"] if isinstance(a["figure"], (list, tuple)) else [a["figure"]]
    step = _step(a["tag"], a.get("global_step"))
    for i, figure in enumerate(figures):
        name = series if len(figures) == 1 else f"{series} {i}"
        task.get_logger().report_matplotlib_figure(title, name, figure, iteration=step)


def _add_text(task: Any, a: dict[str, Any]) -> None:
    step = _step(a["tag"], a.get("global_step"))
    task.get_logger().report_text(f"{a['tag']} (step {step}): {a['text_string']}", print_console=False)


def _add_hparams(task: Any, a: dict[str, Any]) -> None:
    if switches().option(KEY, "report_hparams", True):
        hparams = {str(k): v for k, v in dict(a.get("hparam_dict") or {}).items()}
        if hparams:
            task._store_section(HPARAMS_SECTION, hparams)
    step = a.get("global_step")
    for tag, value in dict(a.get("metric_dict") or {}).items():
        title, series = split_tag(tag)
        task.get_logger().report_scalar(title, series, value, int(step or 0))


REPORTERS: dict[str, Callable[[Any, dict[str, Any]], None]] = {
    "add_scalar": _add_scalar, "add_scalars": _add_scalars, "add_histogram": _add_histogram,
    "add_image": _add_image, "add_images": _add_images, "add_figure": _add_figure, "add_text": _add_text,
    "add_hparams": _add_hparams,
}


def patch_writer(module: ModuleType) -> None:
    writer = getattr(module, "SummaryWriter", None)
    if writer is None:
        return
    for name, report in REPORTERS.items():
        method = getattr(writer, name, None)
        if method is not None:
            patch(writer, name, _make(name, report, inspect.signature(method)))


def _make(name: str, report: Callable[[Any, dict[str, Any]], None], signature: inspect.Signature
          ) -> Callable[[Any], Any]:
    def make(original: Any) -> Any:
        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            task = task_for(KEY)
            if task is None:
                return original(self, *args, **kwargs)
            # The writer's own nested calls (add_figure -> add_image) are not reported twice.
            with reporting():
                try:
                    bound = signature.bind(self, *args, **kwargs)
                    report(task, bound.arguments)
                except Exception as exc:  # noqa: BLE001 - a hook must never break the user's training
                    warn(f"reporting SummaryWriter.{name}", exc)
                return original(self, *args, **kwargs)
        return method
    return make
