"""A version 3 document in full: what it leaves out, derived by the one
rule for each (schema.py says what is left out). The page does the same in
static/js/document_codec.js, and a test runs both on the same documents.

`expand` answers a document (JSON-shaped, as sent) as version 2 wrote it:
ids, argument positions, gradient names, chips, the forward and backward
steps with their numbers and their arithmetic written out, and each group's
members and steps (engine/group_steps.py, the one rule for those).
Numbers are taken from the document, never recomputed, except each
backward flow's `grad_after`: the running sum at the input, the same float
additions in the same order as the recorded pass (so equal to the bit).
Documents of versions 1 and 2 already carry it all and are answered as sent.
"""

from __future__ import annotations

from types import SimpleNamespace

from engine.group_steps import group_steps
from engine.notation import (Math, chip, chip_text, fill_operands, number, prime,
                             written_key)
from engine.ops import Written
from engine.json_numbers import decode_number, encode_number

LONG_SUM = 4   # a gradient summed from more arrows than this is written short


def backward_order(requires: list[bool], edges: list[tuple[int, int]],
                   output: int) -> list[tuple[int, list[int]]]:
    """The backward pass's steps as engine.trace records them: (node, the
    edges its gradient flows along), from the output down, each node once
    every node that uses it is done. `requires[i]`: node i has a gradient;
    `edges`: (source, target) in order, a target's edges by argument position."""
    if not requires[output]:
        return []
    in_edges: list[list[int]] = [[] for _ in requires]
    for e, (_, target) in enumerate(edges):
        in_edges[target].append(e)
    reached = [False] * len(requires)
    reached[output] = True
    order = []
    for i in range(output, -1, -1):
        if not reached[i]:
            continue
        flows = [e for e in in_edges[i] if requires[edges[e][0]]]
        for e in flows:
            reached[edges[e][0]] = True
        order.append((i, flows))
    return order


def fill_derived(document, checked: bool = False) -> None:
    """Give the nodes and edges of a version 3 schema.Document the fields
    version 2 wrote out (not the steps: see `expand`), as values that are
    not written back: to_json writes only the fields that were sent."""
    if not checked:
        _check(document)
    output = document.output
    for i, node in enumerate(document.nodes):
        fields = node.__dict__
        label = fields["label"]
        tex = fields["tex"]
        if tex is None:
            tex = fields["tex"] = label
        if fields["expression"] is None:
            fields["expression"] = label
        fields["id"], fields["is_output"] = i, i == output
        fields["requires_grad"] = fields["grad"] is not None
        if fields["atomic"]:  # notation.prime, without making a Math per node
            fields["prime"], fields["prime_tex"] = f"{label}′", f"{tex}'"
        else:
            fields["prime"], fields["prime_tex"] = f"({label})′", rf"\left({tex}\right)'"
    nodes = document.nodes
    position: dict[int, int] = {}
    for j, edge in enumerate(document.edges):
        fields = edge.__dict__
        source, target = fields["source"], fields["target"]
        expr, tex = fields["local_grad_expr"], fields["local_grad_tex"]
        if tex is None:
            tex = fields["local_grad_tex"] = expr
        fields["id"], fields["label"] = j, nodes[source].label
        fields["index"] = position[target] = position.get(target, -1) + 1
        fields["requires_grad"] = nodes[source].requires_grad and nodes[target].requires_grad
        fields["chip"] = chip_text(expr)
        fields["local_grad_wrapped_tex"] = tex if fields["atomic"] else rf"\left({tex}\right)"
    members = members_of(document.groups, [n.group for n in nodes])
    for group, mine in zip(document.groups, members):
        if group.members is None:   # left out (version 3 as the engine writes it): not written back
            group.__dict__["members"] = mine


def members_of(groups, innermost: list[int | None]) -> list[list[int]]:
    """Each group's members: the nodes whose innermost group it is, in order
    (engine/grouping.py lists them so). `innermost[i]`: node i's `group`."""
    members: list[list[int]] = [[] for _ in groups]
    for i, g in enumerate(innermost):
        if g is not None:
            members[g].append(i)
    return members


def _check(document) -> None:
    """What the rules need of a version 3 document sent from outside:
    ValueError (a 422 from the schema) rather than a page that cannot read it."""
    count = len(document.nodes)
    if not 0 <= document.output < count:
        raise ValueError(f"output {document.output} is not a node (there are {count})")
    for j, edge in enumerate(document.edges):
        if not (0 <= edge.source < count and 0 <= edge.target < count):
            raise ValueError(f"edge {j} joins {edge.source} to {edge.target}, "
                             f"not two of the {count} nodes")
    for i, node in enumerate(document.nodes):
        if node.kind == "op" and written_key(node.op or "", node.symbol, node.arg) \
                not in document.written:
            raise ValueError(f"node {i}: no `written` template for its op {node.op!r}")
    _check_groups(document.groups, document.nodes)
    order = backward_order([n.grad is not None for n in document.nodes],
                           [(e.source, e.target) for e in document.edges], document.output)
    for _, flows in order:
        for e in flows:
            if document.edges[e].contribution is None:
                raise ValueError(f"edge {e}: the backward pass flows along it, "
                                 "but it has no contribution")


