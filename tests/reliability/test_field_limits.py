"""Names refuse control characters and every text a user gives has a limit (core/rules/limits.py):
the REST API and the SDK refuse the same values, naming the field and the limit; responses carry
nosniff, and a 405 says which methods are allowed."""
from __future__ import annotations

import hashlib
from typing import Any

import pytest

from jupyter_ext.core.rules import limits
from jupyter_ext.errors import InvalidArgument


def _refusal(response: Any) -> str:
    assert response.status_code == 400, (response.status_code, response.text[:300])
    return str(response.json()["error"]["message"])


@pytest.mark.parametrize("name", ["a\x00b", "a\x01b", "line\nbreak", "esc\x1b[31m", "c1\x85x", "del\x7f"])
def test_names_with_control_characters_are_refused_everywhere(api: Any, name: str) -> None:
    for path, body in (("tasks", {"name": name}), ("tasks", {"name": "ok", "project": name}),
                       ("projects", {"name": name}), ("models", {"name": name}), ("queues", {"name": name}),
                       ("tasks", {"name": "ok", "tags": [name]})):
        message = _refusal(api("POST", path, json=body))
        assert "control character" in message or "NUL" in message, (path, message)


def test_a_comment_over_its_limit_names_the_field_and_the_limit_in_rest_and_sdk(api: Any, task: Any) -> None:
    made = api("POST", "tasks", json={"name": "limits", "project": "hardening"})
    too_long = "c" * (limits.COMMENT + 1)
    message = _refusal(api("PATCH", f"tasks/{made.json()['id']}", json={"comment": too_long}))
    assert "comment" in message and f"{limits.COMMENT:,}" in message
    with pytest.raises(InvalidArgument, match=f"comment is {limits.COMMENT + 1:,} characters long; the limit is "
                                              f"{limits.COMMENT:,}"):
        task.set_comment(too_long)
    task.set_comment("c" * limits.COMMENT)  # at the limit: fine


def test_configuration_text_and_status_message_have_limits(api: Any, task: Any) -> None:
    made = api("POST", "tasks", json={"name": "limits", "project": "hardening"}).json()["id"]
    big = "x" * (limits.CONFIG_TEXT + 1)
    message = _refusal(api("PUT", f"tasks/{made}/configurations/model", json={"text": big}))
    assert "text" in message and f"{limits.CONFIG_TEXT:,}" in message
    with pytest.raises(InvalidArgument, match="configuration 'model': text is"):
        task.set_configuration_object("model", config_text=big)
    message = _refusal(api("PATCH", f"tasks/{made}", json={"status_message": "m" * (limits.STATUS_MESSAGE + 1)}))
    assert "status_message" in message and f"{limits.STATUS_MESSAGE:,}" in message
    message = _refusal(api("POST", "datasets", json={"name": "d", "description": "d" * (limits.DESCRIPTION + 1)}))
    assert "description" in message and f"{limits.DESCRIPTION:,}" in message


def test_a_long_task_name_is_refused_naming_the_field(api: Any) -> None:
    message = _refusal(api("POST", "tasks", json={"name": "n" * (limits.TASK_NAME + 1)}))
    assert "name" in message and f"{limits.TASK_NAME:,}" in message


def test_blob_answers_carry_nosniff(api: Any) -> None:
    data = b"<html><script>alert(1)</script></html>"
    sha = hashlib.sha256(data).hexdigest()
    assert api("PUT", f"blobs/{sha}", data=data).status_code == 201
    got = api("GET", f"blobs/{sha}")
    assert got.status_code == 200 and got.content == data
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers.get("Content-Type", "").startswith("application/octet-stream")
    assert api("HEAD", f"blobs/{sha}").headers["X-Content-Type-Options"] == "nosniff"
    missing = api("GET", f"blobs/{'0' * 64}")
    assert missing.status_code == 404 and missing.headers["X-Content-Type-Options"] == "nosniff"


def test_405_on_a_blob_path_lists_its_methods(api: Any) -> None:
    answer = api("POST", f"blobs/{'0' * 64}")
    assert answer.status_code == 405
    assert set(answer.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "PUT"}


def test_the_document_carries_the_same_limits() -> None:
    from jupyter_ext.wire.openapi import document

    schemas = document()["components"]["schemas"]
    assert schemas["TaskCreate"]["properties"]["name"]["maxLength"] == limits.TASK_NAME
    assert schemas["TaskEdit"]["properties"]["comment"]["maxLength"] == limits.COMMENT
    assert schemas["ConfigurationPut"]["properties"]["text"]["maxLength"] == limits.CONFIG_TEXT
    assert schemas["TaskCreate"]["additionalProperties"] is False
    assert "name" in schemas["TaskCreate"]["required"]
