"""How an object becomes an artifact file, and back (ClearML's rules, in the same order).

``serialize`` writes the object to a temporary file (or names an existing one) and says its
type, content type and preview; nothing is read whole into memory. ``deserialize`` turns a
downloaded file back into the object, by type.
"""
from __future__ import annotations

import contextlib
import dataclasses
import gzip
import io
import json
import os
import pickle
import re
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from jupyter_ext.errors import InvalidArgument

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
    """At most 64 KB of UTF-8 (plus a one-line header), as ClearML's ``max_preview_size_bytes``.

    Counted in bytes, not characters: 64 K characters of Cyrillic text are 128 KB."""
    if len(text) <= MAX_PREVIEW // 4:  # short enough whatever the characters: no encoding needed
        return text
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= MAX_PREVIEW:
        return text
    head = data[:MAX_PREVIEW].decode("utf-8", "ignore")  # "ignore" drops a character cut in two
    return f"# full preview too large ({len(data):,} bytes), first {MAX_PREVIEW // 1024} KB shown\n" + head


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


_EXTENSION = re.compile(r"^(\.[A-Za-z0-9_-]+)+$")


def check_extension(extension_name: str | None) -> str | None:
    """``"parquet"`` -> ``".parquet"``; refuse anything that is not a plain file extension, since
    it becomes part of a file name."""
    if extension_name is None or extension_name == "":
        return None
    if not isinstance(extension_name, str):
        raise InvalidArgument(f"extension_name must be a string such as '.parquet', not {extension_name!r}")
    ext = extension_name if extension_name.startswith(".") else "." + extension_name
    if len(ext) > 16 or not _EXTENSION.match(ext):
        raise InvalidArgument(f"extension_name {extension_name!r} is not a file extension; use e.g. '.parquet', "
                              f"'.csv.gz', '.yaml' or '.pkl'")
    return ext


def _temp(suffix: str) -> str:
    fd, path = tempfile.mkstemp(prefix="jupyter-track-", suffix=suffix)
    os.close(fd)
    return path


@contextlib.contextmanager
def _writing(suffix: str) -> Iterator[str]:
    """A temporary file to serialise into; removed again if serialising fails half-way."""
    path = _temp(suffix)
    try:
        yield path
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise


def serialize(name: str, obj: Any, *, auto_pickle: bool = True, preview: Any = None,
              extension_name: str | None = None,
              serialization_function: Callable[[Any], bytes | bytearray] | None = None,
              sort_keys: bool = True) -> Serialized:
    """Turn ``obj`` into the file to store, by ClearML's rules in ClearML's order (see the module
    docstring). Raises :class:`InvalidArgument` at once for what cannot be stored."""
    stem = file_stem(name)
    ext = check_extension(extension_name)
    if serialization_function is not None:
        data = serialization_function(obj)
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise InvalidArgument(f"artifact {name!r}: serialization_function must return bytes, "
                                  f"not {type(data).__name__}")
        suffix = ext or ""
        with _writing(suffix) as path, open(path, "wb") as fh:
            fh.write(data)
        return Serialized("custom", _guess_mime(suffix), stem + suffix, _preview(preview, obj), path, temporary=True)
    if ext in (".pkl", ".pickle") and not _is_dataframe(obj):
        return _pickle(name, stem, obj, preview)
    if isinstance(obj, str) and obj and len(obj) < 2048 and os.path.exists(obj):
        obj = Path(obj)
    if _is_ndarray(obj):
        return _numpy(name, stem, obj, preview, ext)
    if _is_dataframe(obj):
        return _dataframe(name, stem, obj, preview, ext)
    if _is_image(obj):
        return _image(name, stem, obj, preview, ext)
    if isinstance(obj, dict):
        return _dict(name, stem, obj, preview, ext, auto_pickle=auto_pickle, sort_keys=sort_keys)
    if isinstance(obj, str) and ("*" in obj or "?" in obj):
        pattern = Path(obj)
        folder = pattern.parent
        # ClearML matches the wildcard recursively (rglob) under the pattern's folder.
        matches = sorted(p for p in folder.rglob(pattern.name) if p.is_file()) if folder.is_dir() else []
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
        raise InvalidArgument(f"artifact {name!r}: {obj} does not exist (a Path must name a file or a folder)")
    if isinstance(obj, (list, tuple)) and obj and all(isinstance(p, Path) for p in obj):
        return _zip_paths(name, stem, [Path(os.path.abspath(p)) for p in obj], preview)
    if isinstance(obj, str) and len(obj) < 4096 and _URL.match(obj):
        return Serialized("custom", _guess_mime(os.path.splitext(obj)[1]), os.path.basename(obj.rstrip("/")),
                          _preview(preview, ""), None, url=obj)
    if isinstance(obj, str) and obj:
        with _writing(".txt") as path, open(path, "w", encoding="utf-8") as fh:
            fh.write(obj)
        return Serialized("string", "text/plain", stem + ".txt", _preview(preview, obj), path, temporary=True)
    if not auto_pickle and not (obj is None or isinstance(obj, str)):  # None and "" are pickled anyway
        raise InvalidArgument(f"artifact {name!r}: objects of type {type(obj).__name__} are stored by pickling; "
                              f"pass auto_pickle=True or a serialization_function")
    return _pickle(name, stem, obj, preview)


