"""The graph in a library that differentiates it: PyTorch (tensors with
requires_grad, backward(), .grad), JAX (jax.grad over the parameters) and
chainrule's own Value (micrograd's API). The forward function is the
source's lines; each op is written as engine.ops spells it for the language."""

from __future__ import annotations

import json

from engine import ops
from engine.codegen.graph import CodeGraph, expressions, literal
from engine.codegen.spelling import constant, spell

RESERVED = {"np", "json", "torch", "jax", "jnp", "Value", "forward", "result", "lr", "order",
            "j", "optimizer", "grad_fn", "batch_loss", "epoch", "row", "parameter", "grads",
            "value"}
IMPORTS = {
    "pytorch": ["import torch"],
    "jax": ["import jax", "import jax.numpy as jnp", "",
            'jax.config.update("jax_enable_x64", True)  # float64, as the engine computes'],
    "chainrule": ["from engine import Value"],
}


def forward_function(graph: CodeGraph, language: str) -> list[str]:
    """def forward(inputs): the source's lines, in the language."""

    def spelled(i: int, operands: list[str]) -> str:
        node = graph.nodes[i]
        return spell(ops.OPS[node._op], node.arg, language, operands)

    args = ", ".join(graph.name(i) for i in graph.inputs)
    lines = [f"def forward({args}):"]
    for i, text, computed in expressions(graph, spelled,
                                         lambda number: constant(language, number)):
        lines.append(f"    {graph.name(i)} = {text}")
        graph.marks.update({("forward", j): lines[-1] for j in computed})
    output = graph.output
    if graph.is_constant(output):
        lines.append(f"    return {constant(language, literal(graph.nodes[output].data))}")
    else:
        lines.append(f"    return {graph.name(output)}")
    return lines


def _json_pairs(graph: CodeGraph, values: list[str]) -> str:
    return ", ".join(f"{json.dumps(graph.keys[i])}: {v}" for i, v in zip(graph.params, values))


def library_script(graph: CodeGraph, language: str, header: list[str], training=None) -> str:
    """The script; `training(None)` gives the lines of a training loop."""
    lines = [*header, "import json", ""]
    if training:
        lines += ["import numpy as np"]
    lines += [*IMPORTS[language], "", ""]
    lines += forward_function(graph, language) + ["", ""]
    lines += {"pytorch": _pytorch, "jax": _jax, "chainrule": _chainrule}[language](graph)
    if training:
        lines += ["", *training(None)]
    lines.append("print(json.dumps(result))")
    return "\n".join(lines) + "\n"


def _mark_backward(graph: CodeGraph, line: str):
    """The library runs the whole backward pass in one call: every step's line."""
    for i in graph.trace.gradients:
        graph.marks[("backward", i)] = line


def _call(graph: CodeGraph) -> str:
    return f"forward({', '.join(graph.name(i) for i in graph.inputs)})"


def _tensor_script(graph: CodeGraph, declare, backward_note: str, grad_of, value_of) -> list[str]:
    """Inputs declared, the forward call, backward() on the output, and the
    JSON line: how PyTorch and chainrule scripts both read."""
    lines = [declare(i) for i in graph.inputs]
    out = graph.name(graph.output)
    lines.append(f"{out} = {_call(graph)}")
    if graph.params:
        lines.append(f"{out}.backward()  # {backward_note.format(out=out)}")
        _mark_backward(graph, lines[-1])
    pairs = _json_pairs(graph, [grad_of(graph.name(i)) for i in graph.params])
    lines.append(f'result = {{"value": {value_of(out)}, "gradients": {{{pairs}}}}}')
    return lines


def _pytorch(graph: CodeGraph) -> list[str]:
    def declare(i):
        grad = ", requires_grad=True" if i in graph.params else ""
        return (f"{graph.name(i)} = torch.tensor({literal(graph.nodes[i].data)}, "
                f"dtype=torch.float64{grad})")
    return _tensor_script(graph, declare, "fills .grad of every tensor with requires_grad",
                          lambda name: f"{name}.grad.item()", lambda out: f"{out}.item()")


def _jax(graph: CodeGraph) -> list[str]:
    lines = [f"{graph.name(i)} = {literal(graph.nodes[i].data)}" for i in graph.inputs]
    out = graph.name(graph.output)
    lines.append(f"{out} = {_call(graph)}")
    values = []
    if graph.params:
        positions = [graph.inputs.index(i) for i in graph.params]
        argnums = f"({', '.join(map(str, positions))}{',' if len(positions) == 1 else ''})"
        lines.append(f"grads = jax.grad(forward, argnums={argnums})"
                     f"({', '.join(graph.name(i) for i in graph.inputs)})")
        _mark_backward(graph, lines[-1])
        values = [f"float(grads[{k}])" for k in range(len(positions))]
    pairs = _json_pairs(graph, values)
    lines.append(f'result = {{"value": float({out}), "gradients": {{{pairs}}}}}')
    return lines


def _chainrule(graph: CodeGraph) -> list[str]:
    def declare(i):
        data = "" if i in graph.params else ", requires_grad=False"
        return (f"{graph.name(i)} = Value({literal(graph.nodes[i].data)}, "
                f"label={json.dumps(graph.keys[i])}{data})")
    return _tensor_script(graph, declare, "adds d {out} / d node to each node's .grad",
                          lambda name: f"{name}.grad", lambda out: f"{out}.data")
