"""upload_artifact serialises each kind of object as ClearML does (clearml-api.md §2), and
``Artifact.get()`` / ``get_local_copy()`` bring it back."""
from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from jupyter_ext.errors import InvalidArgument


def test_a_file_path_is_stored_as_is(task: Any, files_dir: Path) -> None:
    src = files_dir / "titanic.csv"
    src.write_text("a,b\n1,2\n")
    assert task.upload_artifact(name="data.raw", artifact_object=str(src)) is True
    art = task.artifacts["data.raw"]
    assert (art.type, art.file_name, art.content_type) == ("custom", "titanic.csv", "text/csv")
    assert art.size == src.stat().st_size
    assert art.preview == f"titanic.csv - {src.stat().st_size}\n"
    got = art.get()
    assert isinstance(got, Path) and got.read_text() == "a,b\n1,2\n"
    local = art.get_local_copy()
    assert local is not None and Path(local).read_text() == "a,b\n1,2\n"
    assert src.exists(), "the user's file stays unless delete_after_upload=True"


def test_a_pathlib_path_works_too_and_a_missing_one_is_refused(task: Any, files_dir: Path) -> None:
    src = files_dir / "notes.txt"
    src.write_text("hello")
    task.upload_artifact("notes", src)
    assert task.artifacts["notes"].get().read_text() == "hello"
    with pytest.raises(InvalidArgument, match="does not exist"):
        task.upload_artifact("missing", files_dir / "nope.txt")


def test_a_folder_becomes_a_zip_and_comes_back_extracted(task: Any, files_dir: Path) -> None:
    folder = files_dir / "model_dir"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("A")
    (folder / "sub" / "b.txt").write_text("B")
    task.upload_artifact("folder", str(folder))
    art = task.artifacts["folder"]
    assert (art.type, art.content_type, art.file_name) == ("archive", "application/zip", "folder.zip")
    assert "a.txt - 1" in art.preview and "sub/b.txt - 1" in art.preview
    out = art.get_local_copy()
    assert out is not None
    assert sorted(os.listdir(out)) == ["a.txt", "sub"], "only the archive's files, no bookkeeping marks"
    assert (Path(out) / "sub" / "b.txt").read_text() == "B"
    assert art.get() == Path(out)
    zipped = art.get_local_copy(extract_archive=False)
    assert zipped is not None and zipfile.is_zipfile(zipped)
    assert sorted(zipfile.ZipFile(zipped).namelist()) == ["a.txt", "sub/b.txt"]


def test_a_wildcard_zips_the_matching_files_recursively(task: Any, files_dir: Path) -> None:
    (files_dir / "deep").mkdir()
    (files_dir / "one.csv").write_text("1")
    (files_dir / "deep" / "two.csv").write_text("2")
    (files_dir / "skip.txt").write_text("x")
    task.upload_artifact("csvs", str(files_dir / "*.csv"))
    art = task.artifacts["csvs"]
    assert art.type == "archive"
    out = Path(art.get_local_copy() or "")
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == ["deep/two.csv", "one.csv"]


def test_a_list_of_paths_is_one_archive(task: Any, files_dir: Path) -> None:
    (files_dir / "x").mkdir()
    (files_dir / "x" / "a.txt").write_text("A")
    (files_dir / "b.txt").write_text("B")
    task.upload_artifact("bundle", [files_dir / "x", files_dir / "b.txt"])
    out = Path(task.artifacts["bundle"].get())
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == ["b.txt", "x/a.txt"]


def test_a_dict_is_json_with_sorted_keys(task: Any) -> None:
    task.upload_artifact("cfg", {"b": 2, "a": [1, 2]})
    art = task.artifacts["cfg"]
    assert (art.type, art.content_type, art.file_name) == ("dict", "application/json", "cfg.json")
    assert art.get() == {"a": [1, 2], "b": 2}
    assert art.preview == json.dumps({"a": [1, 2], "b": 2}, indent=4, sort_keys=True)
    task.upload_artifact("unsorted", {"b": 2, "a": 1}, sort_keys=False)
    assert list(task.artifacts["unsorted"].get()) == ["b", "a"]


def test_a_dict_as_yaml(task: Any) -> None:
    task.upload_artifact("cfg", {"lr": 0.1}, extension_name=".yaml")
    art = task.artifacts["cfg"]
    assert (art.content_type, art.file_name) == ("application/yaml", "cfg.yaml")
    assert art.get() == {"lr": 0.1}


def test_a_dict_json_cannot_hold_is_pickled_or_refused(task: Any) -> None:
    task.upload_artifact("odd", {"when": {1, 2}})
    assert task.artifacts["odd"].type == "pickle"
    assert task.artifacts["odd"].get() == {"when": {1, 2}}
    with pytest.raises(InvalidArgument, match="auto_pickle"):
        task.upload_artifact("odd2", {"when": {1, 2}}, auto_pickle=False)


