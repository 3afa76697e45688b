"""A collapsed group as one step of each pass, written as the slides would.

Forward, a group takes its inputs' values in and gives its output's value out:
`x = 0.5, a3 = 2 ↦ h3 = tanh(a3·x + c3) = 0.76`.

Backward, the gradient arrives at its output (that node's own backward step:
`h3′ = o′·v3 = …`) and leaves on each input. What leaves on input i is the
sum, over i's edges into the group, of the member's gradient times the edge's
local derivative: exactly the part of i′ that the node-by-node pass adds
through those edges. Where it is short, it is also written as the chain rule
through the group, one product of local derivatives per path from i to the
output (factors of 1 left out): `a3′ += h3′·(1 − h3²)·x`. Numbers come from
the document's gradients and local derivatives; nothing is recomputed.

Version 3 documents leave these steps out: the rules below read only what
the document carries, so engine/document_codec.py (`expand`) derives them
here, and static/js/group_steps.js is the same code for the page (a test
runs both on the same documents).
"""

from __future__ import annotations

from engine.notation import Math, format_number, number

MAX_PATHS = 4            # more paths than this: the sum over the edges into the group
MAX_EXPRESSION = 60      # a longer output expression is left out of the forward text
MAX_GIVEN = 6            # values written going in; more are counted
MAX_LEAF_FLOWS = 32      # a group with more leaves inside writes no flow for them


def _prime(node) -> Math:
    return Math(node.prime or f"{node.label}′", node.prime_tex or f"{node.tex}'")


def _within(groups) -> dict[int, set[int]]:
    """Every node in each group, its subgroups' members included."""
    inside = {g.id: set(g.members) for g in groups}
    for g in reversed(groups):   # parents come before children: children first here
        if g.parent is not None:
            inside[g.parent] |= inside[g.id]
    return inside


def _entering(nodes, group, inside: set[int], limit: int | None = None) -> list[int]:
    """Where values enter: its inputs, then the leaves inside it (a parameter
    only this group uses belongs to it, and its gradient leaves there too),
    unless there are more than `limit` of them (a layer's hundreds of
    weights: their gradients are read in the open group)."""
    leaves = sorted(i for i in inside if nodes[i].kind != "op")
    if limit is not None and len(leaves) > limit:
        leaves = []
    return list(group.inputs) + leaves


def _forward(nodes, group, inside: set[int]) -> Math:
    entering = _entering(nodes, group, inside)
    given = [Math(f"{nodes[i].label} = {format_number(nodes[i].value)}",
                  f"{nodes[i].tex} = {number(nodes[i].value).tex}") for i in entering[:MAX_GIVEN]]
    if len(entering) > MAX_GIVEN:
        given.append(Math(f"… ({len(entering)} values)", rf"\ldots\ ({len(entering)}\ \text{{values}})"))
    made = []
    for o in group.outputs:
        node = nodes[o]
        parts = [Math(node.label, node.tex)]
        if node.expression != node.label and len(node.expression) <= MAX_EXPRESSION:
            # Expressions are written in text only (version 3): the TeX skips it.
            parts.append(Math(node.expression, None))
        parts.append(number(node.value))
        made.append(Math(" = ".join(p.text for p in parts),
                         " = ".join(p.tex for p in parts if p.tex is not None)))
    into = Math(", ".join(m.text for m in given), r",\ ".join(m.tex for m in given))
    out = Math(", ".join(m.text for m in made), r",\ ".join(m.tex for m in made))
    if not given:
        return out
    return Math(f"{into.text} ↦ {out.text}", rf"{into.tex} \;\mapsto\; {out.tex}")


def _path_counts(inside: set[int], outputs: set[int], out_of) -> dict[int, int]:
    """Paths from each node inside to an output, counted up to MAX_PATHS + 1;
    node ids are in topological order, so the later nodes come first here."""
    count: dict[int, int] = {}
    for node in sorted(inside, reverse=True):
        n = 1 if node in outputs else 0
        for edge in out_of.get(node, []):
            if edge.target in inside and edge.requires_grad and node not in outputs:
                n += count.get(edge.target, 0)
        count[node] = min(n, MAX_PATHS + 1)
    return count


