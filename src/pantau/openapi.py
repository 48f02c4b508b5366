"""The OpenAPI document tells the truth about errors: every error Pantau's API sends has one shape
(`Error`: `{"detail": {"code", "message", ...}}`, see pantau.errors and pantau.inputs), and each
operation lists the statuses it can answer with. The common responses are declared once, in
`components.responses`, and referred to from the operations:

- every operation: 400, 404, 409 (services' PantauError), 422 (validation and refused values);
- an operation that needs an account (pantau.policy): 401 (no or expired token) and 403 (role,
  scope, CSRF);
- an operation with a request body: 413 (too large);
- every operation: 429 (the server's concurrency gate when full, and rate limits on public ones);
- sign-in (/api/v1/auth/...): 401;
- an export (a `format` query parameter offering csv/xlsx): those media types on 200.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "Machine-readable reason."},
                "message": {
                    "type": "string",
                    "description": "In the request's language (Accept-Language: id or en).",
                },
                "message_en": {"type": "string", "description": "In English, when not already."},
                "field": {"type": "string", "description": "The input the error is about."},
                "errors": {
                    "type": "array",
                    "description": "Every validation problem (422 from validation).",
                    "items": {
                        "type": "object",
                        "properties": {
                            "loc": {"type": "array", "items": {"type": "string"}},
                            "msg": {"type": "string"},
                            "type": {"type": "string"},
                        },
                    },
                },
            },
            "additionalProperties": True,
        }
    },
}

RESPONSES: dict[str, tuple[str, str]] = {
    "400": ("BadRequest", "The request cannot be carried out as sent."),
    "401": ("Unauthorized", "Sign in first: no bearer token, or it has expired or was revoked."),
    "403": (
        "Forbidden",
        "The account's role or office may not do this (or a CSRF token is missing).",
    ),
    "404": ("NotFound", "No such object, or not one the account may see."),
    "409": ("Conflict", "The object's state does not allow this (already done, taken, changed)."),
    "413": ("TooLarge", "The request body is too large."),
    "422": ("Invalid", "The input is not valid (the message names the field)."),
    "429": ("TooManyRequests", "Too many requests; try again later (see Retry-After)."),
}


def _ref(code: str) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{RESPONSES[code][0]}"}


def document(app: FastAPI) -> dict[str, Any]:
    from pantau.policy import policy_for

    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Error"] = ERROR_SCHEMA
    components["responses"] = {
        name: {
            "description": text,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for name, text in RESPONSES.values()
    }
    for path, item in schema.get("paths", {}).items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            codes = {"400", "404", "409", "422", "429"}
            policy = policy_for(method.upper(), path)
            if policy is None or not policy.public:
                codes |= {"401", "403"}
            elif path.startswith("/api/v1/auth/"):
                codes.add("401")
            if "requestBody" in op:
                codes.add("413")
            responses = op.setdefault("responses", {})
            _declare_exports(op, responses)
            for code in sorted(codes):
                if code == "422" or code not in responses:
                    responses[code] = _ref(code)
    return schema


EXPORT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _declare_exports(op: dict[str, Any], responses: dict[str, Any]) -> None:
    for param in op.get("parameters", []):
        if param.get("name") != "format" or param.get("in") != "query":
            continue
        pattern = str(param.get("schema", {}).get("pattern", ""))
        content = responses.get("200", {}).setdefault("content", {})
        for fmt, media in EXPORT_TYPES.items():
            if fmt in pattern:
                content.setdefault(media, {"schema": {"type": "string", "format": "binary"}})


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