def test_numpy_npz_and_csv(task: Any) -> None:
    arr = np.arange(12, dtype=np.float64).reshape(3, 4)
    task.upload_artifact("arr", arr)
    art = task.artifacts["arr"]
    assert (art.type, art.content_type, art.file_name) == ("numpy", "application/numpy", "arr.npz")
    np.testing.assert_array_equal(art.get(), arr)
    assert art.preview == repr(arr)
    task.upload_artifact("arr csv", arr, extension_name=".csv.gz")
    assert task.artifacts["arr csv"].content_type == "text/csv"
    np.testing.assert_array_equal(task.artifacts["arr csv"].get(), arr)


def test_dataframe_csv_gz_round_trip_with_a_stable_hash(task: Any) -> None:
    df = pd.DataFrame({"x": [1, 2, 3], "y": [0.5, 1.5, 2.5], "s": ["a", "b", "c"]}, index=[10, 11, 12])
    task.upload_artifact("df", df)
    task.upload_artifact("df again", df.copy())
    first, second = task.artifacts["df"], task.artifacts["df again"]
    assert (first.type, first.content_type, first.file_name) == ("pandas", "text/csv", "df.csv.gz")
    assert first.hash == second.hash, "the same frame gives the same bytes (gzip mtime=0)"
    got = first.get()
    pd.testing.assert_frame_equal(got, df, check_dtype=False, check_index_type=False)
    assert first.preview == repr(df)


def test_dataframe_with_a_multiindex_is_pickled(task: Any) -> None:
    df = pd.DataFrame({"v": [1, 2]}, index=pd.MultiIndex.from_tuples([("a", 1), ("b", 2)]))
    task.upload_artifact("multi", df)
    art = task.artifacts["multi"]
    assert art.file_name == "multi.pickle"
    pd.testing.assert_frame_equal(art.get(), df)


def test_dataframe_parquet(task: Any) -> None:
    pytest.importorskip("pyarrow")
    df = pd.DataFrame({"x": [1, 2], "s": ["a", "b"]})
    task.upload_artifact("pq", df, extension_name=".parquet")
    art = task.artifacts["pq"]
    assert (art.file_name, art.content_type) == ("pq.parquet", "application/parquet")
    pd.testing.assert_frame_equal(art.get(), df)


def test_dataframe_parquet_without_pyarrow_says_what_to_install(task: Any) -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("pyarrow is installed")
    with pytest.raises(InvalidArgument, match="pyarrow"):
        task.upload_artifact("pq", pd.DataFrame({"x": [1]}), extension_name=".parquet")


def test_a_pil_image_is_png(task: Any) -> None:
    from PIL import Image

    img = Image.new("RGB", (8, 4), color=(200, 10, 10))
    task.upload_artifact("img", img)
    art = task.artifacts["img"]
    assert (art.type, art.content_type, art.file_name) == ("image", "image/png", "img.png")
    assert art.preview.startswith("<PIL.Image.Image image mode=RGB size=8x4")
    got = art.get()
    assert got.size == (8, 4) and got.getpixel((0, 0)) == (200, 10, 10)


def test_text_is_a_txt_file(task: Any) -> None:
    task.upload_artifact("note", "just some text, not a path")
    art = task.artifacts["note"]
    assert (art.type, art.file_name, art.content_type) == ("string", "note.txt", "text/plain")
    assert art.get() == "just some text, not a path"


def test_a_url_is_registered_not_uploaded(task: Any, files_dir: Path) -> None:
    task.upload_artifact("remote", "https://example.com/data/table.csv", preview="remote table")
    art = task.artifacts["remote"]
    assert (art.type, art.url, art.size, art.hash) == ("custom", "https://example.com/data/table.csv", 0, None)
    assert art.preview == "remote table"
    assert art.file_name == "table.csv"


