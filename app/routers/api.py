"""The JSON API: graph documents of expressions and of the course examples."""

from __future__ import annotations

import math

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.concurrency import run_in_threadpool

from app.admission import BIG_JOB_COST, source_cost
from app.cache import Answer, answer_response, content_key, make_answer
from app.config import Settings, get_settings
from app.errors import ErrorBody
from app.svg_export import ExportError, render_svg
from engine import Document, Limits, document_of_parsed, parse
from engine.examples import Example
from engine.parser import find_inputs

router = APIRouter(prefix="/api", tags=["graphs"])
_ERRORS = {422: {"model": ErrorBody, "description": "The source or a value is rejected"}}


class RequestBody(BaseModel):
    """A request's JSON body: a field it does not know is an error (422 naming
    it), never silently dropped: "samples" for "points" must not go unseen."""
    model_config = ConfigDict(extra="forbid")


class GraphRequest(RequestBody):
    source: str = Field(description="Expression language source, see the README",
                        examples=["u = w*x\nv = u + b\ny = exp(v)\nl = (y - ystar)^2"])
    values: dict[str, float] = Field({}, description="Input values; override the source's")
    data: list[str] = Field([], description="Inputs that need no gradient (x, ystar)")
    labels: dict[str, str] = Field({}, description="Names on screen: {\"ystar\": \"y*\"}")
    title: str | None = Field(None, max_length=200)
    check: bool = Field(False, description="Add to each node that requires a gradient its "
                                           "numeric check (central finite difference)")
    tangent: dict[str, float] | None = Field(None, description="A seed direction over the "
                                             "inputs ({\"w\": 1}; missing entries are 0): "
                                             "adds the forward-mode pass", examples=[{"w": 1}])

    @field_validator("values", "tangent")
    @classmethod
    def finite(cls, values: dict[str, float] | None) -> dict[str, float] | None:
        for name, value in (values or {}).items():
            if not math.isfinite(value):
                raise ValueError(f"the value of '{name}' must be a finite number")
        return values


class TrainingSummary(BaseModel):
    """How the course trains an example: what POST /api/train runs by default."""
    optimizer: str
    lr: float
    steps: int
    order: str = "random"
    start: dict[str, float]
    prediction: str | None = None
    landscape: list[str] | None = Field(None, description="Two parameters to draw it over")
    landscape_range: list[float] | None = Field(None, description="arange(start, stop, step)")


class InputsRequest(RequestBody):
    source: str


class InputFound(BaseModel):
    name: str
    value: float | None = Field(description="The value the source gives it, if any")
    line: int
    column: int


class InputsFound(BaseModel):
    inputs: list[InputFound] = Field(description="In order of first appearance")
    intermediates: list[str] = Field(description="Names the source computes")


class ExampleSummary(BaseModel):
    slug: str
    title: str
    description: str
    source: str
    values: dict[str, float]
    data: list[str]
    labels: dict[str, str]
    training: TrainingSummary | None = None


def summary_of(example: Example) -> ExampleSummary:
    training = None
    if example.training:
        fields = {k: v for k, v in example.training.items() if k in TrainingSummary.model_fields}
        training = TrainingSummary(**fields)
    return ExampleSummary(slug=example.slug, title=example.title,
                          description=example.description, source=example.source,
                          values=example.values, data=example.data, labels=example.labels,
                          training=training)


def limits_of(settings: Settings) -> Limits:
    return Limits(max_source_chars=settings.max_source_chars, max_nodes=settings.max_nodes,
                  max_depth=settings.max_depth)


def graph_document(request: GraphRequest, settings: Settings) -> Document:
    parsed = parse(request.source, request.values, request.data, limits_of(settings))
    return document_of_parsed(parsed, title=request.title, labels=request.labels,
                              check=request.check, tangent=request.tangent)


def graph_answer(request: GraphRequest, settings: Settings) -> Answer:
    """The document of a request as a cacheable answer (run as a heavy job)."""
    return make_answer(graph_document(request, settings).to_json(), "application/json")


