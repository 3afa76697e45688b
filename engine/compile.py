"""Compile a Value graph, once, into code that runs without the graph.

Training the course models takes tens of thousands of steps; building Value
nodes for each would spend most of the time making objects. Instead the graph
of one sample's loss is turned into straight-line Python source: one line per
op for the forward pass, one per edge for the backward pass, then the SGD
update. The same lines run on floats (sequential SGD: the whole loop is one
generated function, so every variable is a fast local) and on numpy arrays
(full-batch gradients, and the loss landscape over a grid).

The results are the engine's own: the forward lines compute what value.py's
ops compute, the backward lines multiply each local derivative by the
upstream gradient and add the contributions in the order backward() adds
them. Where a local derivative is exactly 1 or −1 the product is written as
the upstream itself (or its negation), which is the same float. Each op's
code is in engine.ops, the same text that makes Value's functions. Tests
compare the compiled code with stepping the Value graph on random
expressions.

This module turns a graph into the lines of a Program; engine.compiled turns
a Program into Python functions (re-exported here).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

# The functions made from a Program, re-exported: callers import engine.compile.
from engine.compiled import (forward_array, landscape_function, sgd_loop, split_forward,
                             value_and_grad, value_and_grad_array)
from engine.ops import OPS
from engine.trace import record
from engine.value import Value

__all__ = ["Line", "Program", "compile_graph", "forward_array", "landscape_function",
           "sgd_loop", "split_forward", "value_and_grad", "value_and_grad_array"]


def python_literal(x: float, nan: str = "NAN", inf: str = "INF") -> str:
    """A float as Python reads it back exactly; nan and inf as the given
    names (the compiled code defines NAN and INF; a script spells them)."""
    if math.isnan(x):
        return nan
    if math.isinf(x):
        return inf if x > 0 else f"(-{inf})"
    return repr(float(x))


@dataclass
class Line:
    """One assignment of the generated code, on floats and on numpy arrays."""
    target: str
    expression: str
    array_expression: str
    uses: frozenset[str]

    def text(self, numpy: bool = False) -> str:
        return f"{self.target} = {self.array_expression if numpy else self.expression}"

    def __str__(self):
        return self.text()


@dataclass
class Program:
    """The lines of one sample's forward and backward pass."""
    params: list[str]          # names of the inputs trained
    data: list[str]            # names of the inputs that vary per sample
    forward: list[Line]        # the last one sets `loss`
    backward: list[Line]       # after them, grad_vars hold d loss / d param
    param_vars: list[str]
    data_vars: list[str]
    grad_vars: list[str]

    def forward_text(self, numpy: bool = False) -> list[str]:
        return [line.text(numpy) for line in self.forward]

    def backward_text(self, numpy: bool = False) -> list[str]:
        return [line.text(numpy) for line in self.backward]


_NAME = re.compile(r"\b[a-z]\w*\b")


def _line(target: str, expression: str, array_expression: str | None = None) -> Line:
    array_expression = expression if array_expression is None else array_expression
    return Line(target, expression, array_expression,
                frozenset(_NAME.findall(expression) + _NAME.findall(array_expression)))


def compile_graph(output: Value, params: list[str], data: list[str]) -> Program:
    """The straight-line program of the graph ending at `output`, whose inputs
    are found by their labels: `params` are trained, `data` vary per sample,
    every other input keeps its current value as a constant."""
    trace = record(output)
    index = trace.index
    names: dict[int, str] = {}
    forward: list[Line] = []
    for i, node in enumerate(trace.nodes):
        if not node._prev:
            if node.label in params:
                names[i] = f"p{params.index(node.label)}"
            elif node.label in data:
                names[i] = f"d{data.index(node.label)}"
            else:
                names[i] = python_literal(node.data)  # a constant: written in place
            continue
        names[i] = f"n{i}"
        operands = _operands(node, index, names)
        code, array_code = _codes(node)
        forward.append(_line(names[i], code.forward.format(**operands),
                             array_code.forward.format(**operands)))
    output_index = len(trace.nodes) - 1
    forward.append(_line("loss", names[output_index]))
    backward, grads = _backward_lines(trace, index, names, params)
    return Program(params=list(params), data=list(data), forward=forward, backward=backward,
                   param_vars=[f"p{j}" for j in range(len(params))],
                   data_vars=[f"d{j}" for j in range(len(data))], grad_vars=grads)


def _backward_lines(trace, index, names, params) -> tuple[list[Line], list[str]]:
    """One line per edge that leads back to a parameter, in backward()'s
    order (decreasing id; an op's first input, then its second)."""
    wanted = _needs_gradient(trace, index, params)
    output_index = len(trace.nodes) - 1
    grad: dict[int, str] = {output_index: "1.0"}
    lines: list[Line] = []
    for i in range(output_index, -1, -1):
        node = trace.nodes[i]
        if not node._prev or i not in wanted:
            continue
        code, array_code = _codes(node)
        operands = _operands(node, index, names)
        for position, child in enumerate(node._prev):
            c = index[child]
            if c not in wanted:
                continue
            contribution = _times(code.local[position].format(**operands), grad[i])
            on_arrays = _times(array_code.local[position].format(**operands), grad[i])
            if c in grad:
                lines.append(_line(f"g{c}", f"{grad[c]} + {contribution}",
                                   f"{grad[c]} + {on_arrays}"))
                grad[c] = f"g{c}"
            elif _is_name(contribution) and contribution == on_arrays:
                grad[c] = contribution  # the upstream itself: no copy needed
            else:
                lines.append(_line(f"g{c}", contribution, on_arrays))
                grad[c] = f"g{c}"
    grads = []
    for name in params:
        i = next((i for i, n in enumerate(trace.nodes) if not n._prev and n.label == name), None)
        grads.append(grad.get(i, "0.0") if i is not None else "0.0")
    return lines, grads


def _is_name(expression: str) -> bool:
    return expression.isidentifier() or expression == "1.0"


def _codes(node: Value):
    """The op's code on floats and on numpy arrays (engine.ops)."""
    op = OPS[node._op]
    return op.code_for(node.arg), op.code_for(node.arg, numpy=True)


def _operands(node: Value, index, names) -> dict[str, str]:
    children = node._prev
    operands = {"a": names[index[children[0]]], "o": names[index[node]]}
    if len(children) == 2:
        operands["b"] = names[index[children[1]]]
    if node.arg is not None:
        operands["k"] = python_literal(node.arg)
    return operands


def _times(local: str, upstream: str) -> str:
    """local × upstream as value.py computes it; × 1 and × −1 are exact, so
    they are written as the upstream itself or its negation."""
    if upstream == "1.0":
        return "1.0" if local == "1" else ("-1.0" if local == "-1" else f"({local})")
    if local == "1":
        return upstream
    if local == "-1":
        return f"-{upstream}"
    return f"({local}) * {upstream}"


def _needs_gradient(trace, index, params) -> set[int]:
    """Nodes on a path from a trained parameter to the output."""
    wanted: set[int] = set()
    for i, node in enumerate(trace.nodes):
        if not node._prev:
            if node.label in params:
                wanted.add(i)
        elif any(index[c] in wanted for c in node._prev):
            wanted.add(i)
    return wanted

