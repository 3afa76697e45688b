"""The expression form of the pages: its fields as the URL gives them (the
form keys of app/url_state.py), the document they make, as POST /api/graph
answers it, or the error with the source line it points at."""

from __future__ import annotations

import json
import math
from typing import Any

from fastapi import Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from app.routers.api import GraphRequest, document_answer
from app.url_state import FORM, decode, encode, number_text
from engine import ParseError


def form_of(request: Request) -> dict[str, Any]:
    """The expression form's fields, as the URL gives them (no title: None)."""
    form = decode(FORM, request.query_params)
    return form | {"title": form["title"] or None}


def graph_query(source: str, values: dict, data: list[str], labels: dict,
                title: str | None = None) -> str:
    """The query string of /graph for a form, written as the page's script writes it."""
    return encode(FORM, {"source": source, "data": data, "labels": labels, "title": title or "",
                         "values": {name: number_text(x) for name, x in values.items()}})


def locate(error: dict | None, source: str) -> dict | None:
    """Add the source line an error points at and a caret under its column."""
    if error is None or error["line"] < 1:
        return error
    lines = source.splitlines()
    if error["line"] > len(lines):
        return error
    text = lines[error["line"] - 1]
    before = max(error["column"] - 1, 0)
    prefix = "".join("\t" if c == "\t" else " " for c in text[:before])
    return error | {"text": text, "caret": prefix.ljust(before) + "^"}


def values_of(form: dict[str, Any]) -> tuple[dict[str, float], dict | None]:
    """The form's values as numbers, or the error (API shape) of the first that is not."""
    values = {}
    for name, text in form["values"].items():
        try:
            values[name] = float(text)
        except ValueError:
            return {}, {"message": f"the value of '{name}' is not a number: {text!r}",
                        "line": 0, "column": 0}
        if not math.isfinite(values[name]):
            return {}, {"message": f"the value of '{name}' must be a finite number",
                        "line": 0, "column": 0}
    return values, None


async def graph_of(request: Request, form: dict[str, Any]) -> tuple[dict | None, dict | None]:
    """(document, None) or (None, error) for the form's source, as POST /api/graph
    answers it (the same cached answer); the error has the API's shape:
    message, line, column."""
    if not form["source"].strip():
        return None, None
    values, error = values_of(form)
    if error:
        return None, error
    try:
        body = GraphRequest(source=form["source"], values=values, data=form["data"],
                            labels=form["labels"], title=form["title"])
        answer = await document_answer(request.app, body)
    except ParseError as exc:
        return None, {"message": exc.message, "line": exc.line, "column": exc.column}
    except ValidationError as exc:
        return None, {"message": "; ".join(e["msg"] for e in exc.errors()[:3]),
                      "line": 0, "column": 0}
    return await run_in_threadpool(json.loads, answer.body), None


def inputs_of(document: dict | None, form: dict[str, Any]) -> list[dict[str, Any]]:
    """The form's rows: one per input of the document, else one per given value."""
    if document is None:
        return [{"name": name, "value": value, "data": name in form["data"]}
                for name, value in form["values"].items()]
    return [{"name": node.get("name"), "value": form["values"].get(node.get("name"), node["value"]),
             "data": node["kind"] == "data"}
            for node in document["nodes"] if node["kind"] in ("parameter", "data")]
