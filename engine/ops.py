"""Every op of the engine, each written once. Value's functions, the
parser's function table, the notation of the slides, the compiled code, the
schema's description and the form's list of functions are all derived from
this table (tests/engine/test_ops.py checks that nothing else lists ops).

An op says:
- `name`: what `Value._op` holds and the document's `op` field shows; for a
  function (`function=True`) also its name in the language, `name(x)`, and
  its Value method `x.name()`;
- `operator`: the language's operator for ops written as one (`+ - * / **`
  and unary `-`), and `method`, the Value method that makes the op;
- `code`: the forward rule and the local derivative with respect to each
  input, as Python expressions in the operands `{a}` `{b}`, the output `{o}`
  and the constant exponent `{k}`, calling the functions in `functions`.
  The same text is Value's method (for functions), the compiled float code
  and, through `array` (numpy versions of those functions, by name) and
  `array_code` (where numpy needs another expression), the compiled numpy
  code. `fast` holds versions that raise where the result would be inf or
  nan: code runs with them first and again with `functions` on an error;
- how the slides write it (templates filled by engine.notation): `symbol`
  in its circle, `written` applied to its operands, `derivatives` in names.
  In templates `$a $b` are the operands, `$A $B` the same in parentheses
  when not atomic, `$y $Y` the output's name, `$k` the exponent of x**k,
  `$K` that exponent written after its base (², ^{2}) and `$P` the same
  for k − 1 (empty when k − 1 = 1);
- `domain`: where it is smooth (what finite-difference tests keep to), and
  `nan_reason`: why a nan appears on its node;
- how other code writes it (engine.codegen): `python`, the forward rule of
  an operator as Python writes it on numbers, numpy arrays, tensors and
  Values alike; `libraries`, where the default does not hold, the function's
  name in `pytorch` (default `torch.<name>`) and `jax` (`jnp.<name>`), and
  the name of the op's class in the generated `numpy` code (default the
  name, capitalised).

numpy is not imported here: `array` takes the numpy module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

from engine import safe_math
from engine.safe_math import div, power


@dataclass(frozen=True)
class Written:
    """A formula template in the slides' text and in TeX."""
    text: str
    tex: str
    atomic: bool = False  # needs no parentheses as an operand


@dataclass(frozen=True)
class Code:
    """An op's forward rule and local derivatives as Python expressions."""
    forward: str
    local: tuple[str, ...]  # d out / d input, one per input


@dataclass(frozen=True)
class Case:
    """Another form of an op for one value of its constant (x ** 2)."""
    arg: float
    code: Code
    derivatives: tuple[Written, ...]
    libraries: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Op:
    """One op of the engine (the fields are described at the top)."""
    name: str
    arity: int
    symbol: str
    written: Written
    derivatives: tuple[Written, ...]
    code: Code
    functions: dict[str, Callable] = field(default_factory=dict)
    fast: dict[str, Callable] = field(default_factory=dict)
    array: Callable | None = None          # numpy module → {name: function}
    array_code: Code | None = None
    function: bool = False
    operator: str | None = None
    method: str | None = None              # default: the name
    case: Case | None = None
    domain: str = "all"
    nan_reason: str | None = None
    python: str | None = None
    libraries: dict[str, str] = field(default_factory=dict)

    @property
    def value_method(self) -> str:
        return self.method or self.name

    def code_for(self, arg: float | None = None, numpy: bool = False) -> Code:
        if self.case is not None and arg == self.case.arg:
            return self.case.code
        return (self.array_code or self.code) if numpy else self.code

    def derivatives_for(self, arg: float | None = None) -> tuple[Written, ...]:
        if self.case is not None and arg == self.case.arg:
            return self.case.derivatives
        return self.derivatives


ONE, MINUS_ONE = Written("1", "1", atomic=True), Written("−1", "-1")
_NEGATIVE_POWER = "a negative number to a fractional power is undefined"


def _call(text: str, tex: str) -> Written:
    """f(x) as the slides write a function: `text`(x), and `tex` in TeX."""
    return Written(f"{text}($a)", rf"{tex}\left($a\right)", atomic=True)


# numpy versions of safe_math's two-branch functions; only ever called on
# arrays, so numpy is loaded by then.
def _np_sigmoid(x):
    import numpy as np
    e = np.exp(-np.abs(x))
    return np.where(x >= 0.0, 1.0, e) / (1.0 + e)


def _np_softplus(x):
    import numpy as np
    return np.where(x > 0.0, x, 0.0) + np.log1p(np.exp(-np.abs(x)))