def _check_groups(groups, nodes) -> None:
    """Groups the rules can read: ids are positions, parents come first,
    nodes named are nodes, and members, when sent, are the nodes' `group`."""
    count = len(nodes)
    for k, group in enumerate(groups):
        if group.id != k:
            raise ValueError(f"group {k} has id {group.id}: a group's id is its position")
        if group.parent is not None and not 0 <= group.parent < k:
            raise ValueError(f"group {k}: its parent {group.parent} is not a group before it")
        for field in ("inputs", "outputs"):
            wrong = [i for i in getattr(group, field) if not 0 <= i < count]
            if wrong:
                raise ValueError(f"group {k}: {field} {wrong} are not nodes (there are {count})")
    for i, node in enumerate(nodes):
        if node.group is not None and not 0 <= node.group < len(groups):
            raise ValueError(f"node {i}: its group {node.group} is not one of the "
                             f"{len(groups)} groups")
    derived = members_of(groups, [n.group for n in nodes])
    for k, group in enumerate(groups):
        if group.members is not None and group.members != derived[k]:
            raise ValueError(f"group {k}: members {group.members} are not the nodes whose "
                             f"group it is {derived[k]}")


def pass_length(document, pass_: str) -> int:
    """How many steps a pass of `document` (a schema.Document) has."""
    if document.version < 3 or pass_ not in ("forward", "backward"):
        return sum(1 for s in document.steps if s.pass_ == pass_)
    if pass_ == "forward":
        return sum(1 for n in document.nodes if n.kind == "op")
    return len(backward_order([n.grad is not None for n in document.nodes],
                              [(e.source, e.target) for e in document.edges], document.output))


def expand(doc: dict) -> dict:
    """`doc` (a document as JSON data) with every field of version 2."""
    if doc.get("version", 3) < 3:
        return doc
    nodes = [_node(i, n, doc["output"]) for i, n in enumerate(doc["nodes"])]
    edges = _edges(doc["edges"], nodes)
    shown = [Math(n["label"], n["tex"], atomic=raw.get("atomic", True))
             for n, raw in zip(nodes, doc["nodes"])]
    written = {key: Written(w["text"], w["tex"], w.get("atomic", False))
               for key, w in doc.get("written", {}).items()}
    steps = _forward_steps(nodes, edges, shown, written)
    steps += _backward_steps(doc, nodes, edges, [r.get("contribution") for r in doc["edges"]],
                             shown)
    full = {key: value for key, value in doc.items() if key != "written"}
    full.update(version=2, nodes=nodes, edges=edges, steps=steps + list(doc.get("steps", [])),
                groups=_groups(doc.get("groups", []), nodes, edges))
    full.setdefault("warnings", [])
    return full


def _groups(raw_groups: list[dict], nodes: list[dict], edges: list[dict]) -> list[dict]:
    """The groups with their members and steps, by engine/group_steps.py's
    rules (read by attribute, numbers decoded, as on a Document)."""
    if not raw_groups:
        return []
    members = members_of(raw_groups, [n.get("group") for n in nodes])
    groups = [SimpleNamespace(**{**raw, "members": mine})
              for raw, mine in zip(raw_groups, members)]
    read_nodes = [SimpleNamespace(**{**n, "value": decode_number(n["value"]),
                                     "grad": decode_number(n["grad"])}) for n in nodes]
    read_edges = [SimpleNamespace(**{**e, "local_grad": decode_number(e["local_grad"])})
                  for e in edges]
    steps = group_steps(read_nodes, read_edges, groups)
    for made in steps:   # as JSON writes them: a non-finite contribution as its string
        for flow in made["flows"]:
            flow["contribution"] = encode_number(flow["contribution"])
    return [{**raw, "members": mine, "steps": made}
            for raw, mine, made in zip(raw_groups, members, steps)]


def _node(i: int, raw: dict, output: int) -> dict:
    label = raw["label"]
    node = {"id": i, "name": raw.get("name"), "label": label, "tex": raw.get("tex", label),
            "kind": raw["kind"], "op": raw.get("op"), "symbol": raw.get("symbol"),
            "arg": raw.get("arg"), "expression": raw.get("expression", label),
            "value": raw["value"], "grad": raw.get("grad"),
            "requires_grad": raw.get("grad") is not None, "is_output": i == output,
            "warnings": raw.get("warnings", [])}
    gradient = prime(Math(label, node["tex"], atomic=raw.get("atomic", True)))
    node["prime"], node["prime_tex"] = gradient.text, gradient.tex
    for key in ("x", "y", "group", "check"):
        if key in raw:
            node[key] = raw[key]
    return node


def _edges(raw_edges: list[dict], nodes: list[dict]) -> list[dict]:
    edges, position = [], {}
    for j, raw in enumerate(raw_edges):
        source, target = raw["source"], raw["target"]
        local = _local(raw)
        index = position[target] = position.get(target, -1) + 1
        edge = {"id": j, "source": source, "target": target, "index": index,
                "label": nodes[source]["label"], "local_grad": raw["local_grad"],
                "local_grad_expr": local.text, "local_grad_tex": local.tex,
                "chip": chip(local), "local_grad_wrapped_tex": local.wrapped().tex,
                "requires_grad": nodes[source]["requires_grad"] and nodes[target]["requires_grad"],
                "bends": raw.get("bends", [])}
        edges.append(edge)
    return edges


