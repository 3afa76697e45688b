"""Random Value graphs made from Python, as a notebook user makes them, for
hypothesis: unlabelled and labelled leaves, data that needs no gradient,
numbers mixed in (constants), every function, fan-out (a node used by many)
and long edges (an early node used again much later). Values may overflow or
be undefined: documents must carry inf and nan too."""

from __future__ import annotations

from hypothesis import strategies as st

from engine import Value, group

UNARY = ["exp", "log", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "sqrt", "abs", "neg"]
BINARY = ["+", "-", "*", "/", "pow", "+k", "*k", "**k", "k-"]


def _apply(op: str, a: Value, b: Value, k: float) -> Value:
    if op == "neg":
        return -a
    if op == "abs":
        return abs(a)
    if op in UNARY:
        return getattr(a, op)()
    return {
        "+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b,
        "pow": lambda: a ** b, "+k": lambda: a + k, "*k": lambda: k * a,
        "**k": lambda: a ** k, "k-": lambda: k - a,
    }[op]()


@st.composite
def value_graphs(draw, max_leaves: int = 4, max_ops: int = 14, groups: bool = False) -> Value:
    """The output Value of a random graph; with `groups`, its ops made inside
    random nested `engine.group(...)`s (a group opens or closes before an op)."""
    leaves = []
    for i in range(draw(st.integers(1, max_leaves))):
        data = draw(st.floats(-2, 2, allow_nan=False).map(lambda x: round(x, 3)))
        labelled = draw(st.booleans())
        is_data = draw(st.booleans())
        leaves.append(Value(data, label=f"x{i}" if labelled and is_data else
                            f"w{i}" if labelled else "", requires_grad=not is_data))
    nodes = list(leaves)
    opened = []   # the groups open now, innermost last (context managers, closed in order)
    try:
        return _ops(draw, nodes, max_ops, opened if groups else None)
    finally:
        while opened:
            opened.pop().__exit__(None, None, None)


def _ops(draw, nodes: list, max_ops: int, opened: list | None) -> Value:
    for _ in range(draw(st.integers(1, max_ops))):
        if opened is not None:
            move = draw(st.integers(0, 3))   # open one, close the innermost, or neither
            if move == 0 and len(opened) < 3:
                opened.append(group(f"g{len(nodes)}"))
                opened[-1].__enter__()
            elif move == 1 and opened:
                opened.pop().__exit__(None, None, None)
        op = draw(st.sampled_from(UNARY + BINARY))
        # Any earlier node: picking early ones makes long edges and fan-out.
        a = nodes[draw(st.integers(0, len(nodes) - 1))]
        b = nodes[draw(st.integers(0, len(nodes) - 1))]
        k = draw(st.sampled_from([2.0, 3.0, 0.5, -1.0, 1.5]))
        node = _apply(op, a, b, k)
        if draw(st.integers(0, 4)) == 0:
            node.label = f"h{len(nodes)}"
        nodes.append(node)
    # The output depends on the last node and, often, on an early one too.
    out = nodes[-1]
    if draw(st.booleans()):
        out = out + nodes[draw(st.integers(0, len(nodes) - 1))]
    return out


@st.composite
def fanned_out_graphs(draw) -> Value:
    """A random graph whose nodes feed many others, as a neuron's output feeds
    a whole layer: each of a random graph's values, for a few of them, used
    1 to 12 more times through random ops, the uses summed. Its gradient is a
    sum of that many arrows (the chain rule writes over four short)."""
    base = draw(value_graphs(max_ops=8))
    wide = [base] + [child for child in base._prev]
    out = base
    for shared in wide[:draw(st.integers(1, 3))]:
        for _ in range(draw(st.integers(1, 12))):
            op = draw(st.sampled_from(["*k", "tanh", "+k", "k-", "relu", "neg"]))
            out = out + _apply(op, shared, shared, draw(st.sampled_from([2.0, 0.5, -1.0, 1.5])))
    return out
