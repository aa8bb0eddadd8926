"""The rules of core/rules/pipelines.py: names, the DAG, references, the stored document and its view."""
from __future__ import annotations

import pytest

from jupyter_ext.core.rules import pipelines
from jupyter_ext.core.rules.pipelines import Ref
from jupyter_ext.errors import InvalidArgument


@pytest.mark.parametrize("name", ["prepare_data", "step-2", "A1"])
def test_valid_step_names(name: str) -> None:
    assert pipelines.check_step_name(name) == name


@pytest.mark.parametrize("name, words", [("", "non-empty"), ("a.b", "letters, digits"), ("two words", "two_words"),
                                         ("pipeline", "pipeline parameter"), ("x" * 200, "longer")])
def test_bad_step_names_say_what_to_do(name: str, words: str) -> None:
    with pytest.raises(InvalidArgument, match=words):
        pipelines.check_step_name(name)


def test_levels_keep_the_given_order_within_a_level() -> None:
    dag = {"a": [], "b": [], "c": ["a"], "d": ["a", "b"], "e": ["d", "c"]}
    assert pipelines.check_dag(dag) == [["a", "b"], ["c", "d"], ["e"]]
    assert pipelines.topological_order(dag) == ["a", "b", "c", "d", "e"]
    assert pipelines.descendants(dag, "a") == ["c", "d", "e"]
    assert pipelines.descendants(dag, "e") == []


def test_unknown_parent_is_named() -> None:
    with pytest.raises(InvalidArgument, match=r"step 'b' has parent 'nope'.*steps: a, b"):
        pipelines.check_dag({"a": [], "b": ["nope"]})


def test_self_parent_is_refused() -> None:
    with pytest.raises(InvalidArgument, match="lists itself"):
        pipelines.check_dag({"a": ["a"]})


def test_cycle_is_named_step_by_step() -> None:
    with pytest.raises(InvalidArgument) as info:
        pipelines.check_dag({"start": [], "a": ["start", "c"], "b": ["a"], "c": ["b"]})
    message = str(info.value)
    assert "cycle" in message
    cycle = message.split("cycle: ")[1].split(";")[0].split(" -> ")
    assert cycle[0] == cycle[-1] and set(cycle) == {"a", "b", "c"}


@pytest.mark.parametrize("text, step, path, kind", [
    ("${prep.id}", "prep", ("id",), "id"),
    ("${prep.artifacts.data.url}", "prep", ("artifacts", "data", "url"), "artifacts"),
    ("${prep.artifacts.data}", "prep", ("artifacts", "data", "url"), "artifacts"),
    ("${prep.artifacts.data\\.csv.size}", "prep", ("artifacts", "data.csv", "size"), "artifacts"),
    ("${prep.models.output.-1.url}", "prep", ("models", "output", "-1", "url"), "models"),
    ("${prep.parameters.Args/input_file}", "prep", ("parameters", "Args/input_file"), "parameters"),
    ("${prep.parameters.General/lr.x}", "prep", ("parameters", "General/lr.x"), "parameters"),
    ("${pipeline.url}", "pipeline", ("url",), "pipeline"),
    ("${prep.script.branch}", "prep", ("script", "branch"), "field"),
    ("${prep.data_frame}", "prep", ("data_frame",), "return"),
])
def test_references_parse(text: str, step: str, path: tuple[str, ...], kind: str) -> None:
    (ref,) = pipelines.find_refs(text)
    assert (ref.step, ref.path, ref.kind) == (step, path, kind)


@pytest.mark.parametrize("text", ["${prep}", "${prep.}", "${prep.models.output.url}", "${prep.id.x}",
                                  "${pipeline.a.b}", "${prep.artifacts.a.b.c}"])
def test_malformed_references_are_refused(text: str) -> None:
    with pytest.raises(InvalidArgument, match="reference"):
        pipelines.find_refs(text)


def test_resolve_keeps_the_type_of_a_whole_reference_and_formats_inside_text() -> None:
    values = {"prep.id": "abc", "pipeline.n": 3}

    def lookup(ref: Ref) -> object:
        return values[f"{ref.step}.{ref.path[0]}"]

    assert pipelines.resolve("${pipeline.n}", lookup) == 3
    assert pipelines.resolve("run ${prep.id} x${pipeline.n}", lookup) == "run abc x3"
    assert pipelines.resolve({"a": ["${prep.id}", 1]}, lookup) == {"a": ["abc", 1]}
    assert pipelines.resolve(["${prep.id}"], lookup, recursive=False) == ["${prep.id}"]
    assert pipelines.resolve(7, lookup) == 7


def test_check_refs_names_unknown_steps_and_parameters() -> None:
    with pytest.raises(InvalidArgument, match="names step 'ghost'"):
        pipelines.check_refs("step 'b'", ["${ghost.id}"], ["a", "b"], [])
    with pytest.raises(InvalidArgument, match="add_parameter\\('url'"):
        pipelines.check_refs("step 'b'", ["${pipeline.url}"], ["a", "b"], ["other"])
    pipelines.check_refs("step 'b'", ["${a.id}", "${pipeline.other}", 5], ["a", "b"], ["other"])
    assert pipelines.referenced_steps(["${a.id} ${pipeline.x}", {"k": "${b.artifacts.f.url}"}]) == ["a", "b"]


def test_document_refuses_duplicates_and_cycles() -> None:
    with pytest.raises(InvalidArgument, match="unique"):
        pipelines.dag_document([{"name": "a"}, {"name": "a"}])
    with pytest.raises(InvalidArgument, match="cycle"):
        pipelines.dag_document([{"name": "a", "parents": ["b"]}, {"name": "b", "parents": ["a"]}])


def test_view_joins_live_step_status() -> None:
    doc = pipelines.dag_document([
        {"name": "a", "task_id": "t1", "state": "launched"},
        {"name": "b", "parents": ["a"], "task_id": "t2", "state": "launched", "queue": "gpu"},
        {"name": "c", "parents": ["b"], "state": "skipped", "message": "not run: step 'b' failed"},
        {"name": "d", "parents": ["a"]},
    ], version="1.0")
    steps = {"t1": {"status": "completed", "started": 10.0, "completed": 12.5, "name": "a"},
             "t2": {"status": "in_progress", "started": 13.0, "completed": None, "name": "b", "queue": None}}
    view = pipelines.view({"id": "run", "name": "P"}, doc, steps, now=20.0)
    by = {n["name"]: n for n in view["nodes"]}
    assert by["a"]["status"] == "completed" and by["a"]["duration"] == 2.5
    assert by["b"]["status"] == "in_progress" and by["b"]["duration"] == 7.0 and by["b"]["queue"] == "gpu"
    assert by["c"]["status"] == "skipped" and "failed" in by["c"]["status_reason"]
    assert by["d"]["status"] == "pending" and by["d"]["duration"] is None
    assert view["edges"] == [["a", "b"], ["b", "c"], ["a", "d"]]
    assert view["version"] == "1.0"
    assert pipelines.status_counts(view["nodes"]) == {"completed": 1, "in_progress": 1, "skipped": 1, "pending": 1}