def _paths(start: int, inside: set[int], outputs: set[int], out_of, count) -> list | None:
    """The edge paths from `start` into the group to one of its outputs, or
    None when there are more than MAX_PATHS. Without recursion: a group can
    be a chain of thousands of nodes."""
    firsts = [e for e in out_of.get(start, []) if e.target in inside and e.requires_grad]
    if sum(count.get(e.target, 0) for e in firsts) > MAX_PATHS:
        return None
    found, stack = [], [[e] for e in firsts if count.get(e.target, 0)]
    while stack:
        path = stack.pop()
        node = path[-1].target
        if node in outputs:
            found.append(path)
            continue
        stack += [path + [e] for e in out_of.get(node, [])
                  if e.target in inside and e.requires_grad and count.get(e.target, 0)]
    return sorted(found, key=lambda p: [e.id for e in p])


def _factors(path) -> tuple[Math, float]:
    """A path's product of local derivatives, without the factors that are 1."""
    shown = [e for e in reversed(path) if e.local_grad_expr != "1"]   # from the output back
    value = 1.0
    for e in path:
        value *= e.local_grad
    text = "·".join(_wrapped_text(e) for e in shown)
    tex = r" \cdot ".join(e.local_grad_wrapped_tex or e.local_grad_tex for e in shown)
    return Math(text, tex), value


def _wrapped_text(edge) -> str:
    tex = edge.local_grad_wrapped_tex
    if tex and tex.startswith(r"\left(") and not edge.local_grad_expr.startswith("("):
        return f"({edge.local_grad_expr})"
    return edge.local_grad_expr


def _flows(nodes, group, inside: set[int], out_of) -> list[dict]:
    outputs = set(group.outputs)
    # The path form needs each output's gradient to come from outside only.
    outputs_leave = all(not (e.target in inside) for o in outputs for e in out_of.get(o, []))
    count = _path_counts(inside, outputs, out_of) if outputs_leave else {}
    flows = []
    for i in _entering(nodes, group, inside, MAX_LEAF_FLOWS):
        into = [e for e in out_of.get(i, []) if e.target in inside and e.requires_grad]
        if not into or nodes[i].grad is None:
            continue
        contribution = 0.0
        for e in into:
            contribution += (nodes[e.target].grad or 0.0) * e.local_grad
        rest = any(e.target not in inside and e.requires_grad for e in out_of.get(i, []))
        me = _prime(nodes[i])
        sign = Math(" += " if rest else " = ", r" \mathrel{+}= " if rest else " = ")
        paths = _paths(i, inside, outputs, out_of, count) if outputs_leave else None
        terms, numbers = [], []
        if paths:
            for path in paths:
                factors, _ = _factors(path)
                head = _prime(nodes[path[-1].target])
                terms.append(Math(f"{head.text}·{factors.text}" if factors.text else head.text,
                                  rf"{head.tex} \cdot {factors.tex}" if factors.tex else head.tex))
            if len(paths) == 1:
                upstream = nodes[paths[0][-1].target].grad or 0.0
                locals_ = [e.local_grad for e in reversed(paths[0]) if e.local_grad_expr != "1"]
                numbers = [number(upstream)] + [number(x).wrapped() for x in locals_]
        else:
            for e in into:
                head = _prime(nodes[e.target])
                local = Math(e.local_grad_expr, e.local_grad_wrapped_tex or e.local_grad_tex)
                terms.append(Math(f"{head.text}·{_wrapped_text(e)}", rf"{head.tex} \cdot {local.tex}"))
        parts = [Math(" + ".join(t.text for t in terms), " + ".join(t.tex for t in terms))]
        if len(numbers) > 1:
            parts.append(Math(" × ".join(n.text for n in numbers),
                              r" \times ".join(n.tex for n in numbers)))
        parts.append(number(contribution))
        text = me.text + sign.text + " = ".join(p.text for p in parts)
        tex = me.tex + sign.tex + " = ".join(p.tex for p in parts)
        flows.append({"child": i, "contribution": contribution, "text": text, "tex": tex})
    return flows


def group_steps(nodes, edges, groups) -> list[dict]:
    """Each group's forward step and what leaves it backward (the gradient
    arriving at its outputs is their own backward steps', which the page
    writes: static/js/group_document.js). Nodes, edges and groups are read
    by attribute, with every field of version 2 (a Document's, or the
    expanded JSON's in engine/document_codec.py)."""
    inside = _within(groups)
    out_of: dict[int, list] = {}
    for edge in edges:
        out_of.setdefault(edge.source, []).append(edge)
    found = []
    for group in groups:
        forward = _forward(nodes, group, inside[group.id])
        found.append({"forward_text": forward.text, "forward_tex": forward.tex,
                      "flows": _flows(nodes, group, inside[group.id], out_of)})
    return found

