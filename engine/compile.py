"""Compile a Value graph, once, into code that runs without the graph.

Training the course models takes tens of thousands of steps; building Value
nodes for each would spend most of the time making objects. Instead the graph
of one sample's loss is turned into straight-line Python source: one line per
op for the forward pass, one per edge for the backward pass, then the SGD
update. The same lines run on floats (sequential SGD: the whole loop is one
generated function, so every variable is a fast local) and on numpy arrays
(full-batch gradients, and the loss landscape over a grid).

The results are the engine's own: the forward lines compute what value.py's
ops compute, the backward lines multiply each local derivative by the
upstream gradient and add the contributions in the order backward() adds
them. Where a local derivative is exactly 1 or −1 the product is written as
the upstream itself (or its negation), which is the same float. Tests compare
the compiled code with stepping the Value graph on random expressions.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass

import numpy as np

from engine import safe_math
from engine.trace import record
from engine.value import Value

# Forward rule and local derivatives of each op, as code. `a`, `b` are the
# operands, `o` the output, `k` the constant exponent of x ** k. Functions are
# looked up in FLOAT_FUNCTIONS or ARRAY_FUNCTIONS, so the same text runs on
# floats and on numpy arrays. These mirror value.py line by line.
OPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "+": ("{a} + {b}", ("1", "1")),
    "-": ("{a} - {b}", ("1", "-1")),
    "*": ("{a} * {b}", ("{b}", "{a}")),
    "/": ("div({a}, {b})", ("div(1.0, {b})", "-div({a}, {b} * {b})")),
    "**": ("power({a}, {k})", ("{k} * power({a}, {k} - 1.0)",)),
    "**2": ("{a} * {a}", ("2.0 * {a}",)),
    "pow": ("power({a}, {b})", ("{b} * power({a}, {b} - 1.0)", "pow_exponent_local({o}, {a})")),
    "neg": ("-{a}", ("-1",)),
    "exp": ("exp({a})", ("{o}",)),
    "log": ("log({a})", ("div(1.0, {a})",)),
    "sin": ("sin({a})", ("cos({a})",)),
    "cos": ("cos({a})", ("-sin({a})",)),
    "tan": ("tan({a})", ("1.0 + {o} * {o}",)),
    "tanh": ("tanh({a})", ("1.0 - {o} * {o}",)),
    "sigmoid": ("sigmoid({a})", ("{o} * (1.0 - {o})",)),
    "relu": ("relu({a})", ("relu_local({a})",)),
    "sqrt": ("sqrt({a})", ("div(0.5, {o})",)),
    "abs": ("abs({a})", ("sign({a})",)),
}


def _pow_exponent_local(out: float, a: float) -> float:
    return out * safe_math.log(a) if out != 0.0 else 0.0


FLOAT_FUNCTIONS = {
    "div": safe_math.div, "power": safe_math.power, "exp": safe_math.exp,
    "log": safe_math.log, "sin": safe_math.sin, "cos": safe_math.cos, "tan": safe_math.tan,
    "tanh": math.tanh, "sigmoid": safe_math.sigmoid, "sqrt": safe_math.sqrt, "abs": abs,
    "relu": lambda x: x if x > 0.0 else 0.0,
    "relu_local": lambda x: 1.0 if x > 0.0 else 0.0,
    "sign": lambda x: 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0),
    "pow_exponent_local": _pow_exponent_local,
    "isfinite": math.isfinite, "INF": math.inf, "NAN": math.nan, "monotonic": time.monotonic,
}


def _array_sigmoid(x):
    e = np.exp(-np.abs(x))  # the two branches of safe_math.sigmoid
    return np.where(x >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


ARRAY_FUNCTIONS = {
    "div": np.divide, "power": np.power, "exp": np.exp, "log": np.log, "sin": np.sin,
    "cos": np.cos, "tan": np.tan, "tanh": np.tanh, "sigmoid": _array_sigmoid,
    "sqrt": np.sqrt, "abs": np.abs,
    "relu": lambda x: np.where(x > 0.0, x, 0.0),
    "relu_local": lambda x: np.where(x > 0.0, 1.0, 0.0),
    "sign": np.sign,
    "pow_exponent_local": lambda o, a: np.where(o != 0.0, o * np.log(a), 0.0),
    "INF": math.inf, "NAN": math.nan,
}


def _literal(x: float) -> str:
    if math.isnan(x):
        return "NAN"
    if math.isinf(x):
        return "INF" if x > 0 else "(-INF)"
    return repr(float(x))


@dataclass
class Line:
    """One assignment of the generated code."""
    target: str
    expression: str
    uses: frozenset[str]

    def __str__(self):
        return f"{self.target} = {self.expression}"


@dataclass
class Program:
    """The lines of one sample's forward and backward pass."""
    params: list[str]          # names of the inputs trained
    data: list[str]            # names of the inputs that vary per sample
    forward: list[Line]        # the last one sets `loss`
    backward: list[Line]       # after them, grad_vars hold d loss / d param
    param_vars: list[str]
    data_vars: list[str]
    grad_vars: list[str]

    def forward_text(self) -> list[str]:
        return [str(line) for line in self.forward]

    def backward_text(self) -> list[str]:
        return [str(line) for line in self.backward]


