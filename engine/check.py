"""The gradient check at any node: the central finite difference of the
output with respect to a node's value, the node perturbed in place.

For node i with value v, the output is recomputed with v + h and v − h at
node i, its own inputs untouched, and only the nodes downstream of it run
again (each op's forward rule from engine.ops, the IEEE-style functions, so
an overflow is inf, not an error). So an intermediate u is checked against
∂ℓ/∂u just as a parameter is. The step is chosen per node:
h = ∛ε · max(1, |v|), which balances the O(h²) truncation error of the
central difference against the rounding error ε|ℓ|/h, and is made exactly
representable (v + h − v = h) so the denominator 2h is exact.

A relative error over 1e-5 is flagged with the likely reason: a kink (an op
that is smooth only where its input is not 0, such as relu or abs, whose
input crosses 0 within ±h: the difference averages two slopes, the gradient
takes one), or catastrophic cancellation (ℓ(v + h) and ℓ(v − h) agree in so
many digits that their difference is mostly rounding).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from engine import ops
from engine.language import ParseError
from engine.notation import format_number
from engine.trace import Trace

EPSILON = 2.0 ** -52
FLAG_ABOVE = 1e-5
# An op smooth everywhere but where its input is 0 (engine.ops `domain`).
KINK_DOMAIN = "x ≠ 0"
MAX_RECOMPUTED = 2_000_000  # node evaluations in one check: a bound on its time


class CheckTooBig(ParseError):
    """A graph whose check would recompute too many nodes: a request the API
    refuses as it refuses too big a source (422, no place in the source)."""


@dataclass
class NodeCheck:
    numeric: float
    h: float
    rel_error: float
    explanation: str | None = None  # set when rel_error > FLAG_ABOVE

    @property
    def flagged(self) -> bool:
        return self.explanation is not None


@lru_cache(maxsize=None)
def _forward(name: str, arg: float | None) -> Callable:
    """The op's forward rule as a function of its operands (engine.ops code)."""
    code = ops.OPS[name].code_for(arg)
    text = code.forward.format(a="a", b="b", k="k")
    return eval(f"lambda a, b, k: {text}", dict(ops.FLOAT_FUNCTIONS))  # the registry's code


def step_for(value: float) -> float:
    """h = ∛ε · max(1, |v|), rounded so that v ± h are exact."""
    h = EPSILON ** (1 / 3) * max(1.0, abs(value)) if math.isfinite(value) else 1e-5
    exact = (value + h) - value
    return exact if exact > 0 else h


def relative_error(analytic: float, numeric: float) -> float:
    scale = max(abs(analytic), abs(numeric))
    if scale == 0.0:
        return 0.0
    return abs(analytic - numeric) / scale


class _Graph:
    """The trace's nodes as plain lists: values, operands, users."""

    def __init__(self, trace: Trace):
        nodes = trace.nodes
        self.values = [n.data for n in nodes]
        self.operands = [[trace.index[c] for c in n._prev] for n in nodes]
        self.forward = [_forward(n._op, n.arg) if n._prev else None for n in nodes]
        self.args = [n.arg for n in nodes]
        self.kink = [bool(n._prev) and ops.OPS[n._op].domain == KINK_DOMAIN for n in nodes]
        self.users: list[list[int]] = [[] for _ in nodes]
        for i, operands in enumerate(self.operands):
            for j in operands:
                self.users[j].append(i)

    def downstream(self, i: int) -> list[int]:
        """The nodes that depend on node i, in topological order."""
        seen = {i}
        stack = [i]
        while stack:
            for user in self.users[stack.pop()]:
                if user not in seen:
                    seen.add(user)
                    stack.append(user)
        seen.discard(i)
        return sorted(seen)

    def output_with(self, i: int, value: float, below: list[int], seen: _Seen) -> float:
        """The output with node i set to `value`; notes each kink op's input
        and the largest magnitude on the way (rounding scales with it)."""
        values = {i: value}
        base = self.values
        result = value
        largest = abs(value)
        for j in below:
            operands = [values.get(c, base[c]) for c in self.operands[j]]
            a = operands[0]
            b = operands[1] if len(operands) > 1 else 0.0
            result = self.forward[j](a, b, self.args[j])
            values[j] = result
            largest = max(largest, abs(a), abs(b), abs(result))
            if self.kink[j]:
                seen.kinks[j] = a
        seen.largest = max(seen.largest, largest)
        return result


