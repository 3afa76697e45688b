"""The expression language: source text → a graph of Value nodes.

Python arithmetic syntax read with `ast` and a whitelist; nothing is ever
evaluated by Python itself. A source is one or more lines (or `;`-separated
statements):

    u = w*x          # names an intermediate node, as the slides do
    v = u + b
    y = exp(v)
    w = 0.5          # `name = number` gives an input its value
    l = (y - ystar)^2   # the last line is the output; ^ means **

Every rejection is a ParseError with a message, a line and a column (both
counted from 1, in characters), so a form can put a caret under the mistake.

engine.language reads the source (what syntax is admitted, the functions
and operators of engine.ops); engine.graph_builder builds the nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.gc_pause import collector_paused
from engine.graph_builder import GraphBuilder, ParsedGraph
from engine.language import FUNCTIONS, Limits, ParseError, read_module

__all__ = ["FUNCTIONS", "InputInfo", "Limits", "ParseError", "ParsedGraph", "find_inputs",
           "parse"]


def parse(source: str, values: dict[str, float] | None = None,
          data: list[str] | frozenset[str] | None = None,
          limits: Limits = Limits()) -> ParsedGraph:
    """Parse `source` and build its graph, with `values` overriding the input
    values written in the source and `data` naming the inputs that need no
    gradient. Raises ParseError."""
    with collector_paused():
        source, module = read_module(source, limits)
        builder = GraphBuilder(source, dict(values or {}), frozenset(data or ()), limits)
        return builder.build(module)


@dataclass(frozen=True)
class InputInfo:
    name: str
    value: float | None      # written in the source as `name = number`, else None
    line: int                # where it first appears
    column: int


def find_inputs(source: str, limits: Limits = Limits()) -> tuple[list[InputInfo], list[str]]:
    """The inputs of a source, in order of first appearance, with the value
    the source gives each (or None), and the names of its intermediates: what
    a form needs to ask for. Raises ParseError for a source the language
    rejects (but not for inputs with no value)."""
    source, module = read_module(source, limits)
    builder = GraphBuilder(source, {}, frozenset(), limits)
    if not module.body:
        raise ParseError("the source is empty: write an expression such as x**2 - 1", 1, 1)
    builder.validate(module.body)
    defaults = builder.collect_input_defaults(module.body)
    computed = {name for name in builder.defined_on if name not in defaults}
    found: dict[str, InputInfo] = {}
    for node in builder.names_in_source_order():
        if node.id not in computed and node.id not in found \
                and node.id not in FUNCTIONS:
            found[node.id] = InputInfo(node.id, defaults.get(node.id),
                                       *builder.positions.of(node))
    return list(found.values()), sorted(computed, key=lambda n: builder.defined_on[n])
