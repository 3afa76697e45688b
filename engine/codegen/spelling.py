"""How each language writes an op, derived from engine.ops: the operators'
`python` form, the functions' names in PyTorch and JAX (`libraries`, else
torch.<name> and jnp.<name>), micrograd's method call x.name(), and for
numpy the op's own code (engine.ops `array_code`) with its functions
spelled as numpy's, or as the registry's helpers copied into the script."""

from __future__ import annotations

import inspect
import re
from functools import lru_cache

import numpy as np

from engine import ops
from engine.codegen.graph import exponent
from engine.ops import Code, Op

LANGUAGES = ("numpy", "pytorch", "jax", "chainrule")
FUNCTION_MODULES = {"pytorch": "torch", "jax": "jnp"}
# A number that is an op's only kind of operand: exp(2.0) needs it as the
# language's own scalar.
CONSTANTS = {"numpy": "np.float64({})", "pytorch": "torch.tensor({}, dtype=torch.float64)",
             "jax": "jnp.asarray({})", "chainrule": "Value({}, requires_grad=False)"}


def constant(language: str, number: str) -> str:
    return CONSTANTS[language].format(number)


def forward_template(op: Op, arg: float | None, language: str) -> str:
    """The op's forward rule in `language`, in the operands {a} {b} and the
    exponent {k}."""
    if language == "numpy":
        return numpy_forward(op, arg)
    if op.python:
        return op.python
    if language == "chainrule":
        return "{a}." + op.name + "()"
    return op.libraries.get(language, f"{FUNCTION_MODULES[language]}.{op.name}") + "({a})"


def spell(op: Op, arg: float | None, language: str, operands: list[str],
          k: str | None = None) -> str:
    """The op applied to operand texts, in `language`."""
    template = forward_template(op, arg, language)
    names = dict(zip("ab", operands))
    if arg is not None:
        names["k"] = k if k is not None else exponent(arg)
    return template.format(**names)


# --- numpy ----------------------------------------------------------------------------

@lru_cache(maxsize=1)
def numpy_functions() -> tuple[dict[str, str], dict[str, str]]:
    """Each function name of the registry's numpy code → how a script calls
    it (np.exp), and the source of the helpers numpy lacks (sigmoid), by name."""
    calls: dict[str, str] = {}
    helpers: dict[str, str] = {}
    for name, function in ops.array_functions(np).items():
        if getattr(np, getattr(function, "__name__", ""), None) is function:
            calls[name] = f"np.{function.__name__}"
        else:  # one of engine.ops' own numpy functions: copied, under the op's name
            lines = inspect.getsource(function).splitlines()
            body = [line for line in lines[1:] if line.strip() != "import numpy as np"]
            helpers[name] = "\n".join([f"def {name}(x):", *body])
            calls[name] = name
    return calls, helpers


def _numpy_text(text: str) -> str:
    calls, _ = numpy_functions()
    return re.sub(r"\b([a-z_]\w*)\(", lambda m: f"{calls.get(m.group(1), m.group(1))}(", text)


def numpy_code(op: Op, arg: float | None) -> Code:
    """The op's numpy code, its functions spelled as a script calls them."""
    code = op.code_for(arg, numpy=True)
    return Code(_numpy_text(code.forward), tuple(_numpy_text(t) for t in code.local))


def numpy_forward(op: Op, arg: float | None) -> str:
    """The forward rule in numpy: the operator where Python has one (a / b
    reads better than np.divide(a, b) and is the same float), else the code."""
    if op.python and not (op.case is not None and arg == op.case.arg):
        return op.python
    return numpy_code(op, arg).forward


def numpy_helpers(names: set[str]) -> list[str]:
    """The sources of the helpers that `names` (function names) need."""
    _, helpers = numpy_functions()
    return [helpers[name] for name in sorted(names) if name in helpers]


def class_name(op: Op, arg: float | None) -> str:
    """The op's class in the numpy code: Multiply, Exp, Square."""
    if op.case is not None and arg == op.case.arg and "numpy" in op.case.libraries:
        return op.case.libraries["numpy"]
    return op.libraries.get("numpy", op.name.capitalize())
