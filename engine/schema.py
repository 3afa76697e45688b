"""The graph document: the one contract between the engine, the API and the page.

Everything the page shows is here, computed by the engine: the nodes with
their values, gradients and positions, the edges with their local
derivatives, and the ordered steps of the forward and backward passes, each
with its arithmetic written out. The page only replays it.

JSON stays strict: a non-finite number is written as the string "Infinity",
"-Infinity" or "NaN" (never a bare NaN token), and the node carries a warning.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer,
                      WithJsonSchema, model_serializer)

from engine import ops

DOCUMENT_VERSION = 2   # 2: groups (optional fields: version 1 documents still read)
NON_FINITE = ("Infinity", "-Infinity", "NaN")


def encode_number(x: float) -> float | str:
    if math.isfinite(x):
        return x
    return "NaN" if x != x else ("Infinity" if x > 0 else "-Infinity")


def decode_number(x):
    """The three strings stand for the non-finite floats; anything else is
    checked strictly (no true/false, no numeric strings)."""
    return float(x) if isinstance(x, str) and x in NON_FINITE else x


Number = Annotated[
    float,
    BeforeValidator(decode_number),
    PlainSerializer(encode_number, when_used="json"),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"enum": list(NON_FINITE)}]}),
]


class _Model(BaseModel):
    # Strict: a document sent back to us (a saved graph) is checked as the
    # schema says, with no silent coercion of false to 0.0.
    model_config = ConfigDict(populate_by_name=True, extra="forbid", strict=True)


class _WithOptional(_Model):
    """A model with optional fields (issue 14's check and tangent) that are
    left out of the JSON when absent, so documents without them read as before."""
    _OMIT_IF_NONE: tuple[str, ...] = ()

    @model_serializer(mode="wrap")
    def _omit_absent(self, handler):
        data = handler(self)
        for name in self._OMIT_IF_NONE:
            if data.get(name, 0) is None:
                del data[name]
        return data


class GradientCheck(_Model):
    """A node's gradient against a central finite difference (engine.check)."""
    numeric: Number = Field(description="(ℓ(v + h) − ℓ(v − h)) / 2h, the node perturbed in "
                                        "place and only what depends on it recomputed")
    h: float = Field(description="The step, chosen for this node: ∛ε · max(1, |v|)")
    rel_error: Number = Field(description="|grad − numeric| / max(|grad|, |numeric|)")
    flagged: bool = Field(description="rel_error > 1e-5")
    explanation: str | None = Field(None, description="Why, when flagged: a relu or abs "
                                    "kink, or catastrophic cancellation")


class Node(_WithOptional):
    _OMIT_IF_NONE = ("check", "group")

    id: int = Field(description="Index in topological order: inputs first, output last")
    name: str | None = Field(description="Name in the source (u, w, ystar), if any")
    label: str = Field(description="Name on screen (y*, ℓ), or a short automatic one (u1)")
    tex: str
    # Display strings, so the page applies no rule of its own (absent from
    # documents saved before they were added: the page then derives them).
    prime: str | None = Field(None, description="The gradient's name: u′, (y − y*)′")
    prime_tex: str | None = None
    kind: Literal["parameter", "data", "constant", "op"]
    op: str | None = Field(description=ops.description())
    symbol: str | None = Field(description="What the op's circle shows")
    arg: Number | None = Field(None, description="The constant exponent k of x**k")
    expression: str
    expression_tex: str
    value: Number
    grad: Number | None = Field(description="d(output)/d(node) in the recorded backward "
                                            "pass; null where no gradient is needed")
    requires_grad: bool
    is_output: bool
    x: float
    y: float
    warnings: list[str] = []
    group: int | None = Field(None, description="The innermost group it is in, if any")
    check: GradientCheck | None = Field(None, description="With \"check\": true, on each "
                                        "node that requires a gradient")


class Edge(_Model):
    id: int
    source: int = Field(description="The input node")
    target: int = Field(description="The op node it feeds")
    index: int = Field(description="Argument position at the target")
    label: str = Field(description="The value's name, drawn on the arrow")
    local_grad: Number = Field(description="∂target/∂source")
    local_grad_expr: str = Field(description="The same in names, as on the slides: x, 1, y")
    local_grad_tex: str
    chip: str | None = Field(None, description="The local derivative as its chip writes it: "
                                               "*x, *2(y − y*), *(−sin s)")
    local_grad_wrapped_tex: str | None = Field(None, description="local_grad_tex, in "
                                                                 "parentheses where a product needs them")
    requires_grad: bool = Field(description="Whether the backward pass flows along it")
    # Lists, not tuples: a JSON array reads back as a list, and the strict
    # schema must accept its own output.
    bends: list[Annotated[list[float], Field(min_length=2, max_length=2)]] = Field(
        [], description="Points [x, y] a long edge passes")


class ForwardStep(_Model):
    pass_: Literal["forward"] = Field("forward", alias="pass")
    index: int = Field(description="Position within the forward pass, from 0")
    node: int
    inputs: list[int]
    input_values: list[Number]
    value: Number
    text: str = Field(description="v = u + b = 0.25 + 2 = 2.25")
    tex: str


class Flow(_Model):
    """One input edge of the current node, in the backward pass."""
    edge: int
    child: int
    local_grad: Number
    contribution: Number = Field(description="upstream × local_grad")
    grad_after: Number = Field(description="The child's running sum after adding it")


class Received(_Model):
    """One contribution the current node got from a parent."""
    edge: int
    parent: int
    contribution: Number


class BackwardStep(_Model):
    pass_: Literal["backward"] = Field("backward", alias="pass")
    index: int = Field(description="Position within the backward pass, from 0")
    node: int
    grad: Number = Field(description="d(output)/d(node): the sum of `received`")
    received: list[Received]
    flows: list[Flow]
    text: str = Field(description="v′ = y′·y = 16.97 × 9.49 = 161.06")
    tex: str


class TangentStep(_Model):
    pass_: Literal["tangent"] = Field("tangent", alias="pass")
    index: int = Field(description="Position within the tangent (forward-mode) pass, from 0")
    node: int
    tangent: Number = Field(description="d(node)/dt along the seed direction")
    text: str = Field(description="u̇ = ẇ·x + w·ẋ = 1 × 0.5 + 0.5 × 0 = 0.5")
    tex: str


Step = Annotated[Union[ForwardStep, BackwardStep, TangentStep], Field(discriminator="pass_")]


class GroupFlow(_Model):
    """What leaves a collapsed group on one input, in the backward pass."""
    child: int = Field(description="The input node")
    contribution: Number = Field(description="Σ over its edges into the group: member′ × local_grad")
    text: str = Field(description="a3′ += h3′·(1 − h3²)·x = 0.5 × 0.42 × 2 = 0.42")
    tex: str


class GroupSteps(_Model):
    """A collapsed group as one step of each pass (engine/group_steps.py)."""
    forward_text: str = Field(description="x = 0.5, a3 = 2 ↦ h3 = a3·x + c3 = 1.5")
    forward_tex: str
    backward_text: str = Field(description="The gradient arriving at its outputs: h3′ = o′·v3 = …")
    backward_tex: str
    flows: list[GroupFlow] = Field(description="What leaves on each input that needs a gradient")


class Group(_WithOptional):
    """A named part of the graph (engine/grouping.py): a named intermediate,
    `with engine.group(...)`, or engine.nn's MLP › layer › neuron."""
    _OMIT_IF_NONE = ("steps",)
    id: int
    label: str
    parent: int | None = Field(description="The group it is in, or null at the top")
    members: list[int] = Field(description="The nodes whose innermost group it is")
    inputs: list[int] = Field(description="Nodes outside it whose values enter it")
    outputs: list[int] = Field(description="Nodes inside it whose values leave it "
                                           "(or the graph's output)")
    steps: GroupSteps | None = Field(None, description="Its forward and backward step "
                                     "when drawn collapsed")


class Document(_WithOptional):
    _OMIT_IF_NONE = ("tangent", "tangent_seed")
    version: Literal[1, 2] = DOCUMENT_VERSION
    title: str | None = None
    source: str | None = None
    output: int
    value: Number = Field(description="The output's value")
    gradients: dict[str, Number] = Field(
        description="d(output)/d(input) for every input that requires a gradient")
    nodes: list[Node]
    edges: list[Edge]
    steps: list[Step] = Field(description="The forward steps, then the backward steps "
                                          "(then, with a tangent seed, the tangent steps)")
    width: float
    height: float
    warnings: list[str] = []
    groups: list[Group] = Field([], description="The groups, parents before children")
    tangent: Number | None = Field(None, description="With a seed: the directional "
                                   "derivative of the output (forward mode)")
    tangent_seed: dict[str, Number] | None = Field(None, description="The seed direction "
                                                   "over the inputs (missing entries are 0)")

    def to_json(self, *, as_sent: bool = False) -> str:
        """Strict JSON (no NaN or Infinity tokens), with `pass` as the key.
        `as_sent`: only the fields the document came with, so that one saved
        by an older chainrule (without fields added since) reads back as it
        was sent."""
        return self.model_dump_json(by_alias=True, exclude_unset=as_sent)
