"""One error body for every bad request:

    {"detail": {"message": str, "line": int, "column": int}}

`line` and `column` count from 1 and point into the source; both are 0 when
the mistake is not at a place in the source (a value, a missing field)."""

from __future__ import annotations

import html

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from app.storage import StorageBusy, StorageError, StorageFull
from engine import ParseError
from engine.datasets import DataError
from engine.examples import ExampleError
from engine.training import TrainingError


class ErrorDetail(BaseModel):
    message: str
    line: int
    column: int


class ErrorBody(BaseModel):
    detail: ErrorDetail


def error_response(status: int, message: str, line: int = 0, column: int = 0,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(status_code=status, headers=headers,
                        content={"detail": {"message": message, "line": line, "column": column}})


def _describe(error: dict) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
    message = error.get("msg", "invalid value").removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


async def _on_parse_error(request: Request, exc: ParseError) -> JSONResponse:
    return error_response(422, exc.message, exc.line, exc.column)


async def _on_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    return error_response(422, "; ".join(_describe(e) for e in exc.errors()[:5]))


def busy_page(message: str, retry: str) -> HTMLResponse:
    """A page refused for a busy server (a /graph link whose document could
    not be admitted): it says so and reloads itself after Retry-After."""
    seconds = retry if retry.isdigit() else "2"
    body = (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="{seconds}"><title>Busy · chainrule</title>'
            f'</head><body><main><h1>The server is busy</h1>'
            f'<p role="status" data-testid="busy-page">{html.escape(message)}. This page '
            f'loads again in {seconds} s.</p></main></body></html>')
    return HTMLResponse(body, status_code=503, headers={"Retry-After": seconds})


async def _on_http_error(request: Request, exc: HTTPException) -> JSONResponse:
    detail = exc.detail if isinstance(exc.detail, str) else "request refused"
    if exc.status_code == 503 and not request.url.path.startswith("/api/") and \
            "text/html" in request.headers.get("accept", ""):
        return busy_page(detail, (getattr(exc, "headers", None) or {}).get("Retry-After", ""))
    if exc.status_code == 400:  # FastAPI's "error parsing the body": bad input like any other
        return error_response(422, f"the request body cannot be read: {detail}")
    return error_response(exc.status_code, detail, headers=getattr(exc, "headers", None))


async def _on_example_error(request: Request, exc: ExampleError) -> JSONResponse:
    return error_response(422, str(exc), exc.line, 0)


async def _on_unrunnable(request: Request, exc: ValueError) -> JSONResponse:
    return error_response(422, str(exc))


async def _on_storage_error(request: Request, exc: StorageError) -> JSONResponse:
    """The saved graphs' failures, wherever a route meets them: nothing was
    written, and the message says why."""
    if isinstance(exc, StorageFull):
        return error_response(507, str(exc))
    if isinstance(exc, StorageBusy):
        return error_response(503, str(exc), headers={"Retry-After": "2"})
    return error_response(503, str(exc))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ParseError, _on_parse_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(HTTPException, _on_http_error)
    app.add_exception_handler(ExampleError, _on_example_error)
    app.add_exception_handler(TrainingError, _on_unrunnable)
    app.add_exception_handler(DataError, _on_unrunnable)
    app.add_exception_handler(StorageError, _on_storage_error)
