"""Images for ``Logger.report_image``: numpy arrays, PIL images or files, as bytes to upload."""

from __future__ import annotations

import io
import os
from typing import Any

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk.logging.figures._files import mime_type, read_file

# Modes PNG stores as they are; any other PIL mode is converted to RGB(A) first.
_PNG_MODES = frozenset({"1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"})
_CHANNELS_TO_MODE = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}


def image_to_png(
    image: Any = None,
    local_path: str | os.PathLike[str] | None = None,
    matrix: Any = None,
) -> tuple[bytes, str]:
    """Return ``(content, mime_type)`` for an image given to ``Logger.report_image``.

    Give exactly one of:

    - ``image``: a numpy array (H x W gray, H x W x 3 RGB, H x W x 4 RGBA) or a PIL image, encoded
      as PNG. ``uint8`` arrays are used as they are; ``bool`` arrays become black and white;
      floats in [0, 1] are scaled to 0..255; any other range is min-max normalised to 0..255.
    - ``matrix``: the deprecated name of ``image`` (ClearML's), handled the same way.
    - ``local_path``: an image file, returned byte for byte with the content type its extension
      names (``"image/jpeg"`` for ``.jpg``).
    """
    given = [
        n for n, v in (("image", image), ("local_path", local_path), ("matrix", matrix)) if v is not None
    ]
    if len(given) != 1:
        raise InvalidArgument(
            "pass exactly one of image, local_path or matrix; "
            f"got {', '.join(given) if given else 'none of them'}"
        )
    if local_path is not None:
        return _from_file(local_path)
    picture = image if image is not None else matrix
    if hasattr(picture, "save") and hasattr(picture, "mode"):
        return _encode(_png_ready(picture)), "image/png"
    return _encode(_from_array(picture, given[0])), "image/png"


def _from_file(path: str | os.PathLike[str]) -> tuple[bytes, str]:
    """The file's bytes, unchanged, and its image content type."""
    name = os.fspath(path)
    content = read_file(name, "image file")
    kind = mime_type(name, content)
    if kind is None or not kind.startswith("image/"):
        raise InvalidArgument(
            f"{name!r} is not a recognised image file ({kind or 'unknown type'}): "
            "pass a .png, .jpg, .gif, .bmp, .webp or .tiff file, or use report_media for other files"
        )
    return content, kind


def _encode(picture: Any) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def _png_ready(picture: Any) -> Any:
    """A PIL image in a mode PNG can store."""
    if picture.mode in _PNG_MODES:
        return picture
    if picture.mode in ("F", "I;16B", "I;16L", "I;16N"):
        import numpy as np

        return _from_array(np.asarray(picture), "image")
    return picture.convert("RGBA" if "A" in picture.mode else "RGB")


def _from_array(value: Any, what: str) -> Any:
    """A PIL image from an H x W or H x W x C array, scaled to 8 bits."""
    import numpy as np
    from PIL import Image

    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise InvalidArgument(f"{what} must be a numpy array or a PIL image: {exc}") from exc
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    channels = 1 if array.ndim == 2 else (array.shape[2] if array.ndim == 3 else 0)
    if channels not in _CHANNELS_TO_MODE:
        raise InvalidArgument(
            f"{what} must have shape (H, W) for gray, (H, W, 3) for RGB or (H, W, 4) for RGBA; "
            f"got {array.shape}"
        )
    if array.size == 0:
        raise InvalidArgument(f"{what} is empty: got shape {array.shape}")
    return Image.fromarray(_to_uint8(array, what))  # uint8 with 1-4 channels: L, LA, RGB, RGBA


def _to_uint8(array: Any, what: str) -> Any:
    """Scale an array of any numeric dtype to uint8 (see :func:`image_to_png`)."""
    import numpy as np

    kind = array.dtype.kind
    if kind == "b":
        return array.astype(np.uint8) * 255
    if array.dtype == np.uint8:
        return array
    if kind not in "iuf":
        raise InvalidArgument(
            f"{what} must hold numbers (uint8 0..255, floats 0..1, or bool); "
            f"got an array of dtype {array.dtype}"
        )
    values = array.astype(np.float64)
    finite = np.isfinite(values)
    if not finite.any():
        return np.zeros(array.shape, dtype=np.uint8)
    low, high = float(values[finite].min()), float(values[finite].max())
    if kind == "f" and low >= 0.0 and high <= 1.0:
        scaled = values * 255.0
    elif kind in "iu" and low >= 0 and high <= 255:
        scaled = values  # small integers are already pixel values
    elif high > low:
        scaled = (values - low) * (255.0 / (high - low))
    else:
        scaled = np.zeros(values.shape)
    scaled = np.where(finite, scaled, 0.0)  # NaN and infinite pixels are drawn black
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)


def image_plot(png: bytes, title: str | None = None) -> dict[str, Any]:
    """A plotly figure that shows one PNG (embedded as a data URI), at its own pixel size, with
    no axes: how a matplotlib figure that has no faithful plotly form is stored among the
    plots, so it still shows (and scales) wherever plotly JSON is drawn."""
    import base64
    import struct

    if not isinstance(png, (bytes, bytearray)) or png[:8] != b"\x89PNG\r\n\x1a\n":
        raise InvalidArgument("image_plot needs the bytes of a PNG file")
    width, height = struct.unpack(">II", bytes(png[16:24]))  # the IHDR chunk comes first
    source = "data:image/png;base64," + base64.b64encode(bytes(png)).decode("ascii")
    hidden = {"visible": False, "range": [0, 1], "fixedrange": True}
    top = 40 if title else 0  # room for the title above the picture
    layout: dict[str, Any] = {
        "images": [{"source": source, "xref": "paper", "yref": "paper", "x": 0, "y": 1, "sizex": 1, "sizey": 1,
                    "xanchor": "left", "yanchor": "top", "sizing": "contain", "layer": "above"}],
        "xaxis": hidden, "yaxis": dict(hidden), "width": int(width), "height": int(height) + top,
        "margin": {"l": 0, "r": 0, "t": top, "b": 0},
    }
    if title:
        layout["title"] = {"text": str(title)}
    return {"data": [], "layout": layout}
