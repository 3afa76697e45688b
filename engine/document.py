"""Build the graph document of any Value graph: parsed from a source or made
in Python (micrograd style). See schema.py for what a document holds."""

from __future__ import annotations

import math

from engine import notation
from engine.group_steps import with_group_steps
from engine.grouping import group_graph
from engine.layout import layout
from engine.naming import name_nodes
from engine.notation import Math, format_number
from engine.ops import nan_reason
from engine.parser import ParsedGraph
from engine.schema import (BackwardStep, Document, Edge, Flow, ForwardStep, Group, Node,
                           Received)
from engine.trace import Trace, record
from engine.value import Value


def build_document(output: Value, *, title: str | None = None, source: str | None = None,
                   labels: dict[str, str] | None = None, check: bool = False,
                   tangent: dict[str, float] | None = None) -> Document:
    """The document of the graph ending at `output`: layout, values, the
    recorded passes. `labels` maps source names to names on screen
    (ystar → y*); `check` adds each gradient's numeric check (engine.check),
    `tangent` the forward-mode pass of that seed (engine.tangent)."""
    trace = record(output)
    builder = _Builder(trace, labels or {})
    document = builder.document(title, source)
    if check:
        from engine.check import attach_checks  # only when asked for
        attach_checks(document, trace)
    if tangent is not None:
        from engine.tangent import attach_tangent  # only when asked for
        attach_tangent(document, trace, tangent, builder.display, builder.locals)
    return document


def document_of_parsed(parsed: ParsedGraph, *, title: str | None = None,
                       labels: dict[str, str] | None = None, check: bool = False,
                       tangent: dict[str, float] | None = None) -> Document:
    return build_document(parsed.output, title=title, source=parsed.source, labels=labels,
                          check=check, tangent=tangent)


def kind_of(node: Value) -> str:
    if node._prev:
        return "op"
    if node._op == "const":
        return "constant"
    return "parameter" if node.requires_grad else "data"