def _preview(preview: Any, default: Any) -> str:
    """The caller's preview as text (``str()``, as ClearML does), else the default's repr."""
    if preview is not None:
        return cap_preview(preview if isinstance(preview, str) else str(preview))
    return cap_preview(default if isinstance(default, str) else _safe_repr(default))


def _safe_repr(obj: Any) -> str:
    try:
        return repr(obj)
    except Exception:  # noqa: BLE001 - an object whose __repr__ fails still deserves to be stored
        return f"<{type(obj).__name__} object>"


# Type checks by isinstance on modules already imported: an object of a type from numpy, pandas
# or PIL means that module is loaded, so nothing is imported to look (subclasses count too). A
# module another thread is still importing lacks the class yet, and no object can be of it.
def _loaded_class(module: str, name: str) -> type | None:
    found = getattr(sys.modules.get(module), name, None)
    return found if isinstance(found, type) else None


def _is_ndarray(obj: Any) -> bool:
    cls = _loaded_class("numpy", "ndarray")
    return cls is not None and isinstance(obj, cls)


def _is_dataframe(obj: Any) -> bool:
    cls = _loaded_class("pandas", "DataFrame")
    return cls is not None and isinstance(obj, cls)


def _is_image(obj: Any) -> bool:
    cls = _loaded_class("PIL.Image", "Image")
    return cls is not None and isinstance(obj, cls)


def _pickle(name: str, stem: str, obj: Any, preview: Any) -> Serialized:
    with _writing(".pkl") as path:
        try:
            with open(path, "wb") as fh:
                pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            raise InvalidArgument(f"artifact {name!r}: a {type(obj).__name__} cannot be pickled ({exc}); "
                                  f"pass a serialization_function, or store its data instead") from exc
    return Serialized("pickle", "application/pickle", stem + ".pkl", _preview(preview, obj), path, temporary=True)


def _numpy(name: str, stem: str, arr: Any, preview: Any, ext: str | None) -> Serialized:
    import numpy as np

    if arr.dtype == object and ext is None:
        # np.load refuses object arrays without allow_pickle; store them as what they are, a pickle.
        return _pickle(name, stem, arr, preview)
    if ext in (".csv", ".csv.gz"):
        with _writing(".csv.gz") as path:
            try:
                with open(path, "wb") as raw, _gzip(raw) as gz:
                    np.savetxt(gz, arr, delimiter=",")
            except ValueError as exc:
                raise InvalidArgument(f"artifact {name!r}: only 1-D and 2-D arrays can be stored as CSV "
                                      f"({exc})") from exc
        return Serialized("numpy", "text/csv", stem + ".csv.gz", _preview(preview, arr), path, temporary=True)
    if ext not in (None, ".npz"):
        raise InvalidArgument(f"artifact {name!r}: numpy arrays are stored as .npz or .csv.gz, not {ext!r}")
    with _writing(".npz") as path:
        np.savez_compressed(path, **{file_stem(name): arr})
    return Serialized("numpy", "application/numpy", stem + ".npz", _preview(preview, arr), path, temporary=True)


def _gzip(raw: Any) -> gzip.GzipFile:
    """gzip with mtime=0, so the same content gives the same bytes (one hash, one stored blob), at
    zlib's usual level 6: level 9 (GzipFile's default) costs ~40 % more time for the same size."""
    return gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="", compresslevel=6)


