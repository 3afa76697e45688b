"""POST /api/train: the course's training runs, step by step.

The request names an example (`{"example": "practical"}`) or brings a source
with a data spec; overrides change the run. The answer holds the trajectory
(thinned to `max_points`, with the exact final values), the loss per recorded
step, the data with the model's fit, optionally the loss landscape over two
parameters, and optionally the full document of one step's sample with the
update of each parameter."""

from __future__ import annotations

from typing import Literal

import numpy as np
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field, model_validator

from app.config import Settings, get_settings
from app.errors import ErrorBody
from app.routers.api import RequestBody, find_example, limits_of
from engine import Document, document_of_parsed, parse
from engine.compile import compile_graph, forward_array
from engine.datasets import make_columns, read_csv
from engine.examples import Example
from engine.schema import Number
from engine.value import topological_order
from engine.training import (MAX_POINTS, MAX_STEPS, Trainer, TrainingError, TrainingSpec,
                             spec_from_example)

router = APIRouter(prefix="/api", tags=["training"])
MAX_GRID = 300
MAX_GRID_WORK = 200_000_000  # grid points × rows of data
SHOWN_ROWS = 400             # data points sent for the scatter plot


class Column(RequestBody):
    arange: tuple[float, float, float] | None = None
    uniform: tuple[float, float] | None = None
    n: int | None = Field(None, ge=1)
    seed: int | None = Field(None, ge=0, le=2**31 - 1, description="Seed of the sample order")
    values: list[float] | None = None


class LandscapeRequest(RequestBody):
    x: str = Field(description="The parameter along the columns of the grid")
    y: str = Field(description="The parameter along the rows")
    x_range: tuple[float, float, float] = Field(description="arange(start, stop, step)")
    y_range: tuple[float, float, float]


class TrainRequest(RequestBody):
    example: str | None = Field(None, description="A course example's slug")
    source: str | None = Field(None, description="Or any expression: the loss of one sample")
    values: dict[str, float] = {}
    data: dict[str, Column | str] | None = Field(
        None, description="With a source: a column per data input (arange, uniform, values, "
                          "or a formula of the other columns)")
    csv: str | None = Field(None, description="With a source: the data as CSV with a header")
    prediction: str | None = Field(None, description="The node that is the model's output")
    params: dict[str, float] | None = Field(None, description="Start values of the trained "
                                            "parameters (with a source: which inputs to train)")
    optimizer: Literal["sgd", "gd"] | None = None
    lr: float | None = Field(None, gt=0)
    steps: int | None = Field(None, ge=0, le=MAX_STEPS,
                              description="0: no update, the fit and loss at the start values")
    order: Literal["random", "cyclic"] | None = None
    seed: int | None = Field(None, ge=0, le=2**31 - 1, description="Seed of the sample order")
    points: int | None = Field(None, ge=1, le=100_000,
                               description="Rows of random data (the 300-point exercise)")
    max_points: int = Field(500, ge=1, le=MAX_POINTS)
    document_step: int | None = Field(None, ge=0, description="Answer this step's document "
                                      "(the last step done, if the run stopped before it)")
    landscape: LandscapeRequest | None = None

    @model_validator(mode="after")
    def one_graph(self):
        if (self.example is None) == (self.source is None):
            raise ValueError("give either an example or a source")
        if self.source is not None and self.data is None and self.csv is None:
            raise ValueError("with a source, give the data (data or csv)")
        return self


class Update(BaseModel):
    before: Number
    grad: Number
    after: Number


class Landscape(BaseModel):
    x_param: str
    y_param: str
    xs: list[Number]
    ys: list[Number]
    loss: list[list[Number]] = Field(description="loss[i][j] at y = ys[i], x = xs[j]")


class Fit(BaseModel):
    feature: str
    target: str
    xs: list[Number]
    targets: list[Number]
    predictions: list[Number] = Field(description="The model at the final parameters")


class TrainResponse(BaseModel):
    final: dict[str, Number]
    final_loss: Number
    objective: Literal["mean", "sum"] = Field(description="How final_loss reduces the data")
    loss: list[Number] = Field(description="The loss at each recorded step")
    steps: list[int] = Field(description="The recorded steps")
    params: dict[str, list[Number]] = Field(description="Each parameter before each recorded step")
    diverged: bool
    steps_done: int
    rows: int
    optimizer: str
    lr: float
    order: str
    warnings: list[str]
    data: dict[str, list[Number]] = Field(description=f"Up to {SHOWN_ROWS} rows of the data")
    fit: Fit | None = None
    landscape: Landscape | None = None
    document: Document | None = None
    update: dict[str, Update] | None = None
    sample: dict[str, Number] | None = None


def _graph_and_spec(body: TrainRequest, example: Example | None, settings: Settings):
    if example is not None:
        training = example.training
        parsed = parse(example.source, example.values, example.data, limits_of(settings))
        spec = spec_from_example(training, start=body.params, points=body.points,
                                 optimizer=body.optimizer, lr=body.lr, steps=body.steps,
                                 order=body.order, seed=body.seed, max_points=body.max_points)
        prediction = body.prediction or training.get("prediction")
        return parsed, spec, prediction, example.labels, list(training.get("data", {}))
    if body.csv is not None:
        columns = read_csv(body.csv)
    else:
        spec_dict = {k: (v if isinstance(v, str) else v.model_dump(exclude_none=True))
                     for k, v in body.data.items()}
        columns = make_columns(spec_dict, body.points)
    data = list(columns)
    values = {**{n: 0.0 for n in data}, **(body.params or {}), **body.values}
    parsed = parse(body.source, values, data, limits_of(settings))
    start = body.params or {n: v.data for n, v in parsed.inputs.items() if n not in data}
    spec = TrainingSpec(start=start, columns=columns, optimizer=body.optimizer or "sgd",
                        lr=body.lr or 1e-2, steps=1000 if body.steps is None else body.steps,
                        order=body.order or "random", seed=body.seed or 0,
                        max_points=body.max_points)
    return parsed, spec, body.prediction, {}, data


