"""A lab whose settings name a team server but no key: every API path says so (never the local store)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import tornado.httpclient


@pytest.fixture
def jp_server_config(track_store: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("CLEARML_API_HOST", "http://127.0.0.1:9")  # read as ClearML users set it
    return {"ServerApp": {"jpserver_extensions": {"jupyter_ext.server": True}}}


async def test_a_team_server_without_a_key_is_refused_with_what_to_set(jp_fetch: Any, track_store: Path) -> None:
    with pytest.raises(tornado.httpclient.HTTPClientError) as caught:
        await jp_fetch("track", "api", "v1", "tasks")
    assert caught.value.code == 401 and caught.value.response is not None
    message = json.loads(caught.value.response.body)["error"]["message"]
    assert "http://127.0.0.1:9" in message and "JUPYTER_TRACK_ACCESS_KEY" in message
    assert not (track_store / "track.db").exists()
