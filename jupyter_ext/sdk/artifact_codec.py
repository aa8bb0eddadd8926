"""How an object becomes an artifact file, and back (ClearML's rules, in the same order).

``serialize`` writes the object to a temporary file (or names an existing one) and says its
type, content type and preview; nothing is read whole into memory. ``deserialize`` turns a
downloaded file back into the object, by type.
"""
from __future__ import annotations

import dataclasses
import gzip
import io
import json
import os
import pickle
import re
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import InvalidArgument

MAX_PREVIEW = 65536
_URL = re.compile(r"^(s3|gs|azure|http|https)://", re.IGNORECASE)


@dataclasses.dataclass
class Serialized:
    type: str
    content_type: str
    file_name: str
    preview: str
    path: str | None = None  # the file to store (None for a registered URL)
    url: str | None = None  # a remote URI registered instead of uploaded
    temporary: bool = False  # remove ``path`` after storing it

    def cleanup(self) -> None:
        if self.temporary and self.path:
            try:
                os.unlink(self.path)
            except OSError:
                pass


def cap_preview(text: str) -> str:
    if len(text) <= MAX_PREVIEW:
        return text
    return f"# full preview too large ({len(text):,} characters), first {MAX_PREVIEW:,} shown\n" + text[:MAX_PREVIEW]