async def document_answer(app, body: GraphRequest) -> Answer:
    """POST /api/graph's answer for `body`, computed once per worker (app/cache.py):
    the /graph page of the same form embeds the same bytes."""
    settings = app.state.settings
    key = content_key("graph", body.model_dump(), settings.max_source_chars,
                      settings.max_nodes, settings.max_depth)
    return await app.state.answers.get_or_build(
        key, lambda: app.state.heavy.run(graph_answer, body, settings, in_process=True,
                                         cost=source_cost(body.source)))


def find_example(request: Request, slug: str) -> Example:
    example = request.app.state.examples.get(slug)
    if example is None:
        raise HTTPException(404, f"no example named '{slug}'")
    return example


def cached_example_json(app, example: Example) -> str:
    """An example's document as JSON, made once per process (examples are
    fixed; a few milliseconds each, so no heavy-job slot is needed)."""
    cache = app.state.example_documents
    if example.slug not in cache:
        cache[example.slug] = example.document().to_json()
    return cache[example.slug]


async def example_json(request: Request, slug: str) -> str:
    example = find_example(request, slug)
    return await run_in_threadpool(cached_example_json, request.app, example)


async def example_answer(request: Request, slug: str) -> Answer:
    example = find_example(request, slug)
    app = request.app
    return await app.state.answers.get_or_build(
        content_key("example", example.slug, example.source, example.values),
        lambda: run_in_threadpool(lambda: make_answer(cached_example_json(app, example),
                                                      "application/json")))


@router.post("/graph", response_model=Document,
             responses={**_ERRORS, 503: {"model": ErrorBody, "description": "Busy: retry"}})
async def post_graph(body: GraphRequest, request: Request) -> Response:
    """Parse a source, run the forward and backward passes, answer the document."""
    return answer_response(request, await document_answer(request.app, body))


@router.post("/inputs", response_model=InputsFound, responses=_ERRORS)
def post_inputs(body: InputsRequest, settings: Settings = Depends(get_settings)) -> InputsFound:
    """The inputs a source needs values for, and the names it computes: what
    the expression form asks for as the source is typed."""
    inputs, intermediates = find_inputs(body.source, limits_of(settings))
    return InputsFound(inputs=[InputFound(name=i.name, value=i.value, line=i.line,
                                          column=i.column) for i in inputs],
                       intermediates=intermediates)


@router.get("/examples", response_model=list[ExampleSummary])
def list_examples(request: Request) -> list[ExampleSummary]:
    """The course examples, in the course's order."""
    return [summary_of(e) for e in request.app.state.examples.values()]


SVG_RESPONSE = {200: {"content": {"image/svg+xml": {}}, "description": "One frame as SVG"},
                404: {"model": ErrorBody, "description": "Not found"},
                503: {"model": ErrorBody, "description": "No Chromium here to draw it, or busy"}}


async def svg_response(request: Request, document: Document, pass_: str,
                       step: int | None) -> Response:
    """The page's own picture of a frame, drawn in Chromium (about 1.5 s, so
    a heavy job); 503 with the reason where Chromium is missing."""
    try:
        svg = await request.app.state.heavy.run(render_svg, document, pass_, step,
                                                cost=BIG_JOB_COST)  # seconds of Chromium
    except ExportError as exc:
        raise HTTPException(503, str(exc)) from None
    return Response(svg, media_type="image/svg+xml")


@router.get("/examples/{slug}.svg", response_class=Response, responses=SVG_RESPONSE)
async def get_example_svg(slug: str, request: Request,
                          pass_: Literal["forward", "backward"] = Query("backward", alias="pass"),
                          step: int | None = Query(None, ge=0,
                                                   description="Default: the pass's end")
                          ) -> Response:
    """One frame of an example, drawn on the server, for slides that take images."""
    document = Document.model_validate_json(await example_json(request, slug))
    return await svg_response(request, document, pass_, step)


@router.get("/examples/{slug}", response_model=Document,
            responses={404: {"model": ErrorBody, "description": "No such example"}})
async def get_example(slug: str, request: Request) -> Response:
    """The document of one course example (ETag: a reload costs a 304)."""
    return answer_response(request, await example_answer(request, slug))
