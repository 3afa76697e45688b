"""The expression language: source text → a graph of Value nodes.

Python arithmetic syntax read with `ast` and a whitelist; nothing is ever
evaluated by Python itself. A source is one or more lines (or `;`-separated
statements):

    u = w*x          # names an intermediate node, as the slides do
    v = u + b
    y = exp(v)
    w = 0.5          # `name = number` gives an input its value
    l = (y - ystar)^2   # the last line is the output; ^ means **

Every rejection is a ParseError with a message, a line and a column (both
counted from 1, in characters), so a form can put a caret under the mistake.
"""

from __future__ import annotations

import ast
import math
import threading
import warnings
from dataclasses import dataclass, field

from engine.value import Value

_AST_LOCK = threading.Lock()

FUNCTIONS = {
    "exp": Value.exp, "log": Value.log, "sin": Value.sin, "cos": Value.cos,
    "tan": Value.tan, "tanh": Value.tanh, "sigmoid": Value.sigmoid,
    "relu": Value.relu, "sqrt": Value.sqrt, "abs": Value.__abs__,
}
_FUNCTION_LIST = ", ".join(FUNCTIONS)

_BINARY_OPS = {
    ast.Add: Value.__add__, ast.Sub: Value.__sub__, ast.Mult: Value.__mul__,
    ast.Div: Value.__truediv__, ast.Pow: Value.__pow__,
}
_OPERATOR_SYMBOLS = {
    ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<",
    ast.RShift: ">>", ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^",
    ast.Invert: "~", ast.Not: "not",
}
# What a user most likely meant by constructs outside the language.
_FORBIDDEN = {
    ast.Attribute: "attribute access (a.b) is not allowed",
    ast.Subscript: "indexing (a[i]) is not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.JoinedStr: "text in quotes is not allowed: only numbers and names",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.Compare: "comparisons are not allowed",
    ast.BoolOp: "and / or are not allowed",
    ast.IfExp: "if / else is not allowed",
    ast.NamedExpr: "the := operator is not allowed",
    ast.Starred: "* unpacking is not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
    ast.Tuple: "tuples are not allowed: one expression per line",
    ast.List: "lists are not allowed",
    ast.Set: "sets are not allowed",
    ast.Dict: "dictionaries are not allowed",
    ast.Import: "imports are not allowed",
    ast.ImportFrom: "imports are not allowed",
}


@dataclass(frozen=True)
class Limits:
    """Bounds on what one source may ask for, so no request can hang a worker."""
    max_source_chars: int = 20_000
    max_nodes: int = 10_000
    max_depth: int = 200     # nesting of parentheses, calls and right operands


class ParseError(ValueError):
    """A source the language rejects, with where: 1-based line and column, or
    0 and 0 when the mistake is not at a place in the source (a value given
    for a name the source does not use)."""

    def __init__(self, message: str, line: int = 0, column: int = 0):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self):
        if not self.line:
            return self.message
        return f"line {self.line}, column {self.column}: {self.message}"


@dataclass
class ParsedGraph:
    """A parsed source: its output node, its inputs by name, every name."""
    source: str
    output: Value
    inputs: dict[str, Value]            # in order of first appearance
    names: dict[str, Value]             # inputs and named intermediates
    data: frozenset[str] = field(default_factory=frozenset)


class _Positions:
    """Turns ast positions (UTF-8 byte offsets in the rewritten source) into
    1-based character columns of the text the user typed."""

    def __init__(self, source: str):
        self.lines = source.split("\n")
        # Each ^ became **, one character longer: remember where, per line.
        self.carets = [[i for i, c in enumerate(line) if c == "^"] for line in self.lines]

    def rewritten(self) -> str:
        return "\n".join(line.replace("^", "**") for line in self.lines)

    def column(self, line: int, rewritten_char_col: int) -> int:
        """0-based column in a rewritten line → 1-based column in the original."""
        shift = 0
        for original in self.carets[line - 1] if 0 < line <= len(self.carets) else []:
            if original + shift < rewritten_char_col:
                shift += 1
        return rewritten_char_col - shift + 1

    def of(self, node: ast.AST) -> tuple[int, int]:
        line = getattr(node, "lineno", 1)
        text = self.lines[line - 1].replace("^", "**") if 0 < line <= len(self.lines) else ""
        chars = len(text.encode("utf-8")[: node.col_offset].decode("utf-8", "ignore"))
        return line, self.column(line, chars)


def _number(node: ast.expr) -> float | None:
    """The value of a literal number, optionally signed; None otherwise."""
    sign = 1.0
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -sign if isinstance(node.op, ast.USub) else sign
        node = node.operand
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return sign * _to_float(node.value)
    return None