_NAME = re.compile(r"\b[a-z]\w*\b")


def _line(target: str, expression: str) -> Line:
    return Line(target, expression, frozenset(_NAME.findall(expression)))


def compile_graph(output: Value, params: list[str], data: list[str]) -> Program:
    """The straight-line program of the graph ending at `output`, whose inputs
    are found by their labels: `params` are trained, `data` vary per sample,
    every other input keeps its current value as a constant."""
    trace = record(output)
    index = trace.index
    names: dict[int, str] = {}
    forward: list[Line] = []
    for i, node in enumerate(trace.nodes):
        if not node._prev:
            if node.label in params:
                names[i] = f"p{params.index(node.label)}"
            elif node.label in data:
                names[i] = f"d{data.index(node.label)}"
            else:
                names[i] = _literal(node.data)  # a constant: written in place
            continue
        names[i] = f"n{i}"
        rule, _ = _rule(node)
        forward.append(_line(names[i], rule.format(**_operands(node, index, names))))
    output_index = len(trace.nodes) - 1
    forward.append(_line("loss", names[output_index]))
    backward, grads = _backward_lines(trace, index, names, params)
    return Program(params=list(params), data=list(data), forward=forward, backward=backward,
                   param_vars=[f"p{j}" for j in range(len(params))],
                   data_vars=[f"d{j}" for j in range(len(data))], grad_vars=grads)


def _backward_lines(trace, index, names, params) -> tuple[list[Line], list[str]]:
    """One line per edge that leads back to a parameter, in backward()'s
    order (decreasing id; an op's first input, then its second)."""
    wanted = _needs_gradient(trace, index, params)
    output_index = len(trace.nodes) - 1
    grad: dict[int, str] = {output_index: "1.0"}
    lines: list[Line] = []
    for i in range(output_index, -1, -1):
        node = trace.nodes[i]
        if not node._prev or i not in wanted:
            continue
        _, locals_ = _rule(node)
        operands = _operands(node, index, names)
        for position, child in enumerate(node._prev):
            c = index[child]
            if c not in wanted:
                continue
            contribution = _times(locals_[position].format(**operands), grad[i])
            if c in grad:
                lines.append(_line(f"g{c}", f"{grad[c]} + {contribution}"))
                grad[c] = f"g{c}"
            elif _is_name(contribution):
                grad[c] = contribution  # the upstream itself: no copy needed
            else:
                lines.append(_line(f"g{c}", contribution))
                grad[c] = f"g{c}"
    grads = []
    for name in params:
        i = next((i for i, n in enumerate(trace.nodes) if not n._prev and n.label == name), None)
        grads.append(grad.get(i, "0.0") if i is not None else "0.0")
    return lines, grads


def _is_name(expression: str) -> bool:
    return expression.isidentifier() or expression == "1.0"


def _rule(node: Value) -> tuple[str, tuple[str, ...]]:
    if node._op == "**" and node.arg == 2.0:
        return OPS["**2"]
    return OPS[node._op]


def _operands(node: Value, index, names) -> dict[str, str]:
    children = node._prev
    operands = {"a": names[index[children[0]]], "o": names[index[node]]}
    if len(children) == 2:
        operands["b"] = names[index[children[1]]]
    if node.arg is not None:
        operands["k"] = _literal(node.arg)
    return operands


def _times(local: str, upstream: str) -> str:
    """local × upstream as value.py computes it; × 1 and × −1 are exact, so
    they are written as the upstream itself or its negation."""
    if upstream == "1.0":
        return "1.0" if local == "1" else ("-1.0" if local == "-1" else f"({local})")
    if local == "1":
        return upstream
    if local == "-1":
        return f"-{upstream}"
    return f"({local}) * {upstream}"


def _needs_gradient(trace, index, params) -> set[int]:
    """Nodes on a path from a trained parameter to the output."""
    wanted: set[int] = set()
    for i, node in enumerate(trace.nodes):
        if not node._prev:
            if node.label in params:
                wanted.add(i)
        elif any(index[c] in wanted for c in node._prev):
            wanted.add(i)
    return wanted


# --- the generated functions ----------------------------------------------------

# On floats, the generated code first runs with `math`'s own functions, which
# raise where a value overflows or is undefined; only then does it run again
# with the IEEE-style ones of safe_math (slower, a Python call each), which
# give the same numbers on finite values and inf or nan elsewhere.
FAST_FUNCTIONS = {**FLOAT_FUNCTIONS, "exp": math.exp, "sin": math.sin, "cos": math.cos,
                  "tan": math.tan, "power": math.pow}
_MATH_ERRORS = (OverflowError, ValueError, ZeroDivisionError)


