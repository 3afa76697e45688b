"""The expression language's syntax: what Python syntax it admits, its
functions and operators (from engine.ops), and reading a source into an
`ast` module, with positions counted as the user typed them.

Nothing here builds nodes (engine.graph_builder does) and nothing is ever
evaluated by Python.
"""

from __future__ import annotations

import ast
import math
import threading
import warnings
from dataclasses import dataclass

from engine import ops
from engine.value import Value

_AST_LOCK = threading.Lock()

# The functions of the language: name(x) calls Value's method.
FUNCTIONS = {name: getattr(Value, op.value_method) for name, op in ops.FUNCTIONS.items()}
FUNCTION_LIST = ", ".join(FUNCTIONS)

# How Python writes each of its operators; the language admits those that
# are operators of engine.ops (^ is read as **).
OPERATOR_TEXT = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**",
    ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<",
    ast.RShift: ">>", ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^",
    ast.Invert: "~", ast.Not: "not", ast.USub: "-", ast.UAdd: "+",
}
BINARY_OPS = {node: getattr(Value, ops.BINARY_OPERATORS[text].value_method)
              for node, text in OPERATOR_TEXT.items()
              if issubclass(node, ast.operator) and text in ops.BINARY_OPERATORS}
BINARY_LIST = " ".join(ops.BINARY_OPERATORS) + " or ^"
NEGATE = getattr(Value, ops.UNARY_OPERATORS["-"].value_method)
# What a user most likely meant by constructs outside the language.
FORBIDDEN = {
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


class Positions:
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


def number_literal(node: ast.expr) -> float | None:
    """The value of a literal number, optionally signed; None otherwise."""
    sign = 1.0
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -sign if isinstance(node.op, ast.USub) else sign
        node = node.operand
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return sign * to_float(node.value)
    return None


def to_float(number: int | float) -> float:
    try:
        return float(number)
    except OverflowError:  # an integer literal beyond the float range
        return math.inf


def read_module(source: str, limits: Limits) -> tuple[str, ast.Module]:
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
    positions = Positions(source)
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