def _to_float(number: int | float) -> float:
    try:
        return float(number)
    except OverflowError:  # an integer literal beyond the float range
        return math.inf


class _Builder:
    """Walks the statements in order and builds Value nodes."""

    def __init__(self, source: str, values: dict[str, float], data: frozenset[str],
                 limits: Limits):
        self.positions = _Positions(source)
        self.source = source
        self.values = values
        self.data = data
        self.limits = limits
        self.names: dict[str, Value] = {}
        self.inputs: dict[str, Value] = {}
        self.defined_on: dict[str, int] = {}
        self.node_count = 0

    def error(self, node: ast.AST, message: str) -> ParseError:
        return ParseError(message, *self.positions.of(node))

    # --- statements ---------------------------------------------------------

    def build(self, module: ast.Module) -> ParsedGraph:
        if not module.body:
            raise ParseError("the source is empty: write an expression such as x**2 - 1", 1, 1)
        self._validate(module.body)
        defaults = self._collect_input_defaults(module.body)
        self._create_inputs(module.body, defaults)
        output = None
        for statement in module.body:
            output = self._statement(statement)
        self._check_request_names(module)
        return ParsedGraph(self.source, output, self.inputs, self.names, self.data)

    def _validate(self, body: list[ast.stmt]):
        """Reject every construct outside the language before building
        anything, in reading order, so the first mistake is the one reported."""
        for index, statement in enumerate(body):
            if isinstance(statement, ast.Assign):
                self._assign_target(statement)
                expression = statement.value
            elif isinstance(statement, ast.Expr):
                if index != len(body) - 1:
                    raise self.error(statement, "only the last line can be a bare "
                                                "expression: name it, as in u = w*x")
                expression = statement.value
            elif isinstance(statement, (ast.AugAssign, ast.AnnAssign)):
                raise self.error(statement, "write name = expression (no +=, no annotations)")
            else:
                raise self.error(statement, _FORBIDDEN.get(
                    type(statement), f"'{type(statement).__name__.lower()}' statements are "
                                     "not allowed: only name = expression lines"))
            stack = [(expression, 1)]
            while stack:
                node, depth = stack.pop()
                if depth > self.limits.max_depth:
                    raise self.error(node, f"the expression is nested too deeply "
                                           f"(more than {self.limits.max_depth} levels)")
                if isinstance(node, ast.Name):
                    self._check_name(node)
                children = self._children(node)
                # A left operand does not nest: a + b + c + ... (a 1,000-term
                # sum) stays shallow, a + (b + (c + ...)) does not.
                for position, child in enumerate(children):
                    left_operand = isinstance(node, ast.BinOp) and position == 0
                    stack.append((child, depth if left_operand else depth + 1))

    def _collect_input_defaults(self, body: list[ast.stmt]) -> dict[str, float]:
        """`name = number` lines: inputs with a value, wherever they stand."""
        defaults: dict[str, float] = {}
        for statement in body:
            target = self._assign_target(statement)
            if target is None:
                continue
            number = _number(statement.value)
            if target.id in self.defined_on:
                raise self.error(target, f"'{target.id}' is already defined on line "
                                         f"{self.defined_on[target.id]}")
            self.defined_on[target.id] = target.lineno
            if number is not None:
                defaults[target.id] = number
        return defaults

    def _assign_target(self, statement: ast.stmt) -> ast.Name | None:
        if not isinstance(statement, ast.Assign):
            return None
        if len(statement.targets) != 1 or not isinstance(statement.targets[0], ast.Name):
            raise self.error(statement, "only one name can stand left of '=', as in u = w*x")
        target = statement.targets[0]
        self._check_name(target)
        if target.id in FUNCTIONS:
            raise self.error(target, f"'{target.id}' is a function and cannot be given a value")
        return target

    def _create_inputs(self, body: list[ast.stmt], defaults: dict[str, float]):
        """One leaf per input, in order of first appearance in the source."""
        computed = {name for name in self.defined_on if name not in defaults}
        for node in _walk_in_source_order(body):
            if not isinstance(node, ast.Name) or node.id in computed or node.id in self.inputs:
                continue
            if node.id in FUNCTIONS:
                continue  # reported where it is used
            name = node.id
            if name in self.values:
                value = self.values[name]
            elif name in defaults:
                value = defaults[name]
            else:
                raise self.error(node, f"'{name}' has no value: add a line such as "
                                       f"{name} = 1.0, or give it in the values")
            self._count(node)
            leaf = Value(value, label=name, requires_grad=name not in self.data)
            self.inputs[name] = leaf
            self.names[name] = leaf

    def _statement(self, statement: ast.Assign | ast.Expr) -> Value:
        if isinstance(statement, ast.Expr):
            return self._expression(statement.value)
        name = statement.targets[0].id
        if name in self.inputs:
            return self.inputs[name]  # `name = number`: already a leaf
        node = self._expression(statement.value)
        if not node.label:
            node.label = name
        self.names[name] = node
        return node

    def _check_request_names(self, module: ast.Module):
        for name in self.values:
            if name not in self.inputs:
                if name in self.names:
                    raise ParseError(f"'{name}' is computed on line {self.defined_on[name]}, "
                                     "so it cannot be given a value",
                                     self.defined_on[name], 1)
                raise ParseError(f"a value is given for '{name}', which the source does not use")
        for name in self.data:
            if name not in self.inputs:
                raise ParseError(f"'{name}' is marked as data but is not an input of the source")

    # --- expressions ----------------------------------------------------------

    def _expression(self, root: ast.expr) -> Value:
        """Post-order walk with an explicit stack: depth costs no recursion.
        The tree has passed _validate, so every node here is allowed."""
        results: list[Value | float] = []
        stack: list[tuple[ast.expr, bool]] = [(root, False)]
        while stack:
            node, children_done = stack.pop()
            if children_done:
                self._combine(node, results)
                continue
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(self._children(node)))
        return self._as_value(results.pop())

    def _children(self, node: ast.expr) -> list[ast.expr]:
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY_OPS:
                raise self.error(node, f"the operator {_OPERATOR_SYMBOLS[type(node.op)]} "
                                       "is not supported: use + - * / ** or ^")
            return [node.left, node.right]
        if isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise self.error(node, f"the operator {_OPERATOR_SYMBOLS[type(node.op)]} "
                                       "is not supported")
            return [node.operand]
        if isinstance(node, ast.Call):
            self._check_call(node)
            return [node.args[0]]
        if isinstance(node, (ast.Name, ast.Constant)):
            return []
        raise self.error(node, _FORBIDDEN.get(
            type(node), f"'{type(node).__name__}' is not part of the expression language"))

    def _check_call(self, node: ast.Call):
        if not isinstance(node.func, ast.Name):
            raise self.error(node, f"only the functions {_FUNCTION_LIST} can be called")
        name = node.func.id
        if name not in FUNCTIONS:
            raise self.error(node.func, f"unknown function '{name}': the functions are "
                                        f"{_FUNCTION_LIST}")
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise self.error(node, f"{name} takes exactly one argument, as in {name}(x)")

    def _combine(self, node: ast.expr, results: list):
        """Build the node whose operands are on top of `results`."""
        if isinstance(node, ast.Constant):
            results.append(self._constant(node))
        elif isinstance(node, ast.Name):
            results.append(self._lookup(node))
        elif isinstance(node, ast.UnaryOp):
            operand = results.pop()
            if isinstance(node.op, ast.USub):
                # -3 is a number, not an op on a constant node
                results.append(-operand if isinstance(operand, float)
                               else self._op(node, Value.__neg__, operand))
            else:
                results.append(operand)
        elif isinstance(node, ast.BinOp):
            right, left = results.pop(), results.pop()
            results.append(self._binary(node, left, right))
        else:  # ast.Call, checked in _children
            operand = self._as_value(results.pop())
            results.append(self._op(node, FUNCTIONS[node.func.id], operand))

    def _binary(self, node: ast.BinOp, left, right) -> Value:
        op = _BINARY_OPS[type(node.op)]
        if isinstance(node.op, ast.Pow) and isinstance(right, float):
            # x**2 keeps 2 inside the op (drawn as a node "^2"), as micrograd does
            return self._op(node, op, self._as_value(left), right)
        return self._op(node, op, self._as_value(left), self._as_value(right))

    def _op(self, node: ast.expr, op, *operands) -> Value:
        self._count(node)
        return op(*operands)

    def _as_value(self, operand) -> Value:
        """Numbers stay plain floats until an op needs them as a node."""
        if isinstance(operand, Value):
            return operand
        self.node_count += 1
        return Value(operand, _op="const", requires_grad=False)

    def _count(self, node: ast.AST):
        self.node_count += 1
        if self.node_count > self.limits.max_nodes:
            raise self.error(node, f"the graph has more than {self.limits.max_nodes} nodes")

    def _constant(self, node: ast.Constant) -> float:
        value = node.value
        if isinstance(value, bool) or value is None or value is Ellipsis:
            raise self.error(node, f"{value!r} is not a number")
        if isinstance(value, complex):
            raise self.error(node, "complex numbers are not supported")
        if isinstance(value, (str, bytes)):
            raise self.error(node, "text in quotes is not allowed: only numbers and names")
        return _to_float(value)

    def _lookup(self, node: ast.Name) -> Value:
        name = node.id
        if name in self.names:
            return self.names[name]
        if name in FUNCTIONS:
            raise self.error(node, f"'{name}' is a function: call it, as in {name}(x)")
        if name in self.defined_on:
            raise self.error(node, f"'{name}' is used before it is defined on line "
                                   f"{self.defined_on[name]}")
        raise self.error(node, f"unknown name '{name}'")  # unreachable: inputs cover it

    def _check_name(self, node: ast.Name):
        if node.id.startswith("__"):
            raise self.error(node, "names starting with __ are not allowed")


