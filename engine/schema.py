"""The graph document: the one contract between the engine, the API and the page.

Everything the page shows is here, computed by the engine: the nodes with
their values, gradients and positions, the edges with their local
derivatives and what flowed along them in the backward pass. The page only
replays it.

Version 3 leaves out what follows from the rest by one rule (see
engine/document_codec.py, and static/js/document_codec.js for the page):
fields at their defaults, ids and argument positions, a TeX that is the
text, an input's expression (its label), the forward and backward steps
(their order, numbers and texts follow from the nodes, the edges and the
ops' `written` templates), and a group's members and steps (the nodes'
`group`; engine/group_steps.py). Versions 1 and 2 carried them all, and still
read: every field they had is accepted.

JSON stays strict: a non-finite number is written as the string "Infinity",
"-Infinity" or "NaN" (never a bare NaN token), and the node carries a warning.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Literal, Union

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer,
                      ValidationInfo, WithJsonSchema, field_validator, model_validator)

from engine import ops
from engine.document_codec import expand, fill_derived, pass_length
from engine.group_steps import group_steps
from engine.json_numbers import NON_FINITE, decode_number, encode_number

DOCUMENT_VERSION = 3   # 2: groups; 3: derivable fields and steps left out (1 and 2 still read)
_TEMPLATE = r"^(?:[^$]|\$[aAbB](?![_a-zA-Z0-9]))*$"   # only the operands as placeholders


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


class GradientCheck(_Model):
    """A node's gradient against a central finite difference (engine.check)."""
    numeric: Number = Field(description="(ℓ(v + h) − ℓ(v − h)) / 2h, the node perturbed in "
                                        "place and only what depends on it recomputed")
    h: float = Field(description="The step, chosen for this node: ∛ε · max(1, |v|)")
    rel_error: Number = Field(description="|grad − numeric| / max(|grad|, |numeric|)")
    flagged: bool = Field(description="rel_error > 1e-5")
    explanation: str | None = Field(None, description="Why, when flagged: a relu or abs "
                                    "kink, or catastrophic cancellation")


class Node(_Model):
    id: int | None = Field(None, description="Index in topological order: inputs first, output "
                                             "last (version 3 leaves it out: the position)")
    name: str | None = Field(None, description="Name in the source (u, w, ystar), if any")
    label: str = Field(description="Name on screen (y*, ℓ), or a short automatic one (u1)")
    tex: str | None = Field(None, description="The label in TeX (version 3: left out when "
                                              "it is the label)")
    atomic: bool = Field(True, description="Whether the label needs no parentheses as an "
                                           "operand (false for y − y*, −1)")
    # Display strings of version 2; version 3 leaves them to the one rule
    # (the label in parentheses where it is not atomic, then ′).
    prime: str | None = Field(None, description="The gradient's name: u′, (y − y*)′")
    prime_tex: str | None = None
    kind: Literal["parameter", "data", "constant", "op"]
    op: str | None = Field(None, description=ops.description())
    symbol: str | None = Field(None, description="What the op's circle shows")
    arg: Number | None = Field(None, description="The constant exponent k of x**k")
    expression: str | None = Field(None, description="What an op computes, automatic names "
                                                     "expanded (version 3: left out for inputs "
                                                     "and constants, where it is the label)")
    expression_tex: str | None = Field(None, description="Versions 1 and 2 only")
    value: Number
    grad: Number | None = Field(None, description="d(output)/d(node) in the recorded backward "
                                                  "pass; null (left out) where no gradient is "
                                                  "needed")
    requires_grad: bool | None = Field(None, description="Versions 1 and 2; in version 3, "
                                                         "whether grad is there")
    is_output: bool | None = Field(None, description="Versions 1 and 2 only")
    x: float | None = Field(None, description="Position (while the server lays out)")
    y: float | None = None
    warnings: list[str] = Field(default_factory=list)
    group: int | None = Field(None, description="The innermost group it is in, if any")
    check: GradientCheck | None = Field(None, description="With \"check\": true, on each "
                                        "node that requires a gradient")


class Edge(_Model):
    id: int | None = Field(None, description="Version 3 leaves it out: the position")
    source: int = Field(description="The input node")
    target: int = Field(description="The op node it feeds")
    index: int | None = Field(None, description="Argument position at the target (version 3: "
                                                "the order of the target's edges)")
    label: str | None = Field(None, description="The source's label (versions 1 and 2)")
    local_grad: Number = Field(description="∂target/∂source")
    local_grad_expr: str = Field(description="The same in names, as on the slides: x, 1, y")
    local_grad_tex: str | None = Field(None, description="The same in TeX (version 3: left out "
                                                         "when it is local_grad_expr)")
    atomic: bool = Field(True, description="Whether local_grad_expr needs no parentheses "
                                           "in a product")
    chip: str | None = Field(None, description="The local derivative as its chip writes it: "
                                               "*x, *2(y − y*), *(−sin s) (version 2)")
    local_grad_wrapped_tex: str | None = Field(None, description="local_grad_tex, in "
                                                                 "parentheses where a product "
                                                                 "needs them (version 2)")
    requires_grad: bool | None = Field(None, description="Whether the backward pass flows along "
                                                         "it (version 3: both ends have a grad)")
    contribution: Number | None = Field(None, description="Version 3: what flowed along it in "
                                        "the backward pass, the target's grad × local_grad")
    # Lists, not tuples: a JSON array reads back as a list, and the strict
    # schema must accept its own output.
    bends: list[Annotated[list[float], Field(min_length=2, max_length=2)]] = Field(
        default_factory=list, description="Points [x, y] a long edge passes")


