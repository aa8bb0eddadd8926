"""The pure rules of a notebook run's story: origins, out-of-order, parameters, injection."""
from __future__ import annotations

from jupyter_ext.core.rules import notebook_history as history


def _cell(source: str, cell_id: str, tags: list[str] | None = None) -> dict[str, object]:
    return {"cell_type": "code", "id": cell_id, "source": source, "metadata": {"tags": tags or []},
            "outputs": [], "execution_count": None}


def test_a_result_belongs_to_the_execution_that_started_last_before_it() -> None:
    starts = [10.0, 20.0, 30.0]
    assert [history.origin_index(starts, t) for t in (5.0, 10.0, 25.0, 99.0)] == [None, 0, 1, 2]
    assert history.snapshot_version(21.0, [(1, 15.0), (2, 22.0), (3, 40.0)]) == 2
    assert history.snapshot_version(50.0, [(1, 15.0)]) is None


def test_going_back_up_is_out_of_order_but_a_restart_starts_over() -> None:
    cells = history.cells_of({"cells": [_cell("a", "c1"), _cell("b", "c2"), _cell("c", "c3")]})
    runs = [{"seq": 1, "cell_id": "c1", "kernel": "k1", "source_sha": history.source_sha("a")},
            {"seq": 2, "cell_id": "c3", "kernel": "k1", "source_sha": history.source_sha("c")},
            {"seq": 3, "cell_id": "c2", "kernel": "k1", "source_sha": history.source_sha("b")},
            {"seq": 4, "cell_id": "c1", "kernel": "k2", "source_sha": history.source_sha("old a")}]
    found = history.check(runs, cells)
    assert found["out_of_order"] == [3] and found["edited_after_run"] == [4] and found["missing"] == []
    assert len(found["messages"]) == 2


def test_parameters_are_read_and_injected_as_papermill_does() -> None:
    nb = {"cells": [_cell("import os", "i"), _cell("lr = 0.1\nname: str = 'a'\nsteps = 2 * 5", "p", ["parameters"]),
                    _cell("# Parameters\nlr = 9\n", "old", ["injected-parameters"]), _cell("print(lr)", "t")]}
    assert history.parameters_of(nb) == {"lr": 0.1, "name": "a"}  # an expression is not a value
    history.inject_parameters(nb, {"lr": 0.5, "name": "b"})
    assert [c["id"] for c in nb["cells"]] == ["i", "p", "injected-parameters", "t"]
    assert nb["cells"][2]["source"] == "# Parameters\nlr = 0.5\nname = 'b'\n"
    plain = {"cells": [_cell("print(1)", "x")]}
    history.inject_parameters(plain, {"k": 1})
    assert plain["cells"][0]["metadata"]["tags"] == ["injected-parameters"]  # no parameters cell: first


def test_the_default_version_skips_a_copy_where_nothing_ran() -> None:
    class V:
        def __init__(self, version: int, executed: int) -> None:
            self.version, self.executed = version, executed

    assert history.default_version([V(1, 3), V(2, 5), V(3, 0)]).version == 2
    assert history.default_version([V(1, 0), V(2, 0)]).version == 2
    assert history.default_version([]) is None