class _Builder:
    def __init__(self, trace: Trace, labels: dict[str, str]):
        self.trace = trace
        self.kinds = [kind_of(n) for n in trace.nodes]
        self.names = name_nodes(trace.nodes, trace.index, self.kinds, labels)
        self.expressions = self.names.written
        self.locals = [self._local_derivative(j) for j in range(len(trace.edges))]

    def display(self, i: int) -> Math:
        """How node i is referred to in another formula (see naming.py)."""
        return self.names.shown[i]

    # --- the document ---------------------------------------------------------

    def document(self, title: str | None, source: str | None) -> Document:
        trace = self.trace
        output = len(trace.nodes) - 1
        pairs = [(e.child, e.parent) for e in trace.edges]
        placed = layout(self.kinds, pairs, output)
        nodes = [self.node(i, placed.x[i], placed.y[i], i == output)
                 for i in range(len(trace.nodes))]
        edges = [self.edge(j, placed.bends.get((e.child, e.parent), []))
                 for j, e in enumerate(trace.edges)]
        steps = [self.forward_step(k, s) for k, s in enumerate(trace.forward)]
        steps += [self.backward_step(k, s) for k, s in enumerate(trace.backward)]
        gradients = {}
        for i, node in enumerate(trace.nodes):
            if self.kinds[i] == "parameter":
                gradients[node.label or self.display(i).text] = trace.gradients.get(i, 0.0)
        warnings = [f"{n.label}: {w}" for n in nodes for w in n.warnings]
        group_ids, groups = group_graph(trace.nodes, pairs)
        for node, group_id in zip(nodes, group_ids):
            if group_id is not None:
                node.group = group_id
        return with_group_steps(Document(title=title, source=source, output=output,
                        value=trace.nodes[output].data, gradients=gradients,
                        nodes=nodes, edges=edges, steps=steps,
                        groups=[Group(**vars(g)) for g in groups],
                        width=placed.width, height=placed.height, warnings=warnings))

    def node(self, i: int, x: float, y: float, is_output: bool) -> Node:
        value = self.trace.nodes[i]
        label = self.display(i)
        grad = self.trace.gradients.get(i) if value.requires_grad else None
        if grad is None and value.requires_grad:
            grad = 0.0  # requires a gradient, but the output does not depend on it
        op = value._op if value._prev else None
        expression = self.names.full[i]
        prime = notation.prime(label)
        return Node(id=i, name=value.label or None, label=label.text, tex=label.tex,
                    prime=prime.text, prime_tex=prime.tex,
                    kind=self.kinds[i], op=op,
                    symbol=notation.symbol_of(op, value.arg) if op else None,
                    arg=value.arg, expression=expression.text,
                    expression_tex=expression.tex, value=value.data, grad=grad,
                    requires_grad=value.requires_grad, is_output=is_output, x=x, y=y,
                    warnings=self.warnings(i, grad))

    def warnings(self, i: int, grad: float | None) -> list[str]:
        value = self.trace.nodes[i]
        found = []
        if math.isinf(value.data):
            found.append(f"overflow: the value is {format_number(value.data)}")
        elif value.data != value.data:
            inputs_nan = any(c.data != c.data for c in value._prev)
            reason = "an input is undefined" if inputs_nan else nan_reason(value._op)
            found.append(f"undefined (nan): {reason}")
        if grad is not None and not math.isfinite(grad):
            found.append(f"the gradient is {format_number(grad)}")
        return found

    def _local_derivative(self, j: int) -> Math:
        """∂parent/∂child of edge j, written in names as on the slides."""
        e = self.trace.edges[j]
        parent = self.trace.nodes[e.parent]
        operands = [self.display(self.trace.index[c]) for c in parent._prev]
        return notation.local_derivatives(parent._op, operands, self.display(e.parent),
                                          parent.arg)[e.index]

    def edge(self, j: int, bends) -> Edge:
        e = self.trace.edges[j]
        local = self.locals[j]
        return Edge(id=j, source=e.child, target=e.parent, index=e.index,
                    label=self.display(e.child).text, local_grad=e.local_grad,
                    local_grad_expr=local.text, local_grad_tex=local.tex,
                    chip=notation.chip(local), local_grad_wrapped_tex=local.wrapped().tex,
                    requires_grad=e.requires_grad, bends=[[x, y] for x, y in bends])

    def forward_step(self, k: int, step) -> ForwardStep:
        node = self.trace.nodes[step.node]
        with_numbers = notation.expression(node._op, [notation.number(v) for v in
                                                      step.input_values], node.arg)
        name, expression = self.display(step.node), self.expressions[step.node]
        value = notation.number(step.value)
        head = [name] if name.text != expression.text else []
        parts = head + [expression, with_numbers, value]
        return ForwardStep(index=k, node=step.node, inputs=step.inputs,
                           input_values=step.input_values, value=step.value,
                           text=" = ".join(p.text for p in parts),
                           tex=" = ".join(p.tex for p in parts))

    def backward_step(self, k: int, step) -> BackwardStep:
        me = notation.prime(self.display(step.node))
        if not step.received:  # the output: d(output)/d(output)
            parts = [me, Math("1", "1")]
        else:
            terms, numbers = [], []
            for e, contribution in step.received:
                edge, local = self.trace.edges[e], self.locals[e].wrapped()
                parent = notation.prime(self.display(edge.parent))
                terms.append(Math(f"{parent.text}·{local.text}",
                                  rf"{parent.tex} \cdot {local.tex}"))
                upstream = self.trace.gradients[edge.parent]
                numbers.append(Math(f"{format_number(upstream)} × "
                                    f"{notation.number(edge.local_grad).wrapped().text}",
                                    rf"{notation.number(upstream).tex} \times "
                                    rf"{notation.number(edge.local_grad).wrapped().tex}"))
            parts = [me, _sum(terms), _sum(numbers)]
            if len(step.received) > 1:
                parts.append(_sum([notation.number(c) for _, c in step.received]))
            parts.append(notation.number(step.upstream))
        flows = [Flow(edge=f.edge, child=f.child, local_grad=f.local_grad,
                      contribution=f.contribution, grad_after=f.grad_after) for f in step.flows]
        received = [Received(edge=e, parent=self.trace.edges[e].parent, contribution=c)
                    for e, c in step.received]
        return BackwardStep(index=k, node=step.node, grad=step.upstream, received=received,
                            flows=flows, text=" = ".join(p.text for p in parts),
                            tex=" = ".join(p.tex for p in parts))


def _sum(parts: list[Math]) -> Math:
    return Math(" + ".join(p.text for p in parts), " + ".join(p.tex for p in parts))
