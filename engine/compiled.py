"""The Python functions made from a compiled Program (engine.compile): one
sample's loss and gradients on floats, SGD as one generated loop, and the
same lines on numpy arrays for full batches and the loss landscape.

On floats, the generated code first runs with `math`'s own functions, which
raise where a value overflows or is undefined; only then does it run again
with the IEEE-style ones of safe_math (slower, a Python call each), which
give the same numbers on finite values and inf or nan elsewhere. Both
namespaces, and the numpy one, are engine.ops's.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

import numpy as np

from engine import ops

if TYPE_CHECKING:
    from engine.compile import Line, Program

_HELPERS = {"isfinite": math.isfinite, "INF": math.inf, "NAN": math.nan,
            "monotonic": time.monotonic}
FLOAT_FUNCTIONS = {**ops.FLOAT_FUNCTIONS, **_HELPERS}
FAST_FUNCTIONS = {**ops.FAST_FUNCTIONS, **_HELPERS}
ARRAY_FUNCTIONS = {**ops.array_functions(np), "INF": math.inf, "NAN": math.nan}


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
        except ops.MATH_ERRORS:
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
                     program.forward_text(numpy=True) + ["return loss"], ARRAY_FUNCTIONS)


def value_and_grad_array(program: Program):
    """f(params..., data...) → (per-sample losses, per-sample gradients) on
    numpy arrays: a full batch in one pass."""
    body = program.forward_text(numpy=True) + program.backward_text(numpy=True) + [
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
    body = [line.text(numpy=True) for line in before] + [
        "sums = []",
        f"for {varying} in rows:",
        *("    " + line.text(numpy=True) for line in inside),
        "    sums.append(broadcast_to(loss, shape).sum(axis=-1))",
        "    if monotonic() > deadline:",
        "        return None",
        "return sums"]
    namespace = {**ARRAY_FUNCTIONS, "broadcast_to": np.broadcast_to, "monotonic": time.monotonic}
    return _function("landscape",
                     program.param_vars + program.data_vars + ["rows", "shape", "deadline"],
                     body, namespace)
