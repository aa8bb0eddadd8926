"""A bounded schemathesis run against the live server, from the generated openapi.json.

Two properties: no generated request (valid or not) gets a 5xx, and no schema-valid request is
refused with 400, but for the few rules JSON Schema (OpenAPI 3.0) cannot state, each listed in
ALLOWED with the refusal's own words and the reason. A refusal of another kind fails the test:
the document and the server disagree, and one of them must change.
"""
from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from jupyter_ext.server.background import BackgroundServer
from jupyter_ext.wire.openapi import document
from jupyter_ext.wire.routes import API_PREFIX

pytest.importorskip("schemathesis")

# operation -> ((words of the refusal, why the document cannot rule the input out), ...)
ALLOWED: dict[str, tuple[tuple[str, str], ...]] = {
    "GET /changes": (('Can "Upgrade" only to "WebSocket"', "a WebSocket upgrade: a plain GET is refused by design"),),
    "GET /datasets/find": (("give dataset_id=, or dataset_name=", "one of two query parameters is needed; "
                            "OpenAPI 3.0 cannot say 'one of' for parameters"),),
    "GET /tasks/{task_id}/scalars": (("is greater than x_max", "x_min may not pass x_max: a relation between two "
                                      "parameters"),),
    "GET /pipelines/{task_id}": (("is not a pipeline run", "a task that exists but is not a pipeline run: the "
                                  "path cannot say which tasks are runs"),),
    "POST /models/{model_id}/metrics": (("the figure is not JSON", "a figure may come as its JSON text, which a "
                                          "string schema cannot require to parse"),),
    "PATCH /projects/{project_id}": (("into its own subproject", "whether the new parent lies inside the project "
                                      "depends on the project's current path"),),
    "POST /events": (("names no task_id", "here every event names its task; the body's shape is shared with "
                      "tasks/{id}/events, where task_id may be left out"),
                     ("differ in length", "a series' iter, value and time have one length: JSON Schema cannot "
                      "relate array lengths")),
    "POST /tasks/{task_id}/events": (("differ in length", "a series' iter, value and time have one length: JSON "
                                      "Schema cannot relate array lengths"),),
    "POST /sync/import": (("not a sync record", "takes the records `jupyter track sync` exports (the store's rows), "
                           "described as free-form JSON"),),
    "PUT /blobs/{sha256}": (("the uploaded bytes hash to", "the path names the bytes' sha256, which no schema can "
                             "check"),),
    "PUT /models/{model_id}/metadata": (("metadata keys must be non-empty", "OpenAPI 3.0 cannot constrain an "
                                         "object's keys"),),
}


def _run(server: BackgroundServer, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(document()), encoding="utf-8")
    access, secret = server.create_key("schemathesis")
    token = base64.b64encode(f"{access}:{secret}".encode()).decode()
    cli = os.path.join(os.path.dirname(sys.executable), "st")
    return subprocess.run([cli, "run", str(spec), "--url", f"{server.url}/{API_PREFIX.rstrip('/')}",
                           "-H", f"Authorization: Basic {token}", "--seed", "1", "--no-color", *args],
                          capture_output=True, text=True, timeout=1800, cwd=tmp_path)


@pytest.mark.slow
def test_no_generated_request_gets_a_server_error(server: BackgroundServer, tmp_path: Path) -> None:
    # health checks judge the generator (too many filtered inputs...), not the server: off here
    run = _run(server, tmp_path, "--max-examples", "5", "--checks", "not_a_server_error",
               "--phases", "examples,fuzzing", "--suppress-health-check", "all")
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "generated" in run.stdout


def unexpected_refusals(report: Path) -> list[str]:
    """The failures of a JUnit report that ALLOWED does not explain (every server error is one)."""
    found = []
    for case in ET.parse(report).getroot().iter("testcase"):
        operation = case.get("name", "")
        for failure in case.iter("failure"):
            for one in (failure.text or "").split("Test Case ID")[1:]:
                explained = any(words in one for words, _ in ALLOWED.get(operation, ()))
                if "ST101" in one or not explained:
                    found.append(f"{operation}: {one.strip()[:600]}")
    return found


@pytest.mark.slow
def test_schema_valid_requests_are_accepted(server: BackgroundServer, tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    run = _run(server, tmp_path, "--mode", "positive", "--max-examples", "3", "--phases", "examples,coverage,fuzzing",
               "--suppress-health-check", "all",
               "--checks", "not_a_server_error,positive_data_acceptance",
               "--report", "junit", "--report-junit-path", str(report))
    assert report.is_file(), run.stdout[-4000:] + run.stderr[-2000:]
    assert "generated" in run.stdout, run.stdout[-4000:]
    refused = unexpected_refusals(report)
    assert not refused, "\n\n".join(refused)


def test_the_allowlist_reader_tells_an_explained_refusal_from_another(tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    report.write_text("""<testsuites><testsuite name="s">
      <testcase name="PUT /blobs/{sha256}"><failure message="ST202">1. Test Case ID: a
        - ST202 Schema-valid request rejected [400] the uploaded bytes hash to 00, not 11</failure></testcase>
      <testcase name="POST /tasks"><failure message="ST202">1. Test Case ID: b
        - ST202 Schema-valid request rejected [400] invalid project name ''</failure></testcase>
      <testcase name="POST /events"><failure message="ST101">1. Test Case ID: c
        - ST101 Server error [500] differ in length</failure></testcase>
    </testsuite></testsuites>""", encoding="utf-8")
    found = unexpected_refusals(report)
    assert [f.split(":")[0] for f in found] == ["POST /tasks", "POST /events"]


def test_the_task_order_fields_of_the_document_are_the_stores() -> None:
    from jupyter_ext.store.tasks import ORDER_FIELDS
    from jupyter_ext.wire.routes import TASK_ORDER_FIELDS

    assert sorted(TASK_ORDER_FIELDS) == sorted(ORDER_FIELDS)
