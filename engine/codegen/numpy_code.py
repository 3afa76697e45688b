"""The graph by hand in numpy, in the course practical's style: each op is a
class whose backward (upstream gradient times each local derivative) stands
right beside its forward, and one function runs the forward pass, inputs
first, then the backward pass, output first. Every line comes from the op's
code in engine.ops."""

from __future__ import annotations

import json
import re

from engine import ops
from engine.codegen.graph import CodeGraph, exponent, literal, tidy
from engine.codegen.spelling import class_name, numpy_code, numpy_forward, numpy_helpers

# The script's own names, and every op's class, which a source name must not shadow.
RESERVED = {"np", "json", "forward_backward", "result", "lr", "order", "j", "grad", "self",
            "_", "epoch"} | {class_name(op, arg) for op in ops.OPS.values()
                             for arg in (None, op.case.arg if op.case else None)}


def _kinds(graph: CodeGraph) -> list[tuple]:
    """The distinct (op, arg-or-case) the graph uses, in order of first use."""
    seen: dict[tuple, None] = {}
    for node in graph.nodes:
        if node._prev:
            seen.setdefault(_kind(node), None)
    return list(seen)


def _kind(node) -> tuple:
    op = ops.OPS[node._op]
    if op.case is not None and node.arg == op.case.arg:
        return (op.name, node.arg)
    return (op.name, None)


def _times(local: str, upstream: str) -> str:
    if local == "1":
        return upstream
    if local == "-1":
        return f"-{upstream}"
    return f"({local}) * {upstream}"


def op_class(name: str, arg: float | None) -> str:
    """The class of one op (`arg`: the constant of its special case, or
    None): forward keeps what backward needs."""
    op = ops.OPS[name]
    code = numpy_code(op, arg)
    parameters = list("ab"[:op.arity])
    keeps_k = name == "**" and arg is None  # x ** k: k is kept on the object
    forward = numpy_forward(op, arg).format(a="a", b="b", k="self.k")
    local_texts = [t.format(a="a", b="b", o="o", k="self.k") for t in code.local]
    needed = [p for p in parameters + ["o"]
              if any(re.search(rf"\b{p}\b", t) for t in local_texts)]
    saved = [p for p in needed if p != "o"]
    lines = [f"class {class_name(op, arg)}:"]
    if keeps_k:
        lines += ["    def __init__(self, k):", "        self.k = k", ""]
    lines.append(f"    def forward(self, {', '.join(parameters)}):")
    if saved:
        lines.append(f"        {', '.join('self.' + p for p in saved)} = {', '.join(saved)}")
    if "o" in needed:
        lines += [f"        self.o = {tidy(forward)}", "        return self.o"]
    else:
        lines.append(f"        return {tidy(forward)}")
    lines += ["", "    def backward(self, grad):"]
    if needed:
        lines.append(f"        {', '.join(needed)} = {', '.join('self.' + p for p in needed)}")
    contributions = [tidy(_times(t, "grad")) for t in local_texts]
    lines.append(f"        return {', '.join(contributions)}")
    return "\n".join(lines)


def numpy_script(graph: CodeGraph, header: list[str], training=None) -> str:
    """The script; `training(gradient_names)` gives the lines of a training loop."""
    kinds = _kinds(graph)
    classes = [op_class(name, arg) for name, arg in kinds]
    used = set(re.findall(r"\b([a-z_]\w*)\(", "\n".join(classes)))
    helpers = numpy_helpers(used)
    body, gradient_names = _forward_backward(graph)
    args = ", ".join(graph.name(i) for i in graph.inputs)
    out = graph.name(graph.output)
    lines = [*header, "import json", "", "import numpy as np", "", ""]
    for block in helpers + classes:
        lines += [block, "", ""]
    lines += body + ["", ""]
    lines += [f"{graph.name(i)} = np.float64({literal(graph.nodes[i].data)})"
              for i in graph.inputs]
    lines.append(f"{', '.join([out] + gradient_names)} = forward_backward({args})")
    pairs = ", ".join(f"{json.dumps(graph.keys[i])}: float({g})"
                      for i, g in zip(graph.params, gradient_names))
    lines.append(f"result = {{\"value\": float({out}), \"gradients\": {{{pairs}}}}}")
    if training:
        lines += ["", *training(gradient_names)]
    lines.append("print(json.dumps(result))")
    return "\n".join(lines) + "\n"


def _forward_backward(graph: CodeGraph) -> tuple[list[str], list[str]]:
    """def forward_backward(inputs): the forward pass, then the backward pass."""
    args = ", ".join(graph.name(i) for i in graph.inputs)
    lines = [f"def forward_backward({args}):",
             '    """The output and its gradient with respect to each parameter."""',
             "    # forward pass, inputs first: each op object keeps what its backward needs"]
    instance: dict[int, str] = {}
    for i, node in enumerate(graph.nodes):
        if not node._prev:
            continue
        op = ops.OPS[node._op]
        instance[i] = graph.namer.claim(f"op_{graph.name(i)}")
        _, arg = _kind(node)
        made = f"{class_name(op, arg)}({exponent(node.arg)})" if node._op == "**" and arg is None \
            else f"{class_name(op, arg)}()"
        operands = []
        for j in graph.operands(i):
            operands.append(literal(graph.nodes[j].data) if graph.is_constant(j)
                            else graph.name(j))
        lines.append(f"    {instance[i]} = {made}")
        lines.append(f"    {graph.name(i)} = {instance[i]}.forward({', '.join(operands)})")
        graph.marks[("forward", i)] = lines[-1]
    backward, gradient_names = _backward(graph, instance)
    lines += backward
    output = graph.output
    value = f"np.float64({literal(graph.nodes[output].data)})" if graph.is_constant(output) \
        else graph.name(output)
    lines.append(f"    return {', '.join([value] + gradient_names)}")
    return lines, gradient_names


def _backward(graph: CodeGraph, instance: dict[int, str]) -> tuple[list[str], list[str]]:
    """One line per op node that requires a gradient, output first; a node
    used twice adds its second contribution to its running sum."""
    lines = ["    # backward pass, output first: a node's gradient is complete before "
             "it is passed on"]
    grad: dict[int, str] = {}
    output = graph.output
    if graph.nodes[output].requires_grad:
        grad[output] = graph.namer.claim(f"grad_{graph.name(output)}")
        lines.append(f"    {grad[output]} = 1.0")
        graph.marks[("backward", output)] = lines[-1]
    for i in range(output, -1, -1):
        node = graph.nodes[i]
        if not node._prev or i not in grad:
            continue
        targets, sums = [], []
        for j in graph.operands(i):
            if not graph.nodes[j].requires_grad:
                targets.append("_")
            elif j in grad:
                more = graph.namer.claim(f"more_{graph.name(j)}")
                targets.append(more)
                sums.append((j, f"    {grad[j]} = {grad[j]} + {more}"))
            else:
                grad[j] = graph.namer.claim(f"grad_{graph.name(j)}")
                targets.append(grad[j])
        lines.append(f"    {', '.join(targets)} = {instance[i]}.backward({grad[i]})")
        # a node's gradient is complete on the last line that adds to it
        for j in graph.operands(i):
            if graph.nodes[j].requires_grad:
                graph.marks[("backward", j)] = lines[-1]
        for j, line in sums:
            lines.append(line)
            graph.marks[("backward", j)] = line
    for i in graph.params:
        if i not in grad:  # the output does not depend on it
            grad[i] = graph.namer.claim(f"grad_{graph.name(i)}")
            lines.append(f"    {grad[i]} = 0.0")
    return lines, [grad[i] for i in graph.params]
