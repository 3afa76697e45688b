"""The passes as an ordered list of steps: what the page replays.

Forward: one step per op node, inputs first: the op, its inputs and the value.
Backward: one step per node that requires a gradient, output first: its
gradient (the upstream), the contributions it received from each parent, and
for each of its input edges the local derivative, the contribution
upstream × local, and the running sum at that input after adding it.

Recording repeats Value.backward()'s loop, with the same float additions in
the same order, so the recorded gradients equal backward()'s to the last bit.
It costs nothing unless asked for: backward() itself records nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.value import Value, topological_order


@dataclass
class ForwardRecord:
    node: int                 # index in Trace.nodes
    op: str
    inputs: list[int]
    input_values: list[float]
    value: float


@dataclass
class FlowRecord:
    edge: int                 # index in Trace.edges
    child: int
    local_grad: float
    contribution: float       # upstream × local_grad
    grad_after: float         # running sum at the child after adding it


@dataclass
class BackwardRecord:
    node: int
    upstream: float           # d(output)/d(node): all contributions summed
    received: list[tuple[int, float]]   # (edge, contribution) from each parent
    flows: list[FlowRecord] = field(default_factory=list)


@dataclass
class TracedEdge:
    child: int
    parent: int
    index: int                # argument position at the parent
    local_grad: float
    requires_grad: bool


@dataclass
class Trace:
    nodes: list[Value]                  # topological order, inputs first
    edges: list[TracedEdge]
    forward: list[ForwardRecord]
    backward: list[BackwardRecord]
    gradients: dict[int, float]         # node → d(output)/d(node), this pass
    index: dict[Value, int]             # a node's position in `nodes`


def record(output: Value) -> Trace:
    """Record the forward and backward passes of the graph ending at `output`."""
    nodes = topological_order(output)
    index = {node: i for i, node in enumerate(nodes)}
    edges: list[TracedEdge] = []
    in_edges: list[list[int]] = [[] for _ in nodes]
    forward: list[ForwardRecord] = []
    for i, node in enumerate(nodes):
        children = node._prev
        for position, (child, local) in enumerate(zip(children, node._local)):
            in_edges[i].append(len(edges))
            edges.append(TracedEdge(index[child], i, position, local,
                              node.requires_grad and child.requires_grad))
        if children:
            forward.append(ForwardRecord(i, node._op, [index[c] for c in children],
                                       [c.data for c in children], node.data))
    backward, gradients = _record_backward(nodes, edges, in_edges, index[output])
    return Trace(nodes, edges, forward, backward, gradients, index)


def _record_backward(nodes, edges, in_edges, output_index):
    if not nodes[output_index].requires_grad:
        return [], {}
    running = {output_index: 1.0}
    received: dict[int, list[tuple[int, float]]] = {output_index: []}
    steps = []
    for i in range(output_index, -1, -1):  # decreasing id, as backward() goes
        if i not in running:
            continue  # the output does not depend on it, or it is data
        upstream = running[i]
        step = BackwardRecord(i, upstream, received.get(i, []))
        for e in in_edges[i]:
            edge = edges[e]
            if not edge.requires_grad:
                continue
            contribution = edge.local_grad * upstream
            running[edge.child] = running.get(edge.child, 0.0) + contribution
            received.setdefault(edge.child, []).append((e, contribution))
            step.flows.append(FlowRecord(e, edge.child, edge.local_grad, contribution,
                                       running[edge.child]))
        steps.append(step)
    return steps, running
