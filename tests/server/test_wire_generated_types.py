"""labextension/src/api/types.ts is exactly what openapi-typescript makes of the route table's
OpenAPI document: a hand edit, or a route or row changed without ``npm run gen:api``, fails."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from jupyter_ext.wire.openapi import document

LABEXTENSION = Path(__file__).resolve().parents[2] / "labextension"
CHECKED_IN = LABEXTENSION / "src" / "api" / "types.ts"
GENERATOR = LABEXTENSION / "node_modules" / "openapi-typescript" / "bin" / "cli.js"


def test_the_checked_in_ts_types_are_generated_from_the_route_table(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the TypeScript types cannot be regenerated here")
    assert GENERATOR.is_file(), (f"{GENERATOR} is missing: run `npm install` in {LABEXTENSION} "
                                 f"(openapi-typescript is one of its devDependencies)")
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(document(), indent=2) + "\n", encoding="utf-8")
    made = tmp_path / "types.ts"
    done = subprocess.run([node, str(GENERATOR), str(spec), "-o", str(made)], cwd=LABEXTENSION,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    expected, found = made.read_text(encoding="utf-8"), CHECKED_IN.read_text(encoding="utf-8")
    if found != expected:
        lines = zip(found.splitlines() + [""], expected.splitlines() + [""], strict=False)
        first = next(i for i, (a, b) in enumerate(lines) if a != b)
        pytest.fail(f"{CHECKED_IN.relative_to(LABEXTENSION.parent)} differs from the generated types from line "
                    f"{first + 1} on; regenerate it with `npm run gen:api` in labextension/ (never edit it by hand)")


def test_rows_travel_with_real_schemas() -> None:
    doc = document()
    schemas = doc["components"]["schemas"]
    model = schemas["ModelRow"]
    assert {"id", "name", "published", "latest_version", "tags"} <= set(model["required"])
    assert model["properties"]["created"] == {"type": "string", "format": "date-time"}
    assert model["properties"]["latest_version"] == {"type": "integer", "minimum": 0}
    assert "version" not in model["required"]  # only when read at a version
    assert schemas["DatasetVersionRow"]["properties"]["added"] == {"type": "integer", "minimum": 0}  # a count
    assert schemas["QueueEntryRow"]["properties"]["added"]["format"] == "date-time"  # a time
    answer = doc["paths"]["/models/{model_id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/ModelRow"}
    body = doc["paths"]["/datasets/{dataset_id}/files"]["post"]["requestBody"]
    assert body["required"] is True
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/FilesAdd"}
    assert schemas["FileEntry"]["required"] == ["path"]
    refs = json.dumps(doc).count('"$ref"')
    named = {r.split("/")[-1] for r in json.dumps(doc).split('"$ref": "')[1:] for r in [r.split('"')[0]]}
    assert named <= set(schemas), named - set(schemas)
    assert refs > 100
