"""The OpenAPI 3 document, generated from the route table (never written by hand)."""
from __future__ import annotations

from typing import Any

from jupyter_ext._version import __version__
from jupyter_ext.wire.routes import API_PREFIX, PATH_PATTERNS, ROUTES, Param, Route
from jupyter_ext.wire.schemas import Schemas

_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["type", "code", "message"], "properties": {
        "type": {"type": "string", "example": "NotFound"},
        "code": {"type": "string", "example": "not_found"},
        "message": {"type": "string"},
    }}},
}


def _param(p: Param, where: str) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": p.type}
    single: dict[str, Any] = {}  # what a value (an array's each item) must be
    if p.pattern:
        single["pattern"] = p.pattern
        if where == "query":
            single["minLength"] = 1  # an empty value is as if the parameter were left out
    if p.enum:
        single["enum"] = list(p.enum)
    if p.type == "array":
        schema["items"] = {"type": "string", **single}
        if p.min_items:
            schema["minItems"] = p.min_items
    else:
        schema.update(single)
    if p.type in ("integer", "number") and where == "query":
        # no numeric query parameter takes a negative value (Call.q_int); the route may say more
        schema["minimum"] = 0 if p.minimum is None else p.minimum
        if p.maximum is not None:
            schema["maximum"] = p.maximum
    out = {"name": p.name, "in": where, "required": where == "path" or p.required, "schema": schema}
    if p.description:
        out["description"] = p.description
    if p.type == "array":
        out.update(style="form", explode=True)
    return out


def _operation(route: Route, schemas: Schemas) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": "success"}
    if route.method != "HEAD" and not route.websocket:
        media = "application/octet-stream" if route.name == "get_blob" else "application/json"
        answer["content"] = {media: {"schema": schemas.of(route.response)}}
    op: dict[str, Any] = {
        "operationId": route.name,
        "summary": route.summary,
        "tags": [route.tag],
        "parameters": [_param(Param(n, pattern=PATH_PATTERNS.get(n, "")), "path") for n in route.path_params]
        + [_param(p, "query") for p in route.query],
        "responses": {
            str(route.status): answer,
            "default": {"description": "an error", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}},
        },
    }
    if route.body == "json":
        body = schemas.of(route.request, request=True)
        named = schemas.named.get(getattr(route.request, "__name__", ""), {})
        needed = route.request is not None and route.request != "json" and bool(
            named.get("required") or named.get("anyOf"))
        op["requestBody"] = {"required": needed, "content": {"application/json": {"schema": body}}}
    elif route.body == "binary":
        op["requestBody"] = {"required": True, "content": {"application/octet-stream": {
            "schema": {"type": "string", "format": "binary"}}}}
    if route.websocket:
        op["description"] = "Upgrade to a WebSocket; messages are JSON objects {kind, id, fields}."
        op["responses"]["101"] = {"description": "switching protocols"}
    return op


def document(base_url: str = "/") -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    schemas = Schemas()
    for route in ROUTES:
        paths.setdefault("/" + route.path, {})[route.method.lower()] = _operation(route, schemas)
    return {
        "openapi": "3.0.3",
        "info": {"title": "jupyter-ext tracking API", "version": __version__},
        "servers": [{"url": base_url.rstrip("/") + "/" + API_PREFIX.rstrip("/")}],
        "paths": paths,
        "components": {
            "schemas": {"Error": _ERROR, **dict(sorted(schemas.named.items()))},
            "securitySchemes": {
                "accessKey": {"type": "http", "scheme": "basic",
                              "description": "access_key as user name, secret_key as password"},
                "bearer": {"type": "http", "scheme": "bearer", "description": "a token from POST auth/token"},
                "jupyter": {"type": "apiKey", "in": "header", "name": "Authorization",
                            "description": "the Jupyter server's own token ('token <t>'), or its cookie "
                                           "with the _xsrf header for writes"},
            },
        },
        "security": [{"accessKey": []}, {"bearer": []}, {"jupyter": []}],
    }


def main(argv: list[str] | None = None) -> int:
    """``python -m jupyter_ext.wire.openapi [PATH]``: write the document (to stdout without PATH),
    the input of ``npm run gen:api`` in labextension/."""
    import json
    import sys

    args = sys.argv[1:] if argv is None else argv
    text = json.dumps(document(), indent=2, sort_keys=False) + "\n"
    if args:
        with open(args[0], "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