OPS: dict[str, Op] = {op.name: op for op in (
    Op("+", 2, "+", Written("$a + $b", "$a + $b"), (ONE, ONE),
       Code("{a} + {b}", ("1", "1")), operator="+", method="__add__",
       python="{a} + {b}", libraries={"numpy": "Add"}),
    Op("-", 2, "−", Written("$a − $B", "$a - $B"), (ONE, MINUS_ONE),
       Code("{a} - {b}", ("1", "-1")), operator="-", method="__sub__",
       python="{a} - {b}", libraries={"numpy": "Subtract"}),
    Op("*", 2, "×", Written("$A·$B", r"$A \cdot $B"),
       (Written("$b", "$b"), Written("$a", "$a")),
       Code("{a} * {b}", ("{b}", "{a}")), operator="*", method="__mul__",
       python="{a} * {b}", libraries={"numpy": "Multiply"}),
    Op("/", 2, "÷", Written("$A/$B", r"\frac{$a}{$b}"),
       (Written("1/$B", r"\frac{1}{$b}"), Written("−$A/$B²", r"-\frac{$a}{$B^2}")),
       Code("div({a}, {b})", ("div(1.0, {b})", "-div({a}, {b} * {b})")),
       functions={"div": div}, array=lambda np: {"div": np.divide},
       operator="/", method="__truediv__", nan_reason="0/0 is undefined",
       python="{a} / {b}", libraries={"numpy": "Divide"}),
    # x ** k with a constant k (micrograd's op): k is kept on the node.
    Op("**", 1, "x$K", Written("$A$K", "$A$K"), (Written("$k·$A$P", r"$k \cdot $A$P"),),
       Code("power({a}, {k})", ("{k} * power({a}, {k} - 1.0)",)),
       # the squared error: exact, and the hot path of every loss
       case=Case(2.0, Code("{a} * {a}", ("2.0 * {a}",)), (Written("2$A", "2$A"),),
                 libraries={"numpy": "Square"}),
       functions={"power": power}, fast={"power": math.pow},
       array=lambda np: {"power": np.power}, operator="**", method="__pow__",
       nan_reason=_NEGATIVE_POWER, python="{a} ** {k}", libraries={"numpy": "ConstantPower"}),
    # a ** b with b a node: d/db = a^b log a, real only for a > 0 (0 where a^b = 0).
    Op("pow", 2, "^", Written("$A^$B", "$A^{$b}"),
       (Written("$B·$A^($b − 1)", r"$B \cdot $A^{$b - 1}"),
        Written("$Y·log $A", r"$Y \cdot \log $A")),
       Code("power({a}, {b})", ("{b} * power({a}, {b} - 1.0)",
                                "{o} * log({a}) if {o} != 0.0 else 0.0")),
       array_code=Code("power({a}, {b})", ("{b} * power({a}, {b} - 1.0)",
                                           "where({o} != 0.0, {o} * log({a}), 0.0)")),
       functions={"power": power, "log": safe_math.log}, fast={"power": math.pow},
       array=lambda np: {"power": np.power, "log": np.log, "where": np.where},
       method="__pow__", nan_reason=_NEGATIVE_POWER, python="{a} ** {b}",
       libraries={"numpy": "Power"}),
    Op("neg", 1, "−", Written("−$A", "-$A"), (MINUS_ONE,), Code("-{a}", ("-1",)),
       operator="-", method="__neg__", python="-{a}", libraries={"numpy": "Negate"}),
    Op("exp", 1, "exp", _call("exp", r"\exp"), (Written("$y", "$y", atomic=True),),
       Code("exp({a})", ("{o}",)), functions={"exp": safe_math.exp}, fast={"exp": math.exp},
       array=lambda np: {"exp": np.exp}, function=True, domain="bounded"),
    Op("log", 1, "log", _call("log", r"\log"), (Written("1/$A", r"\frac{1}{$a}"),),
       Code("log({a})", ("div(1.0, {a})",)), functions={"log": safe_math.log, "div": div},
       array=lambda np: {"log": np.log, "div": np.divide}, function=True,
       domain="x > 0", nan_reason="log of a negative number is undefined"),
    Op("sin", 1, "sin", _call("sin", r"\sin"), (Written("cos $A", r"\cos $A"),),
       Code("sin({a})", ("cos({a})",)),
       functions={"sin": safe_math.sin, "cos": safe_math.cos},
       fast={"sin": math.sin, "cos": math.cos},
       array=lambda np: {"sin": np.sin, "cos": np.cos}, function=True),
    Op("cos", 1, "cos", _call("cos", r"\cos"), (Written("−sin $A", r"-\sin $A"),),
       Code("cos({a})", ("-sin({a})",)),
       functions={"sin": safe_math.sin, "cos": safe_math.cos},
       fast={"sin": math.sin, "cos": math.cos},
       array=lambda np: {"sin": np.sin, "cos": np.cos}, function=True),
    Op("tan", 1, "tan", _call("tan", r"\tan"), (Written("1 + $Y²", r"1 + $Y^2"),),
       Code("tan({a})", ("1.0 + {o} * {o}",)), functions={"tan": safe_math.tan},
       fast={"tan": math.tan}, array=lambda np: {"tan": np.tan}, function=True,
       domain="|x| < π/2"),
    Op("tanh", 1, "tanh", _call("tanh", r"\tanh"), (Written("1 − $Y²", r"1 - $Y^2"),),
       Code("tanh({a})", ("1.0 - {o} * {o}",)), functions={"tanh": math.tanh},
       array=lambda np: {"tanh": np.tanh}, function=True),
    Op("sigmoid", 1, "σ", _call("σ", r"\sigma"),
       (Written("$Y(1 − $Y)", r"$Y\left(1 - $Y\right)"),),
       Code("sigmoid({a})", ("{o} * (1.0 - {o})",)), functions={"sigmoid": safe_math.sigmoid},
       array=lambda np: {"sigmoid": _np_sigmoid}, function=True,
       libraries={"jax": "jax.nn.sigmoid"}),
    Op("relu", 1, "ReLU", _call("relu", r"\operatorname{relu}"),
       (Written("[$A > 0]", "[$A > 0]", atomic=True),),
       Code("{a} if {a} > 0.0 else 0.0", ("1.0 if {a} > 0.0 else 0.0",)),
       array_code=Code("where({a} > 0.0, {a}, 0.0)", ("where({a} > 0.0, 1.0, 0.0)",)),
       array=lambda np: {"where": np.where}, function=True, domain="x ≠ 0",
       libraries={"jax": "jax.nn.relu"}),
    Op("sqrt", 1, "√", Written("√($a)", r"\sqrt{$a}", atomic=True),
       (Written("1/(2$Y)", r"\frac{1}{2$Y}"),),
       Code("sqrt({a})", ("div(0.5, {o})",)), functions={"sqrt": safe_math.sqrt, "div": div},
       array=lambda np: {"sqrt": np.sqrt, "div": np.divide}, function=True, domain="x > 0",
       nan_reason="the square root of a negative number is undefined"),
    Op("abs", 1, "|·|", Written("|$a|", r"\left|$a\right|", atomic=True),
       (Written("sign $A", r"\operatorname{sign} $A"),),
       Code("abs({a})", ("1.0 if {a} > 0.0 else (-1.0 if {a} < 0.0 else 0.0)",)),
       array_code=Code("abs({a})", ("sign({a})",)), functions={"abs": abs},
       array=lambda np: {"abs": np.abs, "sign": np.sign}, function=True,
       method="__abs__", domain="x ≠ 0"),
    # ζ is the Deep Learning book's name for softplus (§3.10); its derivative is σ.
    Op("softplus", 1, "ζ", _call("softplus", r"\operatorname{softplus}"),
       (Written("σ($a)", r"\sigma\left($a\right)", atomic=True),),
       Code("softplus({a})", ("sigmoid({a})",)),
       functions={"softplus": safe_math.softplus, "sigmoid": safe_math.sigmoid},
       array=lambda np: {"softplus": _np_softplus, "sigmoid": _np_sigmoid}, function=True,
       libraries={"pytorch": "torch.nn.functional.softplus", "jax": "jax.nn.softplus"}),
    Op("log1p", 1, "log1p", _call("log1p", r"\operatorname{log1p}"),
       (Written("1/(1 + $a)", r"\frac{1}{1 + $a}"),),
       Code("log1p({a})", ("div(1.0, 1.0 + {a})",)),
       functions={"log1p": safe_math.log1p, "div": div}, fast={"log1p": math.log1p},
       array=lambda np: {"log1p": np.log1p, "div": np.divide}, function=True,
       domain="x > −1", nan_reason="log1p of a number below −1 is undefined"),
)}