@dataclass
class _Seen:
    """What one perturbed run met: kink ops' inputs, the largest magnitude."""
    kinks: dict[int, float] = field(default_factory=dict)
    largest: float = 0.0


def check_gradients(trace: Trace, label: Callable[[int], str]) -> dict[int, NodeCheck]:
    """The check of every node that requires a gradient, by node index;
    `label(i)` names a node in an explanation."""
    graph = _Graph(trace)
    output = len(trace.nodes) - 1
    wanted = [i for i, n in enumerate(trace.nodes) if n.requires_grad and i in trace.gradients]
    below, work = {}, 0
    for i in wanted:  # stops as soon as the work is known to be too much
        below[i] = graph.downstream(i)
        work += 2 * len(below[i])
        if work > MAX_RECOMPUTED:
            raise CheckTooBig(f"checking every gradient of this graph would recompute more "
                              f"than {MAX_RECOMPUTED:,} nodes: check a smaller graph")
    checks = {}
    for i in wanted:
        v = graph.values[i]
        h = step_for(v)
        up_seen, down_seen = _Seen(), _Seen()
        up = graph.output_with(i, v + h, below[i], up_seen)
        down = graph.output_with(i, v - h, below[i], down_seen)
        numeric = (up - down) / (2 * h)
        analytic = trace.gradients[i]
        error = relative_error(analytic, numeric)
        check = NodeCheck(numeric=numeric, h=h,
                          rel_error=error if error == error else math.inf)
        if not check.rel_error <= FLAG_ABOVE:
            check.explanation = _explain(graph, trace, label, i, h, up, down, numeric,
                                         analytic, up_seen, down_seen)
        checks[i] = check
    return checks


def _explain(graph, trace, label, i, h, up, down, numeric, analytic, up_seen: _Seen,
             down_seen: _Seen) -> str:
    name = label(i)
    if not (math.isfinite(up) and math.isfinite(down) and math.isfinite(analytic)):
        return (f"not a number to compare: the output is {format_number(down)} and "
                f"{format_number(up)} at {name} ∓ h, the gradient {format_number(analytic)}")
    for j in sorted(up_seen.kinks):
        a_up, a_down = up_seen.kinks[j], down_seen.kinks[j]
        if a_up == 0.0 or a_down == 0.0 or (a_up > 0) != (a_down > 0):
            op = trace.nodes[j]._op
            return (f"a kink: the input of {label(j)} goes from {a_down:.3g} to {a_up:.3g} "
                    f"as {name} moves by ∓h, crossing 0, where {op} "
                    "has no derivative: the finite difference averages the slopes on both "
                    "sides, the gradient takes the one at the value itself")
    # Each value on the way is rounded to about ε times its size; a difference
    # over 2h of two such results carries that error divided by h.
    largest = max(up_seen.largest, down_seen.largest)
    rounding = EPSILON * largest / h
    if rounding >= FLAG_ABOVE * max(abs(numeric), abs(analytic)) / 2:
        return (f"catastrophic cancellation: values as large as {largest:.3g} pass between "
                f"{name} and the output, whose change over ±h is only {abs(up - down):.3g}, "
                f"so the difference is mostly rounding (about ±{rounding:.1g} in the estimate)")
    return (f"the output curves strongly within ±h of {name} (the central difference's "
            "truncation error), or the gradient is wrong")


def attach_checks(document, trace: Trace) -> None:
    """Add `check` to each node of `document` that requires a gradient."""
    from engine.schema import GradientCheck
    def label(i: int) -> str:  # u1 = relu(w − 1): an automatic name with what it is
        node = document.nodes[i]
        short = node.kind == "op" and node.expression != node.label and len(node.expression) < 40
        return f"{node.label} = {node.expression}" if short else node.label

    checks = check_gradients(trace, label)
    for i, found in checks.items():
        document.nodes[i].check = GradientCheck(
            numeric=found.numeric, h=found.h, rel_error=found.rel_error,
            flagged=found.flagged, explanation=found.explanation)
