"""Left-to-right layered layout, drawn the way the course slides draw a graph.

The output sits on the right; each op's main input (its "spine": an op input
before data, data before a parameter) continues on the op's own line, so the
chain x → u → v → y → ℓ is one straight row. A parameter that feeds a single
op stands directly above it (w and b drop into × and + from above); other
inputs enter from the layer on the left, above the spine when they are
parameters and below it otherwise.

The algorithm is a short Sugiyama pass written for this shape of graph, with
networkx for the structure: layers by longest path, one dummy point per layer
crossed by a long edge, order within a layer by the barycenter of the parents'
ranks (right to left, from the output), then y coordinates as close as
possible to where each node's parents want it, with no overlaps. It is
deterministic (ties fall back to node ids) and linear but for the sorts.
A general-purpose layered layout (dagre, ELK, graphviz dot) would lose the
slides' conventions, which are the point of the picture.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

LAYER_GAP = 170.0     # horizontal distance between layers: room for "u = 0.25" and "u′ = 161.1"
ROW_GAP = 90.0        # vertical distance between rows
MARGIN = 50.0
MAX_BENDS = 6
_SPINE_PREFERENCE = {"op": 0, "data": 1, "constant": 2, "parameter": 3}


@dataclass
class Layout:
    x: list[float]
    y: list[float]
    width: float
    height: float
    # Bends of edges that span several layers, by (child, parent).
    bends: dict[tuple[int, int], list[tuple[float, float]]] = field(default_factory=dict)


def layout(kinds: list[str], edges: list[tuple[int, int]], output: int) -> Layout:
    """Place nodes 0..n-1 (`kinds`: op, parameter, data or constant) joined by
    `edges` (child, parent), nodes in topological order, `output` last."""
    graph = nx.DiGraph()
    graph.add_nodes_from(range(len(kinds)))
    graph.add_edges_from(edges)
    children = _children_in_argument_order(len(kinds), edges)
    spine = [_spine_of(kids, kinds, graph) for kids in children]
    attached = _attached_parameters(kinds, graph, spine)
    layer = _layers(kinds, graph, attached)

    # Dummy units on long edges: (child, parent) → one unit per crossed layer.
    units_in_layer: dict[int, list] = {}
    unit_parents: dict = {}
    for n in graph.nodes:
        if n in attached:
            continue
        units_in_layer.setdefault(layer[n], []).append(n)
        unit_parents[n] = []
    chains: dict[tuple[int, int], list] = {}
    for child, parent in graph.edges:
        if child in attached and attached[child] == parent:
            continue
        previous = parent
        chain = []
        span = layer[parent] - layer[child] - 1
        # Bend points keep long edges clear of nodes; past MAX_BENDS layers
        # (a parameter shared across a long sum) they would cost more than
        # they help, and the edge is drawn straight.
        crossed = range(layer[parent] - 1, layer[child], -1) if span <= MAX_BENDS else ()
        for lay in crossed:
            dummy = ("dummy", child, parent, lay)
            units_in_layer.setdefault(lay, []).append(dummy)
            unit_parents[dummy] = [previous]
            chain.append(dummy)
            previous = dummy
        chains[(child, parent)] = chain
        unit_parents[child].append(previous)

    offsets = _offsets_from_parents(children, spine, attached, kinds)
    ys: dict = {}
    rank: dict = {}
    above = {c: [p for p, owner in attached.items() if owner == c] for c in attached.values()}
    for lay in sorted(units_in_layer, reverse=True):
        units = units_in_layer[lay]

        def barycenter(unit):
            parents = unit_parents[unit]
            if not parents:
                return (0.0, 0.0, _unit_id(unit))
            mean_rank = sum(rank[p] for p in parents) / len(parents)
            first = min(parents, key=lambda p: rank[p])
            return (mean_rank, offsets.get((_real(unit), _real(first)), 0.0), _unit_id(unit))

        units.sort(key=barycenter)
        for i, unit in enumerate(units):
            rank[unit] = i
        desired = []
        for unit in units:
            parents = unit_parents[unit]
            wanted = [ys[p] + offsets.get((_real(unit), _real(p)), 0.0) * ROW_GAP
                      for p in parents]
            desired.append(sum(wanted) / len(wanted) if wanted else 0.0)
        heights = [len(above.get(unit, ())) * ROW_GAP for unit in units]
        for unit, y in zip(units, _without_overlaps(desired, heights)):
            ys[unit] = y

    x = [0.0] * len(kinds)
    y = [0.0] * len(kinds)
    for n in graph.nodes:
        if n in attached:
            continue
        x[n], y[n] = layer[n] * LAYER_GAP, ys[n]
    for owner, params in above.items():
        for j, p in enumerate(sorted(params, key=lambda q: offsets[(q, owner)], reverse=True)):
            x[p], y[p] = x[owner], y[owner] - (j + 1) * ROW_GAP
    bends = {}
    for (child, parent), chain in chains.items():
        if chain:
            bends[(child, parent)] = [(d[3] * LAYER_GAP, ys[d]) for d in reversed(chain)]
    return _normalised(x, y, bends)


def _children_in_argument_order(count: int, edges: list[tuple[int, int]]) -> list[list[int]]:
    """The distinct inputs of each node (edges come in argument order)."""
    children: list[list[int]] = [[] for _ in range(count)]
    for child, parent in edges:
        if child not in children[parent]:
            children[parent].append(child)
    return children


def _spine_of(kids: list[int], kinds: list[str], graph: nx.DiGraph) -> int | None:
    if not kids:
        return None
    return min(kids, key=lambda c: (_SPINE_PREFERENCE[kinds[c]], c))



def _attached_parameters(kinds, graph, spine) -> dict[int, int]:
    """Parameters that feed one op, not as its spine: drawn right above it."""
    attached = {}
    for n, kind in enumerate(kinds):
        if kind != "parameter":
            continue
        parents = list(graph.successors(n))
        if len(parents) == 1 and spine[parents[0]] != n:
            attached[n] = parents[0]
    return attached


def _layers(kinds, graph, attached) -> dict[int, int]:
    layer = {}
    for n in nx.topological_sort(graph):
        inputs = [c for c in graph.predecessors(n) if c not in attached]
        layer[n] = 1 + max((layer[c] for c in inputs), default=-1)
    # Every node moves right, next to the first op that uses it: inputs join
    # their op, and a term of a long sum sits beside the + that takes it
    # instead of far left with an edge across the whole picture.
    for n in reversed(list(nx.topological_sort(graph))):
        if n not in attached and graph.out_degree(n):
            layer[n] = max(layer[n], min(layer[p] for p in graph.successors(n)) - 1)
    for p, owner in attached.items():
        layer[p] = layer[owner]
    low = min(layer.values())
    return {n: lay - low for n, lay in layer.items()}


def _offsets_from_parents(children, spine, attached, kinds) -> dict[tuple[int, int], float]:
    """Where each input sits relative to its parent, in rows: the spine at 0,
    parameters above (negative), everything else below, in argument order."""
    offsets = {}
    for parent, kids in enumerate(children):
        if not kids:
            continue
        main = spine[parent]
        ups = [c for c in kids if c != main and kinds[c] == "parameter" and c not in attached]
        downs = [c for c in kids if c != main and c not in ups and c not in attached]
        offsets[(main, parent)] = 0.0
        for j, c in enumerate(reversed(ups)):
            offsets[(c, parent)] = -(j + 1.0)
        for j, c in enumerate(downs):
            offsets[(c, parent)] = j + 1.0
        for j, c in enumerate(c for c in kids if attached.get(c) == parent):
            offsets[(c, parent)] = float(j)  # order among the attached, drawn above
    return offsets


def _without_overlaps(desired: list[float], heights: list[float]) -> list[float]:
    """Ys in the given order, each unit `ROW_GAP` below the previous one's
    bottom (a unit is `height` tall above its y), as close to `desired` as a
    push-down and a push-up pass averaged can make them."""
    n = len(desired)
    down = list(desired)
    for i in range(1, n):
        down[i] = max(desired[i], down[i - 1] + ROW_GAP + heights[i])
    up = list(desired)
    for i in range(n - 2, -1, -1):
        up[i] = min(desired[i], up[i + 1] - ROW_GAP - heights[i + 1])
    return [(a + b) / 2.0 for a, b in zip(down, up)]


def _real(unit):
    """The graph node a unit stands for (a dummy stands for its edge's child)."""
    return unit[1] if isinstance(unit, tuple) else unit


def _unit_id(unit) -> tuple:
    return (unit[1], unit[2]) if isinstance(unit, tuple) else (unit, -1)


def _normalised(x, y, bends) -> Layout:
    points = list(zip(x, y)) + [p for chain in bends.values() for p in chain]
    min_x = min(p[0] for p in points)
    min_y = min(p[1] for p in points)
    dx, dy = MARGIN - min_x, MARGIN - min_y
    x = [v + dx for v in x]
    y = [v + dy for v in y]
    bends = {k: [(a + dx, b + dy) for a, b in chain] for k, chain in bends.items()}
    width = max(x) + MARGIN if x else 2 * MARGIN
    height = max(max(y), max((b for c in bends.values() for _, b in c), default=0)) + MARGIN
    return Layout(x, y, width, height, bends)


def count_crossings(lay: Layout, edges: list[tuple[int, int]]) -> int:
    """Pairs of edges (as drawn: straight segments through their bends) that
    cross away from a shared node."""
    segments = []
    for child, parent in set(edges):
        points = [(lay.x[child], lay.y[child])] + lay.bends.get((child, parent), []) + \
                 [(lay.x[parent], lay.y[parent])]
        for a, b in zip(points, points[1:]):
            segments.append((a, b, child, parent))
    crossings = 0
    for i in range(len(segments)):
        for j in range(i + 1, len(segments)):
            (a, b, c1, p1), (c, d, c2, p2) = segments[i], segments[j]
            if {c1, p1} & {c2, p2} and (c1, p1) != (c2, p2):
                continue
            if (c1, p1) == (c2, p2):
                continue
            if _segments_cross(a, b, c, d):
                crossings += 1
    return crossings


def _segments_cross(a, b, c, d) -> bool:
    def orient(p, q, r):
        value = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
        return (value > 1e-9) - (value < -1e-9)
    o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
    return o1 * o2 < 0 and o3 * o4 < 0