# The functions of the language, in the order above: exp log ... log1p.
FUNCTIONS: dict[str, Op] = {name: op for name, op in OPS.items() if op.function}
# The binary operators of the language: + - * / ** (x ** k is written with two
# operands, though k is a constant of its node, which has one input).
BINARY_OPERATORS: dict[str, Op] = {op.operator: op for op in OPS.values()
                                   if op.operator and (op.arity == 2 or op.name == "**")}
UNARY_OPERATORS: dict[str, Op] = {op.operator: op for op in OPS.values()
                                  if op.operator and op.arity == 1 and op.name != "**"}


def _merged(tables) -> dict[str, Callable]:
    """One namespace from every op's functions; a name two ops share must
    mean the same function."""
    merged: dict[str, Callable] = {}
    for table in tables:
        for name, function in table.items():
            if merged.setdefault(name, function) is not function:
                raise ValueError(f"two ops define the function {name!r} differently")
    return merged


# The namespaces the code runs in: IEEE-style (never raises), and fast (the
# same numbers on finite values, but may raise where IEEE gives inf or nan).
FLOAT_FUNCTIONS = _merged(op.functions for op in OPS.values())
FAST_FUNCTIONS = {**FLOAT_FUNCTIONS, **_merged(op.fast for op in OPS.values())}
MATH_ERRORS = (OverflowError, ValueError, ZeroDivisionError)


def array_functions(np) -> dict[str, Callable]:
    """The numpy namespace of the code."""
    return _merged(op.array(np) for op in OPS.values() if op.array is not None)


def nan_reason(name: str) -> str:
    """Why a node of op `name` whose inputs are numbers holds nan."""
    op = OPS.get(name)
    return (op and op.nan_reason) or "the result is undefined (such as ∞ − ∞ or 0·∞)"


def function_list() -> str:
    """The functions of the language, as the form and the errors list them."""
    return " ".join(FUNCTIONS)


def description() -> str:
    """The schema's description of a node's `op`."""
    return " ".join(OPS) + "; null for inputs"
