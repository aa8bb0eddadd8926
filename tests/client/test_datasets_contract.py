"""Dataset versions through the Backend interface, one method per operation: the same rows in
process and over HTTP."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.errors import Conflict, InvalidArgument, NotFound
from jupyter_ext.store.rows import DatasetFileRow, DatasetVersionRow


def _file(backend: Any, tmp_path: Path, name: str, data: bytes) -> dict[str, Any]:
    path = tmp_path / name
    path.write_bytes(data)
    return {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "source": str(path)}


def _stored(backend: Any, dataset_id: str) -> None:
    pending = backend.get_pending_dataset_uploads(dataset_id)
    assert all(isinstance(f, DatasetFileRow) and f.source for f in pending)
    stored = []
    for f in pending:
        sha, size = backend.put_blob_file(str(f.source))
        stored.append({"path": f.path, "sha256": sha, "size": size})
    backend.mark_dataset_files_stored(dataset_id, stored)


def test_a_version_is_made_filled_finalized_and_read(any_backend: Any, tmp_path: Path) -> None:
    made = any_backend.create_dataset({"name": "images", "project": "D", "tags": ["raw"]})
    assert isinstance(made, DatasetVersionRow) and (made.version, made.status, made.tags) == ("1", "draft", ("raw",))
    assert isinstance(made.created, float) and made.finalized is None
    entries = [_file(any_backend, tmp_path, "a.txt", b"a"), _file(any_backend, tmp_path, "b.txt", b"bb")]
    assert any_backend.add_dataset_files(made.id, entries) == {"added": 2, "modified": 0, "unchanged": 0}
    assert any_backend.add_dataset_files(made.id, entries[:1]) == {"added": 0, "modified": 0, "unchanged": 1}
    with pytest.raises(Conflict, match="not uploaded yet"):
        any_backend.finalize_dataset(made.id)
    _stored(any_backend, made.id)
    assert any_backend.get_pending_dataset_uploads(made.id) == []
    final = any_backend.finalize_dataset(made.id)
    assert (final.status, final.file_count, final.total_size) == ("final", 2, 3) and final.finalized is not None
    files = any_backend.get_dataset_files(made.id)
    assert [(f.path, f.size, f.state, f.source) for f in files] == [("a.txt", 1, "added", None),
                                                                     ("b.txt", 2, "added", None)]
    assert any_backend.get_dataset(made.id) == final
    with pytest.raises(Conflict, match="finalized and read-only"):
        any_backend.add_dataset_files(made.id, entries)

    child = any_backend.create_dataset({"name": "images", "project": "D", "parents": [made.id]})
    assert (child.version, child.parents, child.file_count) == ("2", (made.id,), 2)
    assert any_backend.remove_dataset_files(child.id, "a.txt") == 1
    any_backend.add_dataset_files(child.id, [_file(any_backend, tmp_path, "b.txt", b"changed"),
                                             {"path": "c.csv", "url": "https://example.com/c.csv"}])
    assert any_backend.get_removed_dataset_files(child.id) == ["a.txt"]
    assert [(f.path, f.state) for f in any_backend.get_dataset_files(child.id)] == [("b.txt", "modified"),
                                                                                    ("c.csv", "added")]
    assert any_backend.diff_datasets(made.id, child.id) == {"added": ["c.csv"], "removed": ["a.txt"],
                                                            "modified": ["b.txt"]}
    assert any_backend.get_dataset_graph(child.id) == {child.id: [made.id], made.id: []}
    assert any_backend.get_dataset_files(child.id, "nothing/here") == []
    with pytest.raises(InvalidArgument, match="may not contain"):
        any_backend.add_dataset_files(child.id, [{"path": "../up", "url": "https://example.com/x"}])


def test_versions_are_found_edited_moved_squashed_and_deleted(any_backend: Any, tmp_path: Path) -> None:
    first = any_backend.create_dataset({"name": "texts", "project": "T"})
    _ = any_backend.add_dataset_files(first.id, [_file(any_backend, tmp_path, "x.txt", b"x")])
    _stored(any_backend, first.id)
    any_backend.finalize_dataset(first.id)
    second = any_backend.create_dataset({"name": "texts", "project": "T", "parents": [first.id]})
    assert any_backend.find_dataset(project="T", name="texts").id == second.id
    assert any_backend.find_dataset(project="T", name="texts", only_final=True).id == first.id
    assert any_backend.find_dataset(project="T", name="texts", version="1").id == first.id
    with pytest.raises(NotFound):
        any_backend.find_dataset(project="T", name="texts", version="9")
    assert [r.id for r in any_backend.query_datasets(project="T")] == [second.id, first.id]
    assert [r.id for r in any_backend.query_datasets(name="ext", only_final=True)] == [first.id]
    assert any_backend.query_datasets(name="ext", exact_name=True) == []
    assert [r.id for r in any_backend.query_datasets(ids=[first.id])] == [first.id]

    edited = any_backend.update_dataset(second.id, {"description": "more", "tags": ["v2"]})
    assert (edited.description, edited.tags) == ("more", ("v2",))
    with pytest.raises(InvalidArgument, match="cannot edit"):
        any_backend.update_dataset(second.id, {"status": "final"})
    assert any_backend.move_dataset(second.id, "Elsewhere").project_name == "Elsewhere"

    _stored(any_backend, second.id)
    any_backend.finalize_dataset(second.id)
    squashed = any_backend.squash_datasets("flat", [first.id, second.id], project="T")
    assert (squashed.status, squashed.file_count, squashed.parents) == ("final", 1, ())
    with pytest.raises(Conflict, match="parent of 1"):
        any_backend.delete_dataset(first.id)
    any_backend.delete_dataset(second.id)
    any_backend.delete_dataset(first.id)
    with pytest.raises(NotFound):
        any_backend.get_dataset(first.id)
    assert [r.id for r in any_backend.query_datasets(project="T")] == [squashed.id]