def test_a_registered_url_is_fetched_on_demand(task: Any, files_dir: Path) -> None:
    # a real HTTP server on 127.0.0.1 serves the file: no network beyond this machine
    import functools
    import http.server
    import threading

    (files_dir / "table.csv").write_text("a\n1\n")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(files_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        task.upload_artifact("remote", f"http://127.0.0.1:{server.server_address[1]}/table.csv")
        local = task.artifacts["remote"].get_local_copy()
    finally:
        server.shutdown()
        server.server_close()
    assert local is not None and Path(local).read_text() == "a\n1\n"


def test_other_objects_are_pickled_and_auto_pickle_false_refuses(task: Any) -> None:
    for name, value in [("int", 42), ("float", 1.5), ("list", [1, "a"]), ("set", {3}), ("none", None),
                        ("tuple", (1, 2)), ("bytes", b"\x00\x01")]:
        task.upload_artifact(name, value)
        art = task.artifacts[name]
        assert (art.type, art.content_type, art.file_name) == ("pickle", "application/pickle", f"{name}.pkl")
        assert art.get() == value
    assert task.artifacts["list"].preview == repr([1, "a"])
    with pytest.raises(ValueError, match="auto_pickle"):
        task.upload_artifact("refused", [1, 2], auto_pickle=False)
    assert "refused" not in task.artifacts


def test_an_object_that_cannot_be_pickled_fails_at_the_call(task: Any) -> None:
    with pytest.raises(InvalidArgument, match="cannot be pickled"):
        task.upload_artifact("fn", lambda x: x)


def test_custom_serialization_and_deserialization(task: Any) -> None:
    task.upload_artifact("custom", {"k": 1}, serialization_function=lambda o: repr(o).encode()[::-1],
                         extension_name=".rev")
    art = task.artifacts["custom"]
    assert (art.type, art.file_name) == ("custom", "custom.rev")
    assert art.get(deserialization_function=lambda b: b[::-1].decode()) == "{'k': 1}"
    assert isinstance(art.get(), Path)
    with pytest.raises(InvalidArgument, match="must return bytes"):
        task.upload_artifact("bad", 1, serialization_function=lambda o: "text")


def test_extension_name_is_a_plain_extension(task: Any) -> None:
    task.upload_artifact("p", [1], extension_name="pkl")  # the dot is optional, as in ClearML
    assert task.artifacts["p"].file_name == "p.pkl"
    for bad in ("../../x", ".a/b", ". ", ".x\x00"):
        with pytest.raises(InvalidArgument, match="extension"):
            task.upload_artifact("q", [1], extension_name=bad)
    with pytest.raises(InvalidArgument, match="DataFrames are stored as"):
        task.upload_artifact("q", pd.DataFrame({"a": [1]}), extension_name=".xlsx")


def test_the_object_is_stored_as_it_was_at_the_call(task: Any) -> None:
    data = {"step": 1}
    df = pd.DataFrame({"x": [1]})
    task.upload_artifact("d", data)
    task.upload_artifact("f", df)
    data["step"] = 2
    df.loc[0, "x"] = 99
    task.flush(wait_for_uploads=True)
    assert task.artifacts["d"].get() == {"step": 1}
    assert task.artifacts["f"].get()["x"].tolist() == [1]


def test_previews_are_capped_at_64_kb(task: Any) -> None:
    task.upload_artifact("long", "x" * 200_000)
    task.upload_artifact("wide", "я" * 60_000)  # 120 KB of UTF-8: the cap counts bytes
    task.upload_artifact("given", [1], preview="p" * 100_000)
    for name in ("long", "wide", "given"):
        preview = task.artifacts[name].preview
        assert len(preview.encode()) <= 65536 + 1024, name
        assert preview.startswith("# full preview too large"), name
    assert task.artifacts["long"].get() == "x" * 200_000, "only the preview is cut, never the artifact"
    task.upload_artifact("short", "ok")
    assert task.artifacts["short"].preview == "ok"


def test_metadata_is_stored_as_strings(task: Any) -> None:
    task.upload_artifact("cfg", {"a": 1}, metadata={"origin": "grid", "trial": 3})
    assert task.artifacts["cfg"].metadata == {"origin": "grid", "trial": "3"}
    task.close()
    from jupyter_ext.sdk.tasks.task import Task

    stored = Task.get_task(task_id=task.id).artifacts["cfg"]
    assert stored.metadata == {"origin": "grid", "trial": "3"}
    with pytest.raises(InvalidArgument, match="metadata"):
        task.upload_artifact("bad", 1, metadata=["not", "a", "dict"])


def test_reusing_a_name_overwrites(task: Any) -> None:
    task.upload_artifact("result", {"v": 1})
    task.upload_artifact("result", {"v": 2})
    assert task.artifacts["result"].get() == {"v": 2}
    task.close()
    from jupyter_ext.sdk.tasks.task import Task

    stored = Task.get_task(task_id=task.id).artifacts
    assert list(stored) == ["result"]
    assert stored["result"].get() == {"v": 2}


def test_artifact_properties_and_repr(task: Any) -> None:
    import datetime
    import getpass

    task.upload_artifact("cfg", {"a": 1}, wait_on_upload=True)
    art = task.artifacts["cfg"]
    assert art.mode == "output"
    assert isinstance(art.timestamp, datetime.datetime)
    assert abs((datetime.datetime.now() - art.timestamp).total_seconds()) < 60
    assert art.hash is not None and len(art.hash) == 64
    assert art.url.startswith("file://") and art.url.endswith(art.hash)
    assert art.user == getpass.getuser()
    assert repr(art) == "<Artifact 'cfg' type=dict size=14 B>"
    with pytest.raises(TypeError):
        task.artifacts["x"] = art  # read-only
    with pytest.raises(KeyError, match="cfg"):
        task.artifacts["nope"]
