"""POST /api/code: the same graph as a script in numpy, PyTorch, JAX or
chainrule's Value API (engine.codegen), for a source or a course example."""

from __future__ import annotations

import math
from typing import Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field, field_validator, model_validator

from app.config import Settings, get_settings
from app.errors import ErrorBody
from app.routers.api import find_example, limits_of
from engine import parse
from engine.codegen import LANGUAGES, generate_script

router = APIRouter(prefix="/api", tags=["code"])
Language = Literal[LANGUAGES]  # type: ignore[valid-type]


class CodeRequest(BaseModel):
    source: str | None = Field(None, description="Expression language source; with an "
                                                 "example, defaults to the example's")
    values: dict[str, float] = Field({}, description="Input values; override the source's")
    data: list[str] | None = Field(None, description="Inputs that need no gradient")
    labels: dict[str, str] | None = Field(None, description="Names on screen, for comments")
    language: Language = Field(description="numpy, pytorch, jax or chainrule")
    example: str | None = Field(None, description="A course example's slug: its source, "
                                "values, data and labels by default, and its training loop")

    @field_validator("values")
    @classmethod
    def finite(cls, values: dict[str, float]) -> dict[str, float]:
        for name, value in values.items():
            if not math.isfinite(value):
                raise ValueError(f"the value of '{name}' must be a finite number")
        return values

    @model_validator(mode="after")
    def a_graph(self):
        if self.source is None and self.example is None:
            raise ValueError("give a source or an example")
        return self


class StepLines(BaseModel):
    forward: dict[int, int] = Field(description="Op node id → the line (from 1) that "
                                                "computes it")
    backward: dict[int, int] = Field(description="Node id → the line where its gradient is "
                                                 "complete (in a library, its backward call)")


class CodeAnswer(BaseModel):
    language: Language
    code: str = Field(description="A complete script; run, it prints one JSON line: "
                                  '{"value": ..., "gradients": {input: d output / d input}}'
                                  ' (and "trained" after an example\'s training loop)')
    lines: StepLines = Field(description="Where each step of the document happens in the "
                                         "code: what the Code tab highlights")


def code_of(body: CodeRequest, example, settings: Settings) -> CodeAnswer:
    source = body.source if body.source is not None else example.source
    values = {**(example.values if example and body.source is None else {}), **body.values}
    data = body.data if body.data is not None else (example.data if example else [])
    labels = body.labels if body.labels is not None else (example.labels if example else {})
    parsed = parse(source, values, data, limits_of(settings))
    training = example.training if example and example.training else None
    code, lines = generate_script(parsed, body.language, labels, training)
    return CodeAnswer(language=body.language, code=code, lines=StepLines(**lines))


@router.post("/code", response_model=CodeAnswer,
             responses={404: {"model": ErrorBody, "description": "No such example"},
                        422: {"model": ErrorBody, "description": "The source is rejected"},
                        503: {"model": ErrorBody, "description": "Busy: retry"}})
async def post_code(body: CodeRequest, request: Request,
                    settings: Settings = Depends(get_settings)) -> CodeAnswer:
    """The graph as a script that computes its output and gradients."""
    example = find_example(request, body.example) if body.example is not None else None
    return await request.app.state.heavy.run(code_of, body, example, settings)
