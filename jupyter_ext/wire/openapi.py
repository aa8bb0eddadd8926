"""The OpenAPI 3 document, generated from the route table (never written by hand)."""
from __future__ import annotations

from typing import Any

from jupyter_ext._version import __version__
from jupyter_ext.wire.routes import API_PREFIX, ROUTES, Param, Route

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
    if p.type == "array":
        schema["items"] = {"type": "string"}
    out = {"name": p.name, "in": where, "required": where == "path", "schema": schema}
    if p.description:
        out["description"] = p.description
    if p.type == "array":
        out.update(style="form", explode=True)
    return out


def _operation(route: Route) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": route.name,
        "summary": route.summary,
        "tags": [route.tag],
        "parameters": [_param(Param(n), "path") for n in route.path_params] + [_param(p, "query") for p in route.query],
        "responses": {
            str(route.status): {"description": "success", **({} if route.method == "HEAD" else {"content": {
                ("application/octet-stream" if route.name == "get_blob" else "application/json"):
                    {"schema": {"type": "string", "format": "binary"} if route.name == "get_blob"
                     else {"type": "object"}}}})},
            "default": {"description": "an error", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}},
        },
    }
    if route.body == "json":
        op["requestBody"] = {"required": False, "content": {"application/json": {"schema": {"type": "object"}}}}
    elif route.body == "binary":
        op["requestBody"] = {"required": True, "content": {"application/octet-stream": {
            "schema": {"type": "string", "format": "binary"}}}}
    if route.websocket:
        op["description"] = "Upgrade to a WebSocket; messages are JSON objects {kind, id, fields}."
        op["responses"]["101"] = {"description": "switching protocols"}
    return op


def document(base_url: str = "/") -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for route in ROUTES:
        paths.setdefault("/" + route.path, {})[route.method.lower()] = _operation(route)
    return {
        "openapi": "3.0.3",
        "info": {"title": "jupyter-ext tracking API", "version": __version__},
        "servers": [{"url": base_url.rstrip("/") + "/" + API_PREFIX.rstrip("/")}],
        "paths": paths,
        "components": {
            "schemas": {"Error": _ERROR},
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
