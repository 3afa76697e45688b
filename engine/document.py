"""Build the graph document of any Value graph: parsed from a source or made
in Python (micrograd style). See schema.py for what a document holds."""

from __future__ import annotations

import math

from engine import notation
from engine.gc_pause import collector_paused
from engine.grouping import group_graph
from engine.naming import name_nodes
from engine.notation import Math, format_number
from engine.ops import nan_reason
from engine.parser import ParsedGraph
from engine.schema import DOCUMENT_VERSION, Document
from engine.trace import Trace, record
from engine.value import Value


def build_document(output: Value, *, title: str | None = None, source: str | None = None,
                   labels: dict[str, str] | None = None, check: bool = False,
                   tangent: dict[str, float] | None = None) -> Document:
    """The document of the graph ending at `output`: values, names, groups
    and what the recorded passes need (the page lays the graph out itself,
    static/js/layout.js). `labels` maps source names to names on screen
    (ystar → y*); `check` adds each gradient's numeric check (engine.check),
    `tangent` the forward-mode pass of that seed (engine.tangent)."""
    with collector_paused():
        trace = record(output)
        builder = _Builder(trace, labels or {})
        document = Document.model_validate(builder.document(title, source),
                                           context={"built": True})
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
    """The document as plain JSON-shaped data, version 3: only what no rule
    derives (see schema.py); validated once, as a whole, by the schema."""

    def __init__(self, trace: Trace, labels: dict[str, str]):
        self.trace = trace
        self.labels = labels
        self.kinds = [kind_of(n) for n in trace.nodes]
        self.names = name_nodes(trace.nodes, trace.index, self.kinds, labels)
        self.locals = self._local_derivatives()

    def display(self, i: int) -> Math:
        """How node i is referred to in another formula (see naming.py)."""
        return self.names.shown[i]

    # --- the document ---------------------------------------------------------

    def document(self, title: str | None, source: str | None) -> dict:
        trace = self.trace
        output = len(trace.nodes) - 1
        pairs = [(e.child, e.parent) for e in trace.edges]
        group_ids, groups = group_graph(trace.nodes, pairs)
        written: dict[str, dict] = {}
        nodes = [self.node(i, group_ids[i], written) for i in range(len(trace.nodes))]
        edges = self.edges()
        document = {"version": DOCUMENT_VERSION, "output": output,
                    "value": trace.nodes[output].data,
                    "gradients": self.gradients(), "nodes": nodes, "edges": edges,
                    "steps": [], "written": written}
        if title is not None:
            document["title"] = title
        if source is not None:
            document["source"] = source
        warnings = [f"{n['label']}: {w}" for n in nodes for w in n.get("warnings", ())]
        if warnings:
            document["warnings"] = warnings
        if groups:
            # A named intermediate's group is called as its node is on screen (h1_14 → h[1][14]).
            # Its members (the nodes' `group`) and its steps (engine/group_steps.py) are derived.
            document["groups"] = [{"id": g.id, "label": self.labels.get(g.label, g.label),
                                   "parent": g.parent, "inputs": g.inputs, "outputs": g.outputs}
                                  for g in groups]
        return document

    def gradients(self) -> dict[str, float]:
        trace = self.trace
        return {node.label or self.display(i).text: trace.gradients.get(i, 0.0)
                for i, node in enumerate(trace.nodes) if self.kinds[i] == "parameter"}

    def node(self, i: int, group: int | None, written: dict[str, dict]) -> dict:
        value = self.trace.nodes[i]
        label = self.names.shown[i]
        node = {"label": label.text, "kind": self.kinds[i], "value": value.data}
        if value.label:
            node["name"] = value.label
        if label.tex != label.text:
            node["tex"] = label.tex
        if not label.atomic:
            node["atomic"] = False
        grad = None
        if value.requires_grad:
            # 0 where it requires a gradient but the output does not depend on it
            grad = node["grad"] = self.trace.gradients.get(i, 0.0)
        if value._prev:
            op, arg = value._op, value.arg
            symbol = notation.symbol_of(op, arg)
            node["op"], node["symbol"], node["expression"] = op, symbol, self.names.full[i].text
            if arg is not None:
                node["arg"] = arg
            key = notation.written_key(op, symbol, arg)
            if key not in written:
                template = notation.written_template(op, arg)
                written[key] = {"text": template.text, "tex": template.tex,
                                "atomic": template.atomic}
        if not math.isfinite(value.data) or (grad is not None and not math.isfinite(grad)):
            node["warnings"] = self.warnings(i, grad)
        if group is not None:
            node["group"] = group
        return node

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

    def _local_derivatives(self) -> list[Math]:
        """∂parent/∂child of each edge, written in names as on the slides:
        an op's derivatives are written once for all its edges."""
        trace, shown = self.trace, self.names.shown
        found: list[Math] = []
        done = -1
        for e in trace.edges:
            if e.parent != done:
                done, parent = e.parent, trace.nodes[e.parent]
                operands = [shown[trace.index[c]] for c in parent._prev]
                derivatives = notation.local_derivatives(parent._op, operands, shown[e.parent],
                                                         parent.arg)
            found.append(derivatives[e.index])
        return found

    def edges(self) -> list[dict]:
        flowed = {f.edge: f.contribution for step in self.trace.backward for f in step.flows}
        edges = []
        for j, e in enumerate(self.trace.edges):
            local = self.locals[j]
            edge = {"source": e.child, "target": e.parent, "local_grad": e.local_grad,
                    "local_grad_expr": local.text}
            if local.tex != local.text:
                edge["local_grad_tex"] = local.tex
            if not local.atomic:
                edge["atomic"] = False
            if j in flowed:
                edge["contribution"] = flowed[j]
            edges.append(edge)
        return edges