def _walk_in_source_order(body: list[ast.stmt]):
    """Every ast node of the statements, in reading order (a right-hand side
    before its target, so `y = x` introduces x before y)."""
    stack: list[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        children = list(ast.iter_child_nodes(node))
        if isinstance(node, ast.Assign):
            children = [node.value] + node.targets
        children.sort(key=lambda c: (getattr(c, "lineno", 0), getattr(c, "col_offset", 0)))
        stack.extend(reversed(children))


def _read_module(source: str, limits: Limits) -> tuple[str, ast.Module]:
    """Check the source's size and characters and parse it with Python's own
    parser (nothing is run): the normalised source and its module."""
    if not isinstance(source, str):
        raise ParseError("the source must be text")
    if len(source) > limits.max_source_chars:
        raise ParseError(f"the source is {len(source)} characters long; the limit is "
                         f"{limits.max_source_chars}")
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in source:
        before = source[: source.index("\x00")]
        raise ParseError("the source contains a NUL character", before.count("\n") + 1,
                         len(before.rsplit("\n", 1)[-1]) + 1)
    positions = _Positions(source)
    try:
        # One parse at a time: CPython 3.11's AST builder keeps its recursion
        # depth in shared state, and two threads parsing at once can fail with
        # "AST constructor recursion depth mismatch". Parsing takes microseconds.
        with _AST_LOCK, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "invalid decimal literal" and the like
            module = ast.parse(positions.rewritten(), mode="exec")
    except SyntaxError as exc:
        line = min(max(exc.lineno or 1, 1), len(positions.lines))
        # Past a backslash continuation Python counts the offset along the
        # joined lines: keep the caret on the line it names.
        column = min(positions.column(line, (exc.offset or 1) - 1),
                     len(positions.lines[line - 1]) + 1)
        raise ParseError(f"syntax error: {exc.msg}", line, max(column, 1)) from None
    except (RecursionError, MemoryError):
        raise ParseError("the expression is nested too deeply") from None
    except ValueError as exc:  # e.g. an integer literal with too many digits
        raise ParseError(f"cannot read the source: {exc}") from None
    return source, module


def parse(source: str, values: dict[str, float] | None = None,
          data: list[str] | frozenset[str] | None = None,
          limits: Limits = Limits()) -> ParsedGraph:
    """Parse `source` and build its graph, with `values` overriding the input
    values written in the source and `data` naming the inputs that need no
    gradient. Raises ParseError."""
    source, module = _read_module(source, limits)
    builder = _Builder(source, dict(values or {}), frozenset(data or ()), limits)
    return builder.build(module)


@dataclass(frozen=True)
class InputInfo:
    name: str
    value: float | None      # written in the source as `name = number`, else None
    line: int                # where it first appears
    column: int


def find_inputs(source: str, limits: Limits = Limits()) -> tuple[list[InputInfo], list[str]]:
    """The inputs of a source, in order of first appearance, with the value
    the source gives each (or None), and the names of its intermediates: what
    a form needs to ask for. Raises ParseError for a source the language
    rejects (but not for inputs with no value)."""
    source, module = _read_module(source, limits)
    builder = _Builder(source, {}, frozenset(), limits)
    if not module.body:
        raise ParseError("the source is empty: write an expression such as x**2 - 1", 1, 1)
    builder._validate(module.body)
    defaults = builder._collect_input_defaults(module.body)
    computed = {name for name in builder.defined_on if name not in defaults}
    found: dict[str, InputInfo] = {}
    for node in _walk_in_source_order(module.body):
        if isinstance(node, ast.Name) and node.id not in computed and node.id not in found \
                and node.id not in FUNCTIONS:
            found[node.id] = InputInfo(node.id, defaults.get(node.id),
                                       *builder.positions.of(node))
    return list(found.values()), sorted(computed, key=lambda n: builder.defined_on[n])
