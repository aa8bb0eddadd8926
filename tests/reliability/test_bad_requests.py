"""Every malformed request gets a 4xx with the error shape, never a 500, and leaves the task readable."""
from __future__ import annotations

from typing import Any

import pytest


def _error_of(response: Any) -> dict[str, Any]:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    body = response.json()
    assert isinstance(body.get("error"), dict) and body["error"].get("message"), body
    return body["error"]  # type: ignore[no-any-return]


def _task(api: Any) -> str:
    made = api("POST", "tasks", json={"name": "probe", "project": "hardening"})
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


BAD_EVENTS = {
    "single value a string": {"single_values": [{"name": "x", "value": "abc"}]},
    "single value a list": {"single_values": [{"name": "x", "value": [1]}]},
    "console level a word": {"console": [{"level": "abc", "text": "t"}]},
    "console level overflows": b'{"console": [{"level": 1e400, "text": "t"}]}',  # JSON's 1e400 is Python's inf
    "iteration overflows int64": {"scalars": [{"title": "a", "series": "b", "iter": [10**30], "value": [1.0]}]},
    "iteration not whole": {"scalars": [{"title": "a", "series": "b", "iter": [1.5], "value": [1.0]}]},
    "debug sample without file_name": {"debug_samples": [{"title": "a", "series": "b", "iteration": 0,
                                                          "kind": "image", "url": "http://x/y.png"}]},
    "debug sample javascript url": {"debug_samples": [{"title": "a", "series": "b", "iteration": 0, "kind": "image",
                                                       "file_name": "y.png", "url": "javascript:alert(1)"}]},
    "console time far future": {"console": [{"level": 20, "text": "t", "time": 1e300}]},
    "console time negative": {"console": [{"level": 20, "text": "t", "time": -5}]},
    "scalar time far future": {"scalars": [{"title": "a", "series": "b", "iter": [1], "value": [1.0],
                                            "time": [1e300]}]},
}


@pytest.mark.parametrize("body", list(BAD_EVENTS.values()), ids=list(BAD_EVENTS))
def test_a_bad_event_is_refused_and_the_task_still_reads(api: Any, body: dict[str, Any] | bytes) -> None:
    task = _task(api)
    raw = {"data": body, "headers": {"Content-Type": "application/json"}}
    sent = raw if isinstance(body, bytes) else {"json": body}
    _error_of(api("POST", f"tasks/{task}/events", **sent))
    for path in ("console", "scalars?x_axis=iso_time", "scalars?x_axis=timestamp", "single-values",
                 "debug-samples"):
        assert api("GET", f"tasks/{task}/{path}").status_code == 200, path


RAW_BODIES = {
    "NaN time": ("events", b'{"console": [{"task_id": "%s", "level": 20, "text": "t", "time": NaN}]}'),
    "lone surrogate in a name": ("tasks", b'{"name": "a\\ud800b", "project": "hardening"}'),
    "deeply nested": ("events", b"[" * 100_000),
    "NaN last_iteration": ("tasks/%s", b'{"last_iteration": NaN}'),
    "infinite last_iteration": ("tasks/%s", b'{"last_iteration": Infinity}'),
    "name with NUL": ("tasks", b'{"name": "a\\u0000b", "project": "hardening"}'),
    "name too long": ("tasks", b'{"name": "' + b"n" * 5000 + b'", "project": "hardening"}'),
    "last_iteration a string": ("tasks/%s", b'{"last_iteration": "7"}'),
    "last_iteration not whole": ("tasks/%s", b'{"last_iteration": 1.5}'),
}


