"""The OpenAPI document says what the app really answers: every refusal has
the one error body of errors.py (FastAPI would document its own 422 shape),
and any POST can be refused for its size (413)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.errors import ErrorBody

_ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version,
                             description=app.description, routes=app.routes)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorBody"] = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(components["ErrorBody"].pop("$defs", {}))
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                if "422" in responses or operation.get("parameters") or \
                        operation.get("requestBody"):
                    responses["422"] = {"description": "Refused: see detail.message", **_ERROR}
                if method == "post":
                    responses.setdefault("413", {"description": "The body is too large",
                                                 **_ERROR})
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi
