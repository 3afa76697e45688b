"""Export a Value graph as a networkx.DiGraph, for analysis in a notebook."""

from __future__ import annotations

import networkx as nx

from engine.document import kind_of
from engine.trace import record
from engine.value import Value


def to_networkx(output: Value) -> nx.DiGraph:
    """Nodes 0..n-1 in topological order with `op`, `kind`, `label`, `value`
    and `grad` (d(output)/d(node), None where no gradient is needed); an edge
    input → op with `local_grad` and `index`. An op that uses one input twice
    (x*x) gets one edge whose `local_grad` is the sum (2x) and whose
    `indices` lists both argument positions."""
    trace = record(output)
    graph = nx.DiGraph(output=len(trace.nodes) - 1)
    for i, node in enumerate(trace.nodes):
        graph.add_node(i, op=node._op if node._prev else None, kind=kind_of(node),
                       label=node.label, value=node.data,
                       grad=trace.gradients.get(i, 0.0) if node.requires_grad else None)
    for edge in trace.edges:
        if graph.has_edge(edge.child, edge.parent):
            attributes = graph.edges[edge.child, edge.parent]
            attributes["local_grad"] += edge.local_grad
            attributes["indices"].append(edge.index)
        else:
            graph.add_edge(edge.child, edge.parent, local_grad=edge.local_grad,
                           index=edge.index, indices=[edge.index],
                           requires_grad=edge.requires_grad)
    return graph
