"""Forward mode beside reverse mode: the tangent pass of a seed direction.

Every input gets a tangent, its entry of the seed (ẇ = 1, missing entries
0; a constant has none), and each op node, in forward order, the sum over
its inputs of local derivative × the input's tangent: the dual numbers of
forward-mode differentiation, with the same local derivatives the backward
pass uses (the trace's edges). The output's tangent is the directional
derivative along the seed; seeded with one input, it is that input's
gradient, which one reverse pass gives for every input at once.

Each step's text follows the product rule as the slides would write it:
u̇ = ẇ·x + w·ẋ = 1 × 0.5 + 0.5 × 0 = 0.5, the tangent of an op's first
input written before its local derivative, of the second after it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Callable

from engine.language import ParseError
from engine.notation import Math, number
from engine.trace import Trace

COMBINING_DOT = "\u0307"
_NAME = re.compile(r"[^\W\d]\S*")  # w, y*, u1, zₜ: not a number, no spaces
_OPERATORS = set("()+·/−-×^")


class TangentError(ParseError):
    """A seed that names no input of the graph (422, as a bad value is)."""


def dot(name: Math) -> Math:
    """The slides' name for a tangent: ẇ = dw/dt."""
    if _NAME.fullmatch(name.text) and not _OPERATORS & set(name.text):
        # NFC: ẇ is one character where Unicode has one, u̇ stays u + the dot
        text = unicodedata.normalize("NFC", name.text[0] + COMBINING_DOT + name.text[1:])
        return Math(text, rf"\dot{{{name.tex}}}")
    return Math(f"({name.text})˙", rf"{{\left({name.tex}\right)}}^{{\cdot}}")


def seed_direction(trace: Trace, seed: dict[str, float]) -> dict[int, float]:
    """The tangent of each input node; raises TangentError for a name that
    is not an input."""
    inputs = {n.label: i for i, n in enumerate(trace.nodes)
              if not n._prev and n._op != "const" and n.label}
    for name, value in seed.items():
        if name not in inputs:
            known = ", ".join(inputs) or "none"
            raise TangentError(f"the tangent seed gives '{name}', which is not an input of "
                               f"the graph (its inputs: {known})")
        if not math.isfinite(value):
            raise TangentError(f"the tangent of '{name}' must be a finite number")
    return {i: float(seed.get(name, 0.0)) for name, i in inputs.items()}


def tangent_pass(trace: Trace, seed: dict[str, float]) -> tuple[list[float], list]:
    """Every node's tangent, and for each op node in forward order its
    (node, [(edge, input tangent), ...]) terms."""
    tangents = [0.0] * len(trace.nodes)
    for i, value in seed_direction(trace, seed).items():
        tangents[i] = value
    in_edges: list[list[int]] = [[] for _ in trace.nodes]
    for e, edge in enumerate(trace.edges):
        in_edges[edge.parent].append(e)
    steps = []
    for step in trace.forward:
        i = step.node
        terms = [(e, tangents[trace.edges[e].child]) for e in in_edges[i]
                 if not _is_constant(trace, trace.edges[e].child)]
        total = 0.0
        for e, tangent in terms:
            total += trace.edges[e].local_grad * tangent
        tangents[i] = total
        steps.append((i, terms))
    return tangents, steps


def _is_constant(trace: Trace, i: int) -> bool:
    node = trace.nodes[i]
    return not node._prev and node._op == "const"


def attach_tangent(document, trace: Trace, seed: dict[str, float],
                   display: Callable[[int], Math], locals_: list[Math]) -> None:
    """Add the tangent pass to `document`: `tangent`, `tangent_seed` and one
    step per op node. `display(i)` names node i, `locals_[e]` writes edge e's
    local derivative (as the backward steps do)."""
    from engine.schema import TangentStep
    tangents, steps = tangent_pass(trace, seed)
    direction = seed_direction(trace, seed)
    for k, (i, terms) in enumerate(steps):
        text = _text(trace, i, terms, tangents[i], display, locals_)
        document.steps.append(TangentStep(index=k, node=i, tangent=tangents[i],
                                          text=text.text, tex=text.tex))
    document.tangent = tangents[len(trace.nodes) - 1]
    document.tangent_seed = {trace.nodes[i].label: v for i, v in direction.items()}


def _text(trace, i, terms, tangent, display, locals_) -> Math:
    me = dot(display(i))
    if not terms:  # an op of constants alone
        return Math(f"{me.text} = 0", f"{me.tex} = 0")
    names, numbers = [], []
    for e, child_tangent in terms:
        edge = trace.edges[e]
        child, local = dot(display(edge.child)), _factor(locals_[e])
        local_number = number(edge.local_grad)
        if edge.index == 0:
            names.append(Math(f"{child.text}·{local.text}", rf"{child.tex} \cdot {local.tex}"))
            first, second = number(child_tangent), local_number
        else:
            names.append(Math(f"{local.text}·{child.text}", rf"{local.tex} \cdot {child.tex}"))
            first, second = local_number, number(child_tangent)
        if numbers:  # a negative number after " + " is written in parentheses
            first = first.wrapped()
        second = second.wrapped()
        numbers.append(Math(f"{first.text} × {second.text}",
                            rf"{first.tex} \times {second.tex}"))
    parts = [me, _sum(names), _sum(numbers), number(tangent)]
    return Math(" = ".join(p.text for p in parts), " = ".join(p.tex for p in parts))


def _factor(local: Math) -> Math:
    """A local derivative as a factor: a name or a positive number stands
    alone (ẇ·x), anything else in parentheses (ẏ·(−1), v̇·(cos s))."""
    if re.fullmatch(r"[^\s()+·/−-]+", local.text):
        return Math(local.text, local.tex)
    return local.wrapped() if not local.atomic else Math(f"({local.text})",
                                                         rf"\left({local.tex}\right)")


def _sum(parts: list[Math]) -> Math:
    return Math(" + ".join(p.text for p in parts), " + ".join(p.tex for p in parts))
