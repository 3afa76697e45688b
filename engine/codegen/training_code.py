"""The course's training loop after a script (an example's [training]
table): the data made as the course makes it (engine.datasets: arange,
seeded uniform numbers, a formula of the other columns), then SGD with one
sample per step in the course's order (engine.training's seeded random
order, or cyclic), or full-batch gradient descent on the sum of the losses,
with the course's learning rate and number of steps."""

from __future__ import annotations

import json
import re

from engine import ops
from engine.codegen.graph import CodeGraph, literal, tidy
from engine.codegen.spelling import constant, spell
from engine.parser import parse
from engine.value import topological_order


def _column(spec) -> str:
    """A generated column (not a formula) as engine.datasets makes it."""
    if "arange" in spec:
        return f"np.arange({', '.join(literal(float(v)) for v in spec['arange'])})"
    if "uniform" in spec:
        low, high = (literal(float(v)) for v in spec["uniform"])
        return (f"np.random.default_rng({int(spec.get('seed', 0))})"
                f".uniform({low}, {high}, {int(spec.get('n', 100))})")
    return f"np.array([{', '.join(literal(float(v)) for v in spec['values'])}])"


def _formula(formula: str, columns: dict[str, str]) -> str:
    """A formula of other columns as one numpy expression on their arrays."""
    parsed = parse(formula, {name: 1.0 for name in columns
                             if re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", formula)})
    texts: dict = {}
    for node in topological_order(parsed.output):
        if not node._prev:
            texts[node] = columns[node.label] if node._op != "const" else literal(node.data)
            continue
        operands = [texts[c] for c in node._prev]
        if all(c._op == "const" and not c._prev for c in node._prev):
            operands[0] = constant("numpy", operands[0])
        texts[node] = "(" + spell(ops.OPS[node._op], node.arg, "numpy",
                                  [f"({t})" for t in operands]) + ")"
    return tidy(texts[parsed.output])


def data_lines(graph: CodeGraph, data_spec: dict) -> tuple[list[str], dict[int, str]]:
    """The columns of the data inputs: lines, and each input's column name."""
    by_key = {graph.keys[i]: i for i in graph.inputs if i not in graph.params}
    names = {key: graph.namer.claim(f"{graph.name(i)}_data") for key, i in by_key.items()}
    lines = []
    generated = [(k, v) for k, v in data_spec.items() if not isinstance(v, str)]
    formulas = [(k, v) for k, v in data_spec.items() if isinstance(v, str)]
    known: dict[str, str] = {}
    for key, spec in generated:
        known[key] = names.get(key) or graph.namer.claim(f"{key}_data")
        lines.append(f"{known[key]} = {_column(spec)}")
    for key, formula in formulas:
        known[key] = names.get(key) or graph.namer.claim(f"{key}_data")
        lines.append(f"{known[key]} = {_formula(formula, known)}")
    return lines, {i: known[key] for key, i in by_key.items()}


def training_lines(graph: CodeGraph, language: str, training: dict,
                   gradient_names: list[str] | None = None) -> list[str]:
    """The training loop in `language`; it adds "trained" to `result`."""
    optimizer = training.get("optimizer", "sgd")
    lr, steps = float(training.get("lr", 1e-2)), int(training.get("steps", 1000))
    order = training.get("order", "random")
    seed = int(training.get("seed", 0))
    start = training.get("start", {})
    columns, column_of = data_lines(graph, training.get("data", {}))
    first = next(iter(column_of.values()), None)
    how = ("full-batch gradient descent on the sum of the losses, "
           f"{steps} epochs" if optimizer == "gd" else
           f"SGD, one sample per step, {steps} steps in {order} order")
    lines = [f"# Training as the course does it: {how}, learning rate {lr:g}.",
             f"lr = {literal(lr)}", *columns]
    if optimizer != "gd":
        lines.append(f"order = np.random.default_rng({seed}).integers(0, len({first}), {steps})"
                     if order == "random" else f"order = np.arange({steps}) % len({first})")
    starts = {i: literal(float(start.get(graph.keys[i], graph.nodes[i].data)))
              for i in graph.params}
    loop = {"numpy": _numpy, "pytorch": _pytorch, "jax": _jax, "chainrule": _chainrule}
    lines += loop[language](graph, optimizer, steps, starts, column_of, gradient_names)
    return lines


def _arguments(graph: CodeGraph, column_of: dict[int, str], row: str | None,
               wrap: str = "{}") -> str:
    parts = []
    for i in graph.inputs:
        if i in graph.params:
            parts.append(graph.name(i))
        else:
            column = column_of[i] if row is None else f"{column_of[i]}[{row}]"
            parts.append(wrap.format(column))
    return ", ".join(parts)


def _trained(graph: CodeGraph, spelled: str) -> str:
    pairs = ", ".join(f"{json.dumps(graph.keys[i])}: {spelled.format(graph.name(i))}"
                      for i in graph.params)
    return f'result["trained"] = {{{pairs}}}'


def _numpy(graph, optimizer, steps, starts, column_of, gradient_names):
    lines = [f"{graph.name(i)} = {starts[i]}" for i in graph.params]
    targets = ", ".join(["_"] + gradient_names)
    if optimizer == "gd":
        lines.append(f"for epoch in range({steps}):")
        lines.append(f"    {targets} = forward_backward({_arguments(graph, column_of, None)})")
        total = "np.sum({})"
    else:
        lines.append("for j in order:")
        lines.append(f"    {targets} = forward_backward({_arguments(graph, column_of, 'j')})")
        total = "{}"
    for i, grad in zip(graph.params, gradient_names):
        name = graph.name(i)
        lines.append(f"    {name} = {name} - lr * {total.format(grad)}")
    return lines + [_trained(graph, "float({})")]


def _pytorch(graph, optimizer, steps, starts, column_of, gradient_names):
    lines = [f"{c} = torch.from_numpy({c})" for c in column_of.values()]
    lines += [f"{graph.name(i)} = torch.tensor({starts[i]}, dtype=torch.float64, "
              "requires_grad=True)" for i in graph.params]
    params = ", ".join(graph.name(i) for i in graph.params)
    out = graph.name(graph.output)
    lines.append(f"optimizer = torch.optim.SGD([{params}], lr=lr)")
    if optimizer == "gd":
        lines += [f"for epoch in range({steps}):", "    optimizer.zero_grad()",
                  f"    {out} = forward({_arguments(graph, column_of, None)}).sum()"]
    else:
        lines += ["for j in order:", "    optimizer.zero_grad()",
                  f"    {out} = forward({_arguments(graph, column_of, 'j')})"]
    lines += [f"    {out}.backward()", "    optimizer.step()"]
    return lines + [_trained(graph, "{}.item()")]


def _jax(graph, optimizer, steps, starts, column_of, gradient_names):
    positions = [graph.inputs.index(i) for i in graph.params]
    argnums = f"({', '.join(map(str, positions))}{',' if len(positions) == 1 else ''})"
    lines = [f"{graph.name(i)} = {starts[i]}" for i in graph.params]
    if optimizer == "gd":
        lines += [f"grad_fn = jax.jit(jax.grad(lambda *inputs: jnp.sum(forward(*inputs)), "
                  f"argnums={argnums}))",
                  f"for epoch in range({steps}):",
                  f"    grads = grad_fn({_arguments(graph, column_of, None)})"]
    else:
        lines += [f"grad_fn = jax.jit(jax.grad(forward, argnums={argnums}))",
                  "for j in order:",
                  f"    grads = grad_fn({_arguments(graph, column_of, 'j')})"]
    for k, i in enumerate(graph.params):
        lines.append(f"    {graph.name(i)} = {graph.name(i)} - lr * grads[{k}]")
    return lines + [_trained(graph, "float({})")]


def _chainrule(graph, optimizer, steps, starts, column_of, gradient_names):
    lines = [f"{graph.name(i)} = Value({starts[i]}, label={json.dumps(graph.keys[i])})"
             for i in graph.params]
    params = ", ".join(graph.name(i) for i in graph.params)
    arguments = ", ".join(graph.name(i) for i in graph.inputs)
    if optimizer == "gd":
        rows = next(iter(column_of.values()))
        lines += [f"for epoch in range({steps}):",
                  f"    for row in range(len({rows})):  # .grad adds up over the batch"]
        indent, row = "        ", "row"
    else:
        lines += ["for j in order:"]
        indent, row = "    ", "j"
    lines += [f"{indent}{graph.name(i)} = Value({column}[{row}], requires_grad=False)"
              for i, column in column_of.items()]
    lines += [f"{indent}forward({arguments}).backward()",
              f"    for parameter in ({params}{',' if len(graph.params) == 1 else ''}):",
              "        parameter.data -= lr * parameter.grad",
              "        parameter.grad = 0.0"]
    return lines + [_trained(graph, "{}.data")]