def safe_name(name: object) -> str:
    """An artifact or model name is a name, never a path: it only labels rows and files."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidArgument("an artifact needs a non-empty name, e.g. upload_artifact(name='data.raw', ...)")
    if len(name) > 256:
        raise InvalidArgument(f"artifact name {name[:40]!r}… is longer than 256 characters")
    return name


def file_stem(name: str) -> str:
    """A file name made from an artifact name: path separators and dots-only names cannot escape."""
    stem = re.sub(r"[^A-Za-z0-9._ -]+", "_", name).strip(" .") or "artifact"
    return stem[:200]


def _temp(suffix: str) -> str:
    fd, path = tempfile.mkstemp(prefix="jupyter-track-", suffix=suffix)
    os.close(fd)
    return path


def serialize(name: str, obj: Any, *, auto_pickle: bool = True, preview: Any = None,
              extension_name: str | None = None, serialization_function: Callable[[Any], bytes] | None = None,
              sort_keys: bool = True) -> Serialized:
    stem = file_stem(name)
    if serialization_function is not None:
        data = serialization_function(obj)
        if not isinstance(data, (bytes, bytearray)):
            raise InvalidArgument("serialization_function must return bytes")
        ext = extension_name or ""
        path = _temp(ext)
        with open(path, "wb") as fh:
            fh.write(data)
        return Serialized("custom", _guess_mime(ext), stem + ext, _preview(preview, obj), path, temporary=True)
    if extension_name in (".pkl", ".pickle") and not _is_dataframe(obj):
        return _pickle(stem, obj, preview)
    if isinstance(obj, str) and len(obj) < 2048 and obj and os.path.exists(obj):
        obj = Path(obj)
    module = type(obj).__module__
    if module == "numpy" and type(obj).__name__ == "ndarray":
        return _numpy(stem, name, obj, preview, extension_name)
    if _is_dataframe(obj):
        return _dataframe(stem, obj, preview, extension_name)
    if module.startswith("PIL.") and hasattr(obj, "save") and hasattr(obj, "mode"):
        ext = extension_name or ".png"
        path = _temp(ext)
        obj.save(path)
        text = repr(obj).split(" at ")[0]
        return Serialized("image", _guess_mime(ext), stem + ext, _preview(preview, text), path, temporary=True)
    if isinstance(obj, dict):
        try:
            if extension_name in (".yaml", ".yml"):
                import yaml

                text = yaml.safe_dump(obj, sort_keys=sort_keys)
                mime, ext = "application/yaml", extension_name
            else:
                text = json.dumps(obj, sort_keys=sort_keys, indent=4)
                mime, ext = "application/json", ".json"
        except (TypeError, ValueError) as exc:
            if not auto_pickle:
                raise InvalidArgument(f"artifact {name!r}: the dict cannot be stored as JSON ({exc}); "
                                      f"pass auto_pickle=True or make its values JSON-friendly") from exc
            return _pickle(stem, obj, preview)
        path = _temp(ext)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        return Serialized("dict", mime, stem + ext, _preview(preview, text), path, temporary=True)
    if isinstance(obj, str) and ("*" in obj or "?" in obj):
        folder = Path(obj).parent
        matches = sorted(p for p in folder.glob(Path(obj).name) if p.is_file()) if folder.is_dir() else []
        if matches:
            return _zip(stem, matches, folder, preview, f"Archive content {obj}:\n")
    if isinstance(obj, Path):
        if obj.is_dir():
            files = sorted(p for p in obj.rglob("*") if p.is_file())
            return _zip(stem, files, obj, preview, f"Archive content {obj}:\n")
        if obj.is_file():
            size = obj.stat().st_size
            return Serialized("custom", _guess_mime(obj.suffix), obj.name, _preview(preview, f"{obj.name} - {size}\n"),
                              str(obj), temporary=False)
    if isinstance(obj, (list, tuple)) and obj and all(isinstance(p, Path) for p in obj):
        paths = [p for p in obj if p.is_file()]
        common = Path(os.path.commonpath([str(p.parent) for p in paths])) if paths else Path(".")
        return _zip(stem, paths, common, preview, "Archive content:\n")
    if isinstance(obj, str) and len(obj) < 4096 and _URL.match(obj):
        return Serialized("custom", _guess_mime(os.path.splitext(obj)[1]), os.path.basename(obj.rstrip("/")),
                          _preview(preview, ""), None, url=obj)
    if isinstance(obj, str) and obj:
        path = _temp(".txt")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(obj)
        return Serialized("string", "text/plain", stem + ".txt", _preview(preview, obj), path, temporary=True)
    if not auto_pickle:
        raise InvalidArgument(f"artifact {name!r}: objects of type {type(obj).__name__} are stored by pickling; "
                              f"pass auto_pickle=True or a serialization_function")
    return _pickle(stem, obj, preview)


def _preview(preview: Any, default: Any) -> str:
    value = default if preview is None else preview
    return cap_preview(value if isinstance(value, str) else repr(value))


def _is_dataframe(obj: Any) -> bool:
    return type(obj).__module__.startswith("pandas.") and type(obj).__name__ == "DataFrame"


def _pickle(stem: str, obj: Any, preview: Any) -> Serialized:
    path = _temp(".pkl")
    with open(path, "wb") as fh:
        pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return Serialized("pickle", "application/pickle", stem + ".pkl", _preview(preview, obj), path, temporary=True)


def _numpy(stem: str, name: str, arr: Any, preview: Any, extension_name: str | None) -> Serialized:
    import numpy as np

    if extension_name in (".csv", ".csv.gz"):
        path = _temp(".csv.gz")
        np.savetxt(path, arr, delimiter=",")
        return Serialized("numpy", "text/csv", stem + ".csv.gz", _preview(preview, arr), path, temporary=True)
    path = _temp(".npz")
    np.savez_compressed(path, **{file_stem(name): arr})
    return Serialized("numpy", "application/numpy", stem + ".npz", _preview(preview, arr), path, temporary=True)


def _dataframe(stem: str, df: Any, preview: Any, extension_name: str | None) -> Serialized:
    import pandas as pd

    ext = extension_name or ".csv.gz"
    if extension_name is None and isinstance(df.index, pd.MultiIndex):
        ext = ".pickle"
    path = _temp(ext)
    if ext == ".csv.gz":
        # mtime=0: the same frame gives the same bytes, so the same hash and one stored blob.
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
            with io.TextIOWrapper(gz, encoding="utf-8", newline="") as text:
                df.to_csv(text)
        mime = "text/csv"
    elif ext == ".parquet":
        df.to_parquet(path)
        mime = "application/parquet"
    elif ext == ".feather":
        df.reset_index().to_feather(path)
        mime = "application/feather"
    elif ext in (".pickle", ".pkl"):
        df.to_pickle(path)
        mime = "application/pickle"
    else:
        os.unlink(path)
        raise InvalidArgument(f"DataFrames are stored as .csv.gz, .parquet, .feather or .pickle, not {ext!r}")
    return Serialized("pandas", mime, stem + ext, _preview(preview, df), path, temporary=True)


def _zip(stem: str, files: list[Path], base: Path, preview: Any, header: str) -> Serialized:
    path = _temp(".zip")
    lines = [header]
    # A fixed date per entry keeps the archive's bytes, and so its hash, the same for the same files.
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        for f in files:
            rel = f.relative_to(base).as_posix()
            info = zipfile.ZipInfo(rel, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (f.stat().st_mode & 0xFFFF) << 16
            with open(f, "rb") as src, zf.open(info, "w", force_zip64=True) as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
            lines.append(f"{rel} - {f.stat().st_size}\n")
    return Serialized("archive", "application/zip", stem + ".zip", _preview(preview, "".join(lines)), path,
                      temporary=True)


def _guess_mime(ext: str) -> str:
    import mimetypes

    return mimetypes.guess_type("x" + ext)[0] or "application/octet-stream"


def deserialize(kind: str, path: str, file_name: str, name: str,
                deserialization_function: Callable[[bytes], Any] | None = None) -> Any:
    """The object an artifact file holds; a Path when the type has no reader or parsing fails."""
    if deserialization_function is not None:
        with open(path, "rb") as fh:
            return deserialization_function(fh.read())
    try:
        if kind == "numpy":
            import numpy as np

            if file_name.endswith(".npz"):
                with np.load(path, allow_pickle=False) as data:
                    key = file_stem(name) if file_stem(name) in data.files else data.files[0]
                    return data[key]
            return np.genfromtxt(path, delimiter=",")
        if kind in ("pandas", "data-audit-table"):
            import pandas as pd

            if file_name.endswith(".parquet"):
                return pd.read_parquet(path)
            if file_name.endswith(".feather"):
                return pd.read_feather(path)
            if file_name.endswith((".pickle", ".pkl")):
                return pd.read_pickle(path)
            return pd.read_csv(path, index_col=[0])
        if kind == "image":
            from PIL import Image

            with Image.open(path) as img:
                img.load()
                return img.copy()
        if kind == "dict":
            with open(path, encoding="utf-8") as fh:
                if file_name.endswith((".yaml", ".yml")):
                    import yaml

                    return yaml.safe_load(fh)
                return json.load(fh)
        if kind == "string":
            with open(path, encoding="utf-8") as fh:
                return fh.read()
        if kind == "pickle":
            with open(path, "rb") as fh:
                return pickle.load(fh)
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        import sys

        print(f"jupyter-track: artifact {name!r} could not be read as {kind} ({exc}); returning its path",
              file=sys.stderr)
    return Path(path)