_FRAME_FORMATS = {".csv.gz": "text/csv", ".parquet": "application/parquet", ".feather": "application/feather",
                  ".pickle": "application/pickle", ".pkl": "application/pickle"}


def _dataframe(name: str, stem: str, df: Any, preview: Any, ext: str | None) -> Serialized:
    import pandas as pd

    if ext is None:
        # CSV cannot bring back a MultiIndex (rows or columns): those frames are pickled, as ClearML does.
        multi = isinstance(df.index, pd.MultiIndex) or isinstance(df.columns, pd.MultiIndex)
        ext = ".pickle" if multi else ".csv.gz"
    if ext not in _FRAME_FORMATS:
        raise InvalidArgument(f"artifact {name!r}: DataFrames are stored as .csv.gz, .parquet, .feather or .pickle, "
                              f"not {ext!r}")
    with _writing(ext) as path:
        try:
            if ext == ".csv.gz":
                with open(path, "wb") as raw, _gzip(raw) as gz, io.TextIOWrapper(gz, encoding="utf-8",
                                                                                   newline="") as text:
                    df.to_csv(text)
            elif ext == ".parquet":
                df.to_parquet(path)
            elif ext == ".feather":
                df.reset_index().to_feather(path)
            else:
                df.to_pickle(path)
        except ImportError as exc:
            raise InvalidArgument(f"artifact {name!r}: storing a DataFrame as {ext} needs {exc.name or 'pyarrow'} "
                                  f"(pip install pyarrow), or leave extension_name unset for .csv.gz") from exc
    return Serialized("pandas", _FRAME_FORMATS[ext], stem + ext, _preview(preview, df), path, temporary=True)


def _image(name: str, stem: str, img: Any, preview: Any, ext: str | None) -> Serialized:
    suffix = ext or ".png"
    with _writing(suffix) as path:
        try:
            img.save(path)
        except (OSError, ValueError, KeyError) as exc:
            raise InvalidArgument(f"artifact {name!r}: PIL cannot save this {img.mode} image as {suffix} ({exc}); "
                                  f"try extension_name='.png'") from exc
    text = repr(img).split(" at ")[0]
    return Serialized("image", _guess_mime(suffix), stem + suffix, _preview(preview, text), path, temporary=True)


def _dict(name: str, stem: str, obj: dict[Any, Any], preview: Any, ext: str | None, *, auto_pickle: bool,
          sort_keys: bool) -> Serialized:
    if ext not in (None, ".json", ".yaml", ".yml"):
        raise InvalidArgument(f"artifact {name!r}: dicts are stored as .json or .yaml, not {ext!r}")
    try:
        if ext in (".yaml", ".yml"):
            import yaml

            text = yaml.safe_dump(obj, sort_keys=sort_keys)
            mime, suffix = "application/yaml", ext
        else:
            text = json.dumps(obj, sort_keys=sort_keys, indent=4)
            mime, suffix = "application/json", ".json"
    except (TypeError, ValueError) as exc:  # yaml's RepresenterError is a ValueError too
        if not auto_pickle:
            raise InvalidArgument(f"artifact {name!r}: the dict cannot be stored as {ext or 'JSON'} ({exc}); "
                                  f"pass auto_pickle=True or make its values JSON-friendly") from exc
        return _pickle(name, stem, obj, preview)
    with _writing(suffix) as path, open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return Serialized("dict", mime, stem + suffix, _preview(preview, text), path, temporary=True)


def _zip_paths(name: str, stem: str, entries: list[Path], preview: Any) -> Serialized:
    """A list of files and folders: one archive, paths relative to what they have in common."""
    missing = [str(p) for p in entries if not p.exists()]
    if missing:
        raise InvalidArgument(f"artifact {name!r}: these paths do not exist: {', '.join(missing[:5])}")
    base = Path(os.path.commonpath([str(p.parent) for p in entries]))
    files: list[Path] = []
    for p in entries:
        files += sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
    return _zip(stem, list(dict.fromkeys(files)), base, preview, "Archive content:\n")


def _zip(stem: str, files: list[Path], base: Path, preview: Any, header: str) -> Serialized:
    lines = [header]
    # A fixed date per entry keeps the archive's bytes, and so its hash, the same for the same files.
    with _writing(".zip") as path, zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED,
                                                    allowZip64=True) as zf:
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
