"""``GET/POST models/{model_id}/metrics`` on the standalone server: the wire format the UI reads,
errors, and the change announced on the websocket."""
from __future__ import annotations

import json
import time
from typing import Any

import pytest


def _model(api: Any) -> str:
    made = api("POST", "models", json={"name": "net", "project": "M"})
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def test_report_then_read_in_the_contract_shape(api: Any) -> None:
    model_id = _model(api)
    assert api("GET", f"models/{model_id}/metrics").json() == {"scalars": [], "single_values": [], "plots": []}
    body = {"scalars": [{"title": "loss", "series": "val", "iteration": 1, "value": 0.4},
                        {"title": "loss", "series": "train", "iteration": 2, "value": 0.2},
                        {"title": "loss", "series": "train", "iteration": 1, "value": 0.5},
                        {"title": "Accuracy", "series": "val", "iteration": 1, "value": 1}],
            "single_values": [{"name": "test f1", "value": 0.7}, {"name": "acc", "value": 0.9}]}
    posted = api("POST", f"models/{model_id}/metrics", json=body)
    assert posted.status_code == 200 and posted.json() == {"stored": 6}
    again = api("POST", f"models/{model_id}/metrics", json={"scalars": [
        {"title": "loss", "series": "train", "iteration": 1, "value": 0.45}], "single_values": [
        {"name": "acc", "value": 0.92}]})
    assert again.json() == {"stored": 2}
    assert api("GET", f"models/{model_id}/metrics").json() == {
        "scalars": [{"title": "Accuracy", "series": "val", "iterations": [1], "values": [1.0]},
                    {"title": "loss", "series": "train", "iterations": [1, 2], "values": [0.45, 0.2]},
                    {"title": "loss", "series": "val", "iterations": [1], "values": [0.4]}],
        "single_values": [{"name": "acc", "value": 0.92}, {"name": "test f1", "value": 0.7}],
        "plots": [],
    }
    # only one kind, or none, is fine too
    assert api("POST", f"models/{model_id}/metrics", json={"single_values": [{"name": "x", "value": 1}]}).json() \
        == {"stored": 1}
    assert api("POST", f"models/{model_id}/metrics", json={}).json() == {"stored": 0}


def test_unknown_model_is_404(api: Any) -> None:
    for response in (api("GET", "models/nope/metrics"),
                     api("POST", "models/nope/metrics", json={"single_values": [{"name": "a", "value": 1}]})):
        assert response.status_code == 404 and "no model" in response.json()["error"]["message"]


@pytest.mark.parametrize(("body", "message"), [
    ('{"scalars": [{"title": "t", "series": "s", "iteration": 1, "value": NaN}]}', "finite"),
    ('{"scalars": [{"title": "t", "series": "s", "iteration": 1, "value": Infinity}]}', "finite"),
    ('{"scalars": [{"title": "t", "series": "s", "iteration": 1, "value": true}]}', "value must be a number, got bool"),
    ('{"scalars": [{"title": "t", "series": "s", "iteration": 1.5, "value": 1}]}', "iteration must be an int"),
    ('{"scalars": [{"title": "", "series": "s", "iteration": 1, "value": 1}]}', "title must have at least 1"),
    ('{"scalars": [{"title": "t", "iteration": 1, "value": 1}]}', "series is required"),
    ('{"scalars": {"title": "t"}}', "scalars must be a list"),
    ('{"single_values": [{"name": "a", "value": "1"}]}', "must be a number"),
    ('{"single_values": [{"name": 5, "value": 1}]}', "single_values[0].name must be a string"),
    ('{"points": []}', "unknown field"),
    ('[1, 2]', "JSON object"),
])
def test_bad_input_is_400_and_stores_nothing(api: Any, body: str, message: str) -> None:
    model_id = _model(api)
    good = '{"title": "t", "series": "s", "iteration": 0, "value": 1}'
    if body.startswith('{"scalars": ['):
        body = body.replace('{"scalars": [', '{"scalars": [' + good + ", ", 1)
    response = api("POST", f"models/{model_id}/metrics", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert message in response.json()["error"]["message"]
    assert api("GET", f"models/{model_id}/metrics").json() == {"scalars": [], "single_values": [], "plots": []}


def test_deleting_the_model_deletes_its_metrics(api: Any) -> None:
    model_id = _model(api)
    api("POST", f"models/{model_id}/metrics", json={"single_values": [{"name": "a", "value": 1}]})
    assert api("DELETE", f"models/{model_id}").status_code == 200
    assert api("GET", f"models/{model_id}/metrics").status_code == 404


def test_a_report_is_announced_on_the_changes_socket(changes_socket: Any, api: Any) -> None:
    model_id = _model(api)
    api("POST", f"models/{model_id}/metrics", json={"single_values": [{"name": "a", "value": 1}]})
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        message = json.loads(changes_socket.recv())
        if message.get("id") == model_id and "metrics" in message.get("fields", []):
            assert message["kind"] == "model"
            return
    raise AssertionError("no change message about the model's metrics")


def test_the_openapi_document_lists_both_operations(api: Any) -> None:
    paths = api("GET", "openapi.json").json()["paths"]
    entry = next(v for k, v in paths.items() if k.endswith("models/{model_id}/metrics"))
    assert {entry["get"]["operationId"], entry["post"]["operationId"]} == {"get_model_metrics",
                                                                           "report_model_metrics"}