class _Step(_Model):
    def model_post_init(self, context) -> None:
        # A step's pass is written even when it was left at its default, so
        # that a list of steps reads back (the pass tells the kinds apart).
        self.__pydantic_fields_set__.add("pass_")


class ForwardStep(_Step):
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


class BackwardStep(_Step):
    pass_: Literal["backward"] = Field("backward", alias="pass")
    index: int = Field(description="Position within the backward pass, from 0")
    node: int
    grad: Number = Field(description="d(output)/d(node): the sum of `received`")
    received: list[Received]
    flows: list[Flow]
    text: str = Field(description="v′ = y′·y = 16.97 × 9.49 = 161.06")
    tex: str


class TangentStep(_Step):
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
    flows: list[GroupFlow] = Field(description="What leaves on each input that needs a gradient")


class Group(_Model):
    """A named part of the graph (engine/grouping.py): a named intermediate,
    `with engine.group(...)`, or engine.nn's MLP › layer › neuron."""
    id: int
    label: str
    parent: int | None = Field(description="The group it is in, or null at the top")
    members: list[int] | None = Field(None, description="The nodes whose innermost group it "
                                      "is (version 3 leaves it out: the nodes' `group`)")
    inputs: list[int] = Field(description="Nodes outside it whose values enter it")
    outputs: list[int] = Field(description="Nodes inside it whose values leave it "
                                           "(or the graph's output)")
    steps: GroupSteps | None = Field(None, description="Its forward and backward step "
                                     "when drawn collapsed (version 3 leaves it out: "
                                     "engine/group_steps.py derives it)")


class Written(_Model):
    """How an op is written applied to its operands (engine.ops' template,
    its constant filled in): $a, $b the operands, $A, $B the same in
    parentheses where they need them."""
    text: str
    tex: str
    atomic: bool = False

    @field_validator("text", "tex")
    @classmethod
    def _only_operands(cls, template: str) -> str:
        if not re.fullmatch(_TEMPLATE, template):
            raise ValueError("a template names only its operands: $a, $A, $b, $B")
        return template


class Document(_Model):
    version: Literal[1, 2, 3] = DOCUMENT_VERSION
    title: str | None = None
    source: str | None = None
    output: int
    value: Number = Field(description="The output's value")
    gradients: dict[str, Number] = Field(
        description="d(output)/d(input) for every input that requires a gradient")
    nodes: list[Node]
    edges: list[Edge]
    steps: list[Step] = Field(default_factory=list, description=(
        "Versions 1 and 2: the forward steps, then the backward steps; then, with a tangent "
        "seed, the tangent steps (version 3 has only these)"))
    written: dict[str, Written] = Field(default_factory=dict, description=(
        "Version 3: how each op is written, keyed by op (by op and symbol for x**k)"))
    width: float | None = None
    height: float | None = None
    warnings: list[str] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list,
                                description="The groups, parents before children")
    tangent: Number | None = Field(None, description="With a seed: the directional "
                                   "derivative of the output (forward mode)")
    tangent_seed: dict[str, Number] | None = Field(None, description="The seed direction "
                                                   "over the inputs (missing entries are 0)")

    @model_validator(mode="after")
    def _derive(self, info: ValidationInfo):
        """Version 3: the nodes and edges read in Python as version 2's did
        (ids, names, TeX, gradient names, chips), without being written back.
        One the engine built (context {"built": True}) needs no checking."""
        if self.version >= 3:
            fill_derived(self, checked=bool(info.context and info.context.get("built")))
        elif any(g.members is None for g in self.groups):
            raise ValueError("a version 1 or 2 document's groups carry their members")
        return self

    def to_json(self, *, as_sent: bool = False) -> str:
        """Strict JSON (no NaN or Infinity tokens), with `pass` as the key,
        and only the fields the document was made or sent with: one saved by
        an older chainrule reads back as it was sent. (`as_sent` is kept
        for callers; every document is written so.)"""
        return self.model_dump_json(by_alias=True, exclude_unset=True)

    def as_version_2(self) -> Document:
        """The same document as version 2 wrote it: every field, and the
        forward and backward steps with their arithmetic written out."""
        if self.version < 3:
            return self
        return Document.model_validate(expand(json.loads(self.to_json())))

    def pass_length(self, pass_: str) -> int:
        """How many steps the pass has (version 3 derives them)."""
        return pass_length(self, pass_)

    def with_group_steps(self) -> Document:
        """This document, each of its groups given its steps in place
        (engine/group_steps.py: what version 3 leaves for readers to derive)."""
        for group, steps in zip(self.groups, group_steps(self.nodes, self.edges, self.groups)):
            group.steps = GroupSteps.model_validate(steps)
        return self