@pytest.mark.parametrize("case", list(RAW_BODIES.values()), ids=list(RAW_BODIES))
def test_a_bad_body_is_a_400(api: Any, case: tuple[str, bytes]) -> None:
    task = _task(api)
    path, body = case
    method = "PATCH" if path.startswith("tasks/") else "POST"
    filled = body.replace(b"%s", task.encode()) if b"%s" in body else body
    response = api(method, path.replace("%s", task), data=filled, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, (response.status_code, response.text[:300])
    _error_of(response)
    assert api("GET", f"tasks/{task}").status_code == 200


def test_a_long_title_names_its_field(api: Any) -> None:
    task = _task(api)
    body = {"scalars": [{"title": "t" * 5000, "series": "b", "iter": [1], "value": [1.0]}]}
    error = _error_of(api("POST", f"tasks/{task}/events", json=body))
    assert "title" in error["message"]


def test_405_names_the_allowed_methods_and_answers_nosniff(api: Any) -> None:
    response = api("PUT", "tasks")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    _error_of(response)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert api("GET", "tasks").headers["X-Content-Type-Options"] == "nosniff"


def test_iteration_rules_match_between_rest_and_the_sdk(api: Any) -> None:
    from jupyter_ext.core.rules.events import check_iteration

    with pytest.raises(ValueError):
        check_iteration(10**30)
    with pytest.raises(TypeError):
        check_iteration(1.5)  # type: ignore[arg-type]


def test_a_task_already_holding_an_absurd_time_still_reads(server: Any, api: Any) -> None:
    """Times written before the door checked them (straight into the store) are shown, not a 500."""
    import numpy as np

    from jupyter_ext.core.event_batch import EventBatch

    task = _task(api)
    batch = EventBatch()
    batch.console.append((task, 20, "from the far future", 1e300))
    batch.scalars.append((task, "loss", "train", np.array([1, 2]), np.array([0.5, 0.4]), np.array([1e300, -1e300])))
    server.services.backend.write_events(batch)
    console = api("GET", f"tasks/{task}/console")
    assert console.status_code == 200 and console.json()["items"][0]["text"] == "from the far future"
    for axis in ("iso_time", "timestamp", "iter"):
        read = api("GET", f"tasks/{task}/scalars?x_axis={axis}")
        assert read.status_code == 200, (axis, read.text[:200])
        xs = read.json()["loss"]["train"]["x"]
        if axis == "timestamp":
            assert all(0 <= x <= 253402300799000 for x in xs), xs


@pytest.mark.parametrize("path", ["tasks?name=(a%2B)%2B$", "models?name=(a%2B)%2B$"])
def test_a_catastrophic_regex_cannot_pin_the_server(api: Any, path: str) -> None:
    """``(a+)+$`` against ``'a'*40 + '!'`` would backtrack for days in Python's re; RE2 answers at once."""
    made = api("POST", "tasks", json={"name": "a" * 40 + "!", "project": "hardening"})
    assert made.status_code == 201
    answer = api("GET", path)
    assert answer.status_code in (200, 404), answer.text[:200]
    if path.startswith("tasks"):
        assert answer.json()["total"] == 0


def test_a_regex_re2_cannot_run_is_a_400_saying_so(api: Any) -> None:
    error = _error_of(api("GET", "tasks?name=(a)\\1"))
    assert "backreferences" in error["message"]


def test_the_sdk_refuses_what_the_rest_api_refuses(task: Any) -> None:
    logger = task.get_logger()
    for bad, kind in ((10**30, ValueError), (1.5, TypeError), ("3", TypeError), (float("nan"), TypeError)):
        with pytest.raises(kind):
            logger.report_scalar("loss", "train", 1.0, bad)
    logger.report_scalar("loss", "train", 1.0, 2.0)  # a whole float is an iteration on both sides
    logger.report_scalar("loss", "train", 1.0, 2**63 - 1)


def test_the_sdk_refuses_a_javascript_sample_url(task: Any) -> None:
    from jupyter_ext.errors import InvalidArgument

    logger = task.get_logger()
    with pytest.raises(InvalidArgument, match="allowed are http"):
        logger.report_media("media", "s", iteration=0, url="javascript:alert(1)")
    logger.report_media("media", "s", iteration=0, url="https://example.com/a.png")