@router.post("/train", response_model=TrainResponse,
             responses={404: {"model": ErrorBody, "description": "No such example"},
                        422: {"model": ErrorBody, "description": "The run cannot be made"},
                        429: {"model": ErrorBody, "description": "Too many runs from this "
                                                                 "client: retry after a while"},
                        503: {"model": ErrorBody, "description": "Busy: retry"}})
async def train(body: TrainRequest, request: Request,
                settings: Settings = Depends(get_settings)) -> Response:
    """Train the parameters of a graph on its data and answer the run."""
    example = find_example(request, body.example) if body.example is not None else None
    # In a worker process, as documents are: a run holds the GIL for up to
    # job_time_limit seconds, which in a thread would stall every request.
    answer = await request.app.state.heavy.run(training_json, body, example, settings,
                                               in_process=True)
    return Response(answer, media_type="application/json")


def training_json(body: TrainRequest, example: Example | None, settings: Settings) -> str:
    """The run's answer as JSON (a heavy job: its arguments and result are plain data)."""
    parsed, spec, prediction, labels, data = _graph_and_spec(body, example, settings)
    spec.time_limit = settings.job_time_limit
    data = [n for n in data if n in parsed.inputs]
    trainer = Trainer(parsed, list(spec.start), data)
    result = trainer.train(spec)
    shown = _shown_rows(spec.columns)
    answer = TrainResponse(
        final=result.final, final_loss=result.final_loss, objective=result.objective,
        loss=result.loss, steps=result.steps, params=result.params, diverged=result.diverged,
        steps_done=result.steps_done, rows=result.rows, optimizer=spec.optimizer, lr=spec.lr,
        order=spec.order, warnings=result.warnings, data=shown,
        fit=_fit(parsed, spec, result.final, prediction, data, shown))
    if body.landscape is not None:
        answer.landscape = _landscape(trainer, spec, body.landscape)
    if body.document_step is not None and result.steps_done:
        step = body.document_step
        if result.steps_done <= step < spec.steps:  # stopped early: its last step is the one
            step = result.steps_done - 1
            answer.warnings.append(f"the run stopped after {result.steps_done} of {spec.steps} "
                                   f"steps: the document is of step {step}")
        _add_step_document(answer, trainer, parsed, spec, step, labels)
    return answer.model_dump_json(by_alias=True)


def _shown_rows(columns: dict[str, np.ndarray]) -> dict[str, list[float]]:
    rows = len(next(iter(columns.values())))
    picked = np.linspace(0, rows - 1, min(rows, SHOWN_ROWS)).astype(int)
    return {name: column[picked].tolist() for name, column in columns.items()}


def _fit(parsed, spec: TrainingSpec, final: dict, prediction: str | None, data: list[str],
         shown: dict[str, list[float]]):
    """The model against the rows shown, when the data has one feature and a target."""
    if prediction is None or prediction not in parsed.names or len(data) != 2:
        return None
    model = compile_graph(parsed.names[prediction], list(spec.start), data)
    feature = next((n for n in data if _depends_on(parsed.names[prediction], parsed.inputs[n])),
                   None)
    if feature is None:
        return None
    target = next(n for n in data if n != feature)
    order = np.argsort(shown[feature])
    columns = [np.asarray(shown[n])[order] for n in data]
    with np.errstate(all="ignore"):
        predicted = np.broadcast_to(forward_array(model)(*(final[n] for n in spec.start),
                                                         *columns), (len(order),))
    return Fit(feature=feature, target=target, xs=columns[data.index(feature)].tolist(),
               targets=columns[data.index(target)].tolist(), predictions=predicted.tolist())


def _depends_on(output, leaf) -> bool:
    return leaf in set(topological_order(output))


def _landscape(trainer: Trainer, spec: TrainingSpec, wanted: LandscapeRequest) -> Landscape:
    xs, ys = np.arange(*wanted.x_range), np.arange(*wanted.y_range)
    if not (1 <= len(xs) <= MAX_GRID and 1 <= len(ys) <= MAX_GRID):
        raise TrainingError(f"the landscape grid is at most {MAX_GRID} × {MAX_GRID}")
    if len(xs) * len(ys) * spec.rows > MAX_GRID_WORK:
        raise TrainingError("the landscape asks for too much work: fewer grid points or rows")
    grid = trainer.landscape(spec, wanted.x, wanted.y, xs, ys)
    return Landscape(x_param=wanted.x, y_param=wanted.y, xs=xs.tolist(), ys=ys.tolist(),
                     loss=grid.tolist())


def _add_step_document(answer: TrainResponse, trainer: Trainer, parsed, spec: TrainingSpec,
                       step: int, labels: dict):
    params, sample, grads = trainer.sample_at(spec, step)
    values = {**{n: v.data for n, v in parsed.inputs.items()}, **params, **sample}
    graph = parse(parsed.source, values, sorted(parsed.data))
    answer.document = document_of_parsed(graph, title=f"step {step}", labels=labels)
    answer.sample = sample
    answer.update = {name: Update(before=params[name], grad=g, after=params[name] - spec.lr * g)
                     for name, g in zip(trainer.params, grads)}