def _local(raw: dict) -> Math:
    expr = raw["local_grad_expr"]
    return Math(expr, raw.get("local_grad_tex", expr), atomic=raw.get("atomic", True))


def _forward_steps(nodes, edges, shown, written) -> list[dict]:
    inputs: list[list[int]] = [[] for _ in nodes]
    for edge in edges:
        inputs[edge["target"]].append(edge["source"])
    steps = []
    for node in nodes:
        if node["kind"] != "op":
            continue
        i = node["id"]
        template = written[written_key(node["op"], node["symbol"], node["arg"])]
        values = [nodes[j]["value"] for j in inputs[i]]
        expression = fill_operands(template, [shown[j] for j in inputs[i]])
        with_numbers = fill_operands(template, [number(decode_number(v)) for v in values])
        head = [shown[i]] if shown[i].text != expression.text else []
        parts = head + [expression, with_numbers, number(decode_number(node["value"]))]
        steps.append({"pass": "forward", "index": len(steps), "node": i, "inputs": inputs[i],
                      "input_values": values, "value": node["value"], **_joined(parts)})
    return steps


def _backward_steps(doc, nodes, edges, contributions, shown) -> list[dict]:
    order = backward_order([n["requires_grad"] for n in nodes],
                           [(e["source"], e["target"]) for e in edges], doc["output"])
    running: dict[int, float] = {}
    received: dict[int, list[dict]] = {}
    steps = []
    for k, (i, flowing) in enumerate(order):
        me = prime(shown[i])
        got = received.get(i, [])
        flows = []
        for e in flowing:
            edge = edges[e]
            child, contribution = edge["source"], contributions[e]
            running[child] = running.get(child, 0.0) + decode_number(contribution)
            received.setdefault(child, []).append(
                {"edge": e, "parent": i, "contribution": contribution})
            flows.append({"edge": e, "child": child, "local_grad": edge["local_grad"],
                          "contribution": contribution,
                          "grad_after": encode_number(running[child])})
        grad = nodes[i]["grad"]
        if not got:  # the output: d(output)/d(output)
            parts = [me, Math("1", "1")]
        elif len(got) > LONG_SUM:
            # A node used many times (a neuron's output feeds a whole layer):
            # the sum is written short, its parts on the arrows it came along.
            terms = [_term(edges[r["edge"]], shown) for r in got]
            parts = [me, _sum(terms), _summands(got), number(decode_number(grad))]
        else:
            terms, numbers = [], []
            for r in got:
                edge = edges[r["edge"]]
                terms.append(_term(edge, shown))
                upstream = number(decode_number(nodes[edge["target"]]["grad"]))
                upstream = upstream.wrapped() if numbers else upstream   # a + (−1) × 3
                factor = number(decode_number(edge["local_grad"])).wrapped()
                numbers.append(Math(f"{upstream.text} × {factor.text}",
                                    rf"{upstream.tex} \times {factor.tex}"))
            parts = [me, _sum(terms), _sum(numbers)]
            if len(got) > 1:
                parts.append(_summands(got))
            parts.append(number(decode_number(grad)))
        steps.append({"pass": "backward", "index": k, "node": i, "grad": grad,
                      "received": got, "flows": flows, **_joined(parts)})
    return steps


def _term(edge: dict, shown: list[Math]) -> Math:
    """What one arrow out of a node brings back to it: parent′·local."""
    local, parent = _local_of(edge), prime(shown[edge["target"]])
    return Math(f"{parent.text}·{local.text}", rf"{parent.tex} \cdot {local.tex}")


def _local_of(edge: dict) -> Math:
    atomic = edge["local_grad_wrapped_tex"] == edge["local_grad_tex"]
    local = Math(edge["local_grad_expr"], edge["local_grad_tex"], atomic=atomic)
    return local.wrapped()


def _joined(parts: list[Math]) -> dict:
    return {"text": " = ".join(p.text for p in parts), "tex": " = ".join(p.tex for p in parts)}


def _summands(got: list[dict]) -> Math:
    """What a node received, summed: 0.5 + (−0.25) (after the first, a
    negative number in parentheses)."""
    numbers = [number(decode_number(r["contribution"])) for r in got]
    return _sum(numbers[:1] + [n.wrapped() for n in numbers[1:]])


def _sum(parts: list[Math]) -> Math:
    """a + b + c; over LONG_SUM parts, the first two and the last around
    what is left out: a + b + ⋯ 13 more ⋯ + p."""
    if len(parts) > LONG_SUM:
        hidden = len(parts) - 3
        parts = [*parts[:2], Math(f"⋯ {hidden} more ⋯", rf"\cdots\ \text{{{hidden} more}}\ \cdots"), parts[-1]]
    return Math(" + ".join(p.text for p in parts), " + ".join(p.tex for p in parts))
