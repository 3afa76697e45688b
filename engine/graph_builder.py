"""Builds the Value graph of a source's `ast` module (read by
engine.language): inputs in order of first appearance, one node per op,
names for the intermediates. Every rejection is a ParseError with a place.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from engine.language import (BINARY_LIST, BINARY_OPS, FORBIDDEN, FUNCTION_LIST, FUNCTIONS,
                             NEGATE, OPERATOR_TEXT, Limits, ParseError, Positions,
                             number_literal, to_float)
from engine.groups import group
from engine.value import Value


@dataclass
class ParsedGraph:
    """A parsed source: its output node, its inputs by name, every name."""
    source: str
    output: Value
    inputs: dict[str, Value]            # in order of first appearance
    names: dict[str, Value]             # inputs and named intermediates
    data: frozenset[str] = field(default_factory=frozenset)


class GraphBuilder:
    """Walks the statements in order and builds Value nodes."""

    def __init__(self, source: str, values: dict[str, float], data: frozenset[str],
                 limits: Limits):
        self.positions = Positions(source)
        self.source = source
        self.values = values
        self.data = data
        self.limits = limits
        self.names: dict[str, Value] = {}
        self.inputs: dict[str, Value] = {}
        self.defined_on: dict[str, int] = {}
        self.node_count = 0
        self.names_seen: list[ast.Name] = []   # every name validate() met

    def error(self, node: ast.AST, message: str) -> ParseError:
        return ParseError(message, *self.positions.of(node))

    # --- statements ---------------------------------------------------------

    def build(self, module: ast.Module) -> ParsedGraph:
        if not module.body:
            raise ParseError("the source is empty: write an expression such as x**2 - 1", 1, 1)
        self.validate(module.body)
        defaults = self.collect_input_defaults(module.body)
        self._create_inputs(module.body, defaults)
        output = None
        for statement in module.body:
            output = self._statement(statement)
        self._check_request_names(module)
        return ParsedGraph(self.source, output, self.inputs, self.names, self.data)

    def validate(self, body: list[ast.stmt]):
        """Reject every construct outside the language before building
        anything, in reading order, so the first mistake is the one reported."""
        for index, statement in enumerate(body):
            if isinstance(statement, ast.Assign):
                self.names_seen.append(self._assign_target(statement))
                expression = statement.value
            elif isinstance(statement, ast.Expr):
                if index != len(body) - 1:
                    raise self.error(statement, "only the last line can be a bare "
                                                "expression: name it, as in u = w*x")
                expression = statement.value
            elif isinstance(statement, (ast.AugAssign, ast.AnnAssign)):
                raise self.error(statement, "write name = expression (no +=, no annotations)")
            else:
                raise self.error(statement, FORBIDDEN.get(
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
                    self.names_seen.append(node)
                children = self._children(node)
                # A left operand does not nest: a + b + c + ... (a 1,000-term
                # sum) stays shallow, a + (b + (c + ...)) does not.
                for position, child in enumerate(children):
                    left_operand = isinstance(node, ast.BinOp) and position == 0
                    stack.append((child, depth if left_operand else depth + 1))

    def names_in_source_order(self) -> list[ast.Name]:
        """The names validate() met, in reading order: one sort by position
        rather than a walk of the whole tree."""
        return sorted(self.names_seen, key=lambda n: (n.lineno, n.col_offset))

    def collect_input_defaults(self, body: list[ast.stmt]) -> dict[str, float]:
        """`name = number` lines: inputs with a value, wherever they stand."""
        defaults: dict[str, float] = {}
        for statement in body:
            target = self._assign_target(statement)
            if target is None:
                continue
            number = number_literal(statement.value)
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
        for node in self.names_in_source_order():
            if node.id in computed or node.id in self.inputs:
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
        # A named intermediate is a group: what only its definition uses.
        with group(name):
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
        The tree has passed validate(), so every node here is allowed."""
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
            if type(node.op) not in BINARY_OPS:
                raise self.error(node, f"the operator {OPERATOR_TEXT[type(node.op)]} "
                                       f"is not supported: use {BINARY_LIST}")
            return [node.left, node.right]
        if isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise self.error(node, f"the operator {OPERATOR_TEXT[type(node.op)]} "
                                       "is not supported")
            return [node.operand]
        if isinstance(node, ast.Call):
            self._check_call(node)
            return [node.args[0]]
        if isinstance(node, (ast.Name, ast.Constant)):
            return []
        raise self.error(node, FORBIDDEN.get(
            type(node), f"'{type(node).__name__}' is not part of the expression language"))

    def _check_call(self, node: ast.Call):
        if not isinstance(node.func, ast.Name):
            raise self.error(node, f"only the functions {FUNCTION_LIST} can be called")
        name = node.func.id
        if name not in FUNCTIONS:
            raise self.error(node.func, f"unknown function '{name}': the functions are "
                                        f"{FUNCTION_LIST}")
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
                               else self._op(node, NEGATE, operand))
            else:
                results.append(operand)
        elif isinstance(node, ast.BinOp):
            right, left = results.pop(), results.pop()
            results.append(self._binary(node, left, right))
        else:  # ast.Call, checked in _children
            operand = self._as_value(results.pop())
            results.append(self._op(node, FUNCTIONS[node.func.id], operand))

    def _binary(self, node: ast.BinOp, left, right) -> Value:
        op = BINARY_OPS[type(node.op)]
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
        return to_float(value)

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
