"""The graph of a parsed source as code sees it: the nodes in topological
order, a Python name for each (the source's own where it has one), the
inputs a function of the graph takes, and how to write a node as one
expression in a language (an op's spelling comes from engine.ops, through
engine.codegen.spelling)."""

from __future__ import annotations

import ast
import builtins
import keyword
from dataclasses import dataclass, field

from engine.compile import python_literal
from engine.trace import Trace, record
from engine.value import Value

# An unnamed node is written inside its one user's expression unless its own
# expression nests deeper than this (Python's parser has a depth limit).
MAX_INLINE_DEPTH = 24


def literal(x: float) -> str:
    """A float as a script writes it: exactly, inf and nan as calls."""
    return python_literal(x, nan='float("nan")', inf='float("inf")')


def exponent(k: float) -> str:
    """The exponent of x ** k as a reader writes it: 2, not 2.0."""
    return str(int(k)) if k.is_integer() and abs(k) < 1e15 else literal(k)


def tidy(expression: str) -> str:
    """The same expression with only the parentheses Python needs: the tree,
    and so the order of every float operation, is unchanged."""
    return ast.unparse(ast.parse(expression, mode="eval"))


class Namer:
    """Python names that never collide: the script's own names and Python's
    builtins are taken first, so a source name such as `sum` becomes `sum_`."""

    def __init__(self, reserved):
        self.taken = set(reserved) | set(dir(builtins)) | set(keyword.kwlist)

    def claim(self, wanted: str) -> str:
        name = wanted
        while name in self.taken:
            name += "_"
        self.taken.add(name)
        return name


@dataclass
class CodeGraph:
    """The nodes of a graph with the names code gives them."""
    trace: Trace
    names: dict[int, str]            # node index → its Python name
    inputs: list[int]                # the leaves that are not constants, in order
    params: list[int]                # those that require a gradient
    keys: dict[int, str]             # an input's name in the printed JSON
    users: list[list[int]]           # the op nodes each node feeds, once per edge
    namer: Namer
    # (pass, node) → the text of the line that does that node's step
    marks: dict[tuple[str, int], str] = field(default_factory=dict)

    def name(self, i: int) -> str:
        """Node i's Python name: the source's, or n<id> (its id in the document)."""
        if i not in self.names:
            self.names[i] = self.namer.claim(f"n{i}")
        return self.names[i]

    @property
    def nodes(self) -> list[Value]:
        return self.trace.nodes

    @property
    def output(self) -> int:
        return len(self.trace.nodes) - 1

    def is_constant(self, i: int) -> bool:
        return not self.nodes[i]._prev and self.nodes[i]._op == "const"

    def operands(self, i: int) -> list[int]:
        return [self.trace.index[c] for c in self.nodes[i]._prev]


def code_graph(output: Value, namer: Namer) -> CodeGraph:
    """Name every input and op node of the graph ending at `output`."""
    trace = record(output)
    nodes = trace.nodes
    users: list[list[int]] = [[] for _ in nodes]
    for e in trace.edges:
        users[e.child].append(e.parent)
    names: dict[int, str] = {}
    keys: dict[int, str] = {}
    inputs, params = [], []
    for i, node in enumerate(nodes):  # the source's names first: they win
        if node.label and (node._prev or node._op != "const"):
            names[i] = namer.claim(node.label)
    for i, node in enumerate(nodes):
        if not node._prev and node._op != "const":
            inputs.append(i)
            names.setdefault(i, namer.claim(f"input{i}"))
            keys[i] = node.label or names[i]
            if node.requires_grad:
                params.append(i)
    return CodeGraph(trace, names, inputs, params, keys, users, namer)


def needs_line(graph: CodeGraph, i: int, depth: int) -> bool:
    """Whether op node i gets a line of its own rather than being written
    inside its user's expression."""
    node = graph.nodes[i]
    return bool(node.label) or i == graph.output or len(graph.users[i]) != 1 \
        or depth > MAX_INLINE_DEPTH


def expressions(graph: CodeGraph, spell, constant) -> list[tuple[int, str, list[int]]]:
    """The lines of the forward pass as (node, expression, the nodes it
    computes): one per op node that needs a name (see needs_line), its
    unnamed single-use operands written inside it. `spell(i, operands)`
    writes op node i from its operands' texts; `constant(text)` wraps a
    number where no other operand makes the op a tensor or Value op
    (exp(2.0) needs one)."""
    written: dict[int, tuple[str, int, list[int]]] = {}  # inlined node → text, depth, nodes
    lines = []
    for i, node in enumerate(graph.nodes):
        if not node._prev:
            continue
        operand_ids = graph.operands(i)
        all_constant = all(graph.is_constant(j) for j in operand_ids)
        texts, depth, computed = [], 1, []
        for j in operand_ids:
            if graph.is_constant(j):
                number = literal(graph.nodes[j].data)
                texts.append(constant(number) if all_constant else f"({number})")
            elif j in written:
                text, inner, nodes = written.pop(j)
                texts.append(f"({text})")
                depth = max(depth, inner + 1)
                computed += nodes
            else:
                texts.append(graph.name(j))
        text = spell(i, texts)
        computed.append(i)
        if needs_line(graph, i, depth):
            graph.name(i)
            lines.append((i, tidy(text), computed))
        else:
            written[i] = (text, depth, computed)
    return lines


def line_numbers(code: str, marks: dict[tuple[str, int], str]) -> dict[str, dict[int, int]]:
    """Where each step happens in `code`: for ("forward" or "backward", node)
    the number (from 1) of the first line whose text is the mark."""
    first: dict[str, int] = {}
    for number, line in enumerate(code.split("\n"), start=1):
        first.setdefault(line, number)
    found: dict[str, dict[int, int]] = {"forward": {}, "backward": {}}
    for (phase, node), text in sorted(marks.items()):
        if text in first:
            found[phase][node] = first[text]
    return found