def _function(name: str, arguments: list[str], body: list[str], namespace: dict):
    source = f"def {name}({', '.join(arguments)}):\n" + "\n".join(
        "    " + line for line in body) + "\n"
    scope = dict(namespace)
    exec(compile(source, f"<chainrule {name}>", "exec"), scope)  # our own generated code
    function = scope[name]
    function.source = source
    return function


def _float_function(name: str, arguments: list[str], body: list[str]):
    """The function on floats: fast, falling back to safe_math on a math error."""
    fast = _function(name, arguments, body, FAST_FUNCTIONS)
    safe = _function(name, arguments, body, FLOAT_FUNCTIONS)

    def run(*args):
        try:
            return fast(*args)
        except _MATH_ERRORS:
            return safe(*args)
    run.source = fast.source
    return run


def _tuple(names: list[str]) -> str:
    return f"({', '.join(names)},)" if names else "()"


def value_and_grad(program: Program):
    """f(params..., data...) → (loss, (d loss / d param, ...)) on floats."""
    body = program.forward_text() + program.backward_text() + [
        f"return loss, {_tuple(program.grad_vars)}"]
    return _float_function("value_and_grad", program.param_vars + program.data_vars, body)


def forward_array(program: Program):
    """f(params..., data...) → the loss of each sample, on numpy arrays."""
    return _function("forward_array", program.param_vars + program.data_vars,
                     program.forward_text() + ["return loss"], ARRAY_FUNCTIONS)


def value_and_grad_array(program: Program):
    """f(params..., data...) → (per-sample losses, per-sample gradients) on
    numpy arrays: a full batch in one pass."""
    body = program.forward_text() + program.backward_text() + [
        f"return loss, {_tuple(program.grad_vars)}"]
    return _function("value_and_grad_array", program.param_vars + program.data_vars, body,
                     ARRAY_FUNCTIONS)


def sgd_loop(program: Program):
    """f(start, columns, order, lr, stride, deadline) runs SGD with batches of
    one, the sample of step t being columns[...][order[t]], and answers
    (recorded_steps, recorded_params, recorded_losses, final_params, steps_done):
    the parameters before step t and that step's loss, every `stride` steps.
    It stops at the end of a stride once a parameter or the loss is not
    finite, or time.monotonic() has passed `deadline`.
    """
    params, data = program.param_vars, program.data_vars
    load = [f"{d} = c{j}[j]" for j, d in enumerate(data)]
    update = [f"{p} = {p} - lr * {g}" for p, g in zip(params, program.grad_vars)]
    step = load + program.forward_text() + program.backward_text() + update
    finite = " and ".join(f"isfinite({p})" for p in params) or "True"
    body = [f"{', '.join(params)}, = start" if params else "pass",
            *(f"c{j} = columns[{j}]" for j in range(len(data))),
            "steps, losses, trajectory = [], [], []",
            "done = 0",
            "for first in range(0, len(order), stride):",
            "    chunk = order[first:first + stride]",
            f"    trajectory.append({_tuple(params)})",
            "    steps.append(first)",
            "    j = chunk[0]",
            *("    " + line for line in step),
            "    losses.append(loss)",
            "    for j in chunk[1:]:",
            *("        " + line for line in step),
            "    done = first + len(chunk)",
            f"    if not ({finite} and isfinite(loss)) or monotonic() > deadline:",
            "        break",
            f"return steps, trajectory, losses, {_tuple(params)}, done"]
    return _float_function("sgd", ["start", "columns", "order", "lr", "stride", "deadline"],
                           body)


def split_forward(program: Program, varying: str) -> tuple[list[Line], list[Line]]:
    """The forward lines that do not depend on the variable `varying`, and
    those that do: a loop over `varying` computes the first ones once."""
    dependent = {varying}
    before, inside = [], []
    for line in program.forward:
        if line.uses & dependent:
            dependent.add(line.target)
            inside.append(line)
        else:
            before.append(line)
    return before, inside


def landscape_function(program: Program, row_param: int):
    """f(params..., data..., rows, shape, deadline) → loss sums: for each
    value r of `rows` (parameter number `row_param`), the sum over the last
    axis of the loss with that parameter set to r; the lines that do not
    depend on it run once. None if time.monotonic() passes `deadline`."""
    varying = program.param_vars[row_param]
    before, inside = split_forward(program, varying)
    body = [str(line) for line in before] + [
        "sums = []",
        f"for {varying} in rows:",
        *("    " + str(line) for line in inside),
        "    sums.append(broadcast_to(loss, shape).sum(axis=-1))",
        "    if monotonic() > deadline:",
        "        return None",
        "return sums"]
    namespace = {**ARRAY_FUNCTIONS, "broadcast_to": np.broadcast_to, "monotonic": time.monotonic}
    return _function("landscape",
                     program.param_vars + program.data_vars + ["rows", "shape", "deadline"],
                     body, namespace)
