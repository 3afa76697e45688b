"""A scalar node of a computational graph, micrograd-compatible.

Every op has the same four beats: coerce the other operand, compute the
forward value, state the local derivative of the output with respect to each
input right beside it, return the new node. Local derivatives are numbers
stored on the node, not closures, so a graph holds no reference cycles and the
backward pass is one flat loop.

Differences from micrograd, each for a reason:
- an op has at most two inputs, kept in order in two slots (``_prev`` gives
  them as a tuple), so layouts and animations are the same on every run and a
  node costs few allocations;
- every node gets an increasing ``_id`` when it is made; a child is always
  made before its parent, so sorting by id is a topological order and no
  recursion is needed (a 100,000-node chain works);
- ``backward()`` accumulates into ``.grad`` the way PyTorch does: a second
  call adds the same gradients again; ``zero_grad()`` resets them;
- ``requires_grad=False`` marks data, as in PyTorch: the backward pass skips
  whatever leads only to data, and numbers mixed into an expression become
  constants that need no gradient;
- overflow and undefined values become inf and nan instead of exceptions.
"""

from __future__ import annotations

import itertools
from operator import attrgetter

from engine import ops, safe_math
from engine.safe_math import div, power

_next_id = itertools.count().__next__
# The innermost group open while nodes are made (engine/groups.py sets it):
# every node records it, one store on the hot path.
_open_group = None
_next_pass = itertools.count(1).__next__
_by_id = attrgetter("_id")


class Value:
    """Stores a single scalar value, the gradient of an output with respect to
    it, and the op and inputs it was made from."""

    # Slots that most nodes never use are left unset on the hot paths and
    # read with getattr: `_label` (see `label`), `_arg` (x ** k only), and
    # `_db` (binary ops only).
    __slots__ = ("data", "grad", "requires_grad",
                 "_op", "_a", "_b", "_da", "_db", "_arg", "_id", "_g", "_mark", "_label",
                 "_group")

    def __init__(self, data, _children=(), _op="", label="", requires_grad=True):
        self.data = float(data)
        self.grad = 0.0
        self.requires_grad = requires_grad
        self._op = _op
        self._a = self._b = None
        self._id = _next_id()
        self._g = 0.0
        self._mark = 0
        self._group = _open_group
        if label:
            self._label = label
        if _children:
            # Only micrograd's own ops pass children; a node made by hand from
            # children carries no derivative.
            children = tuple(_children)
            if len(children) > 2:
                raise ValueError("a Value has at most two inputs")
            self._a = children[0]
            self._b = children[1] if len(children) == 2 else None
            self._da = self._db = 0.0

    @property
    def label(self) -> str:
        """The node's name ("" if none): the source's name, or micrograd's label."""
        return getattr(self, "_label", "")

    @label.setter
    def label(self, name: str):
        self._label = name

    @property
    def arg(self) -> float | None:
        """The constant exponent k of a node made by ``x ** k``, else None."""
        return getattr(self, "_arg", None)

    @property
    def op(self) -> str:
        """The op that made this node: "+", "**", "exp"...; "" for an input."""
        return self._op

    @property
    def inputs(self) -> tuple[Value, ...]:
        """The nodes this one is computed from, in argument order."""
        return self._prev

    @property
    def _prev(self) -> tuple[Value, ...]:
        """The inputs of the op that made this node, in argument order."""
        if self._a is None:
            return ()
        return (self._a,) if self._b is None else (self._a, self._b)

    @property
    def _local(self) -> tuple[float, ...]:
        """d(self)/d(input) for each input, in the order of ``_prev``."""
        if self._a is None:
            return ()
        return (self._da,) if self._b is None else (self._da, self._db)

    # --- binary ops -------------------------------------------------------

    def __add__(self, other):
        other = other if isinstance(other, Value) else _const(other)
        return _binary(self.data + other.data, self, other, "+", 1.0, 1.0)

    def __sub__(self, other):
        other = other if isinstance(other, Value) else _const(other)
        return _binary(self.data - other.data, self, other, "-", 1.0, -1.0)

    def __mul__(self, other):
        other = other if isinstance(other, Value) else _const(other)
        a, b = self.data, other.data
        return _binary(a * b, self, other, "*", b, a)

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else _const(other)
        a, b = self.data, other.data
        return _binary(div(a, b), self, other, "/", div(1.0, b), -div(a, b * b))

    def __pow__(self, other):
        a = self.data
        if not isinstance(other, Value):  # x ** k: k belongs to the op, as in micrograd
            k = float(other)
            if k == 2.0:  # the squared error: exact, and the hot path of every loss
                out = _unary(a * a, self, "**", 2.0 * a)
            else:
                out = _unary(power(a, k), self, "**", k * power(a, k - 1.0))
            out._arg = k
            return out
        b = other.data
        out = power(a, b)
        # d(a^b)/db = a^b log a: real only for a > 0 (0 where the power is 0).
        d_exponent = out * safe_math.log(a) if out != 0.0 else 0.0
        return _binary(out, self, other, "pow", b * power(a, b - 1.0), d_exponent)

    def __radd__(self, other):
        return _const(other) + self

    def __rsub__(self, other):
        return _const(other) - self

    def __rmul__(self, other):
        return _const(other) * self

    def __rtruediv__(self, other):
        return _const(other) / self

    def __rpow__(self, other):
        return _const(other) ** self

    # --- unary ops ----------------------------------------------------------

    def __neg__(self):
        return _unary(-self.data, self, "neg", -1.0)

    # exp, log, sin, ... (every function of the language) are made from
    # engine.ops by _function_method below: x.exp() runs `o = exp(a)`, `d = o`.

    # --- gradients ------------------------------------------------------------

    def backward(self):
        """Add d(self)/d(node) to the ``.grad`` of every node that requires a
        gradient (as PyTorch does: call it twice and the gradients double)."""
        if not self.requires_grad:
            return
        # The nodes that need a gradient, then each after all of its parents:
        # by decreasing id, since a node is always made after its inputs.
        # `_mark` is the number of the last pass that reached a node: cheaper
        # than a set of visited nodes.
        mark = _next_pass()
        self._mark = mark
        nodes = [self]
        keep = nodes.append
        for node in nodes:  # grows while we walk it
            a = node._a
            if a is not None:
                if a._mark is not mark and a.requires_grad:
                    a._mark = mark
                    keep(a)
                b = node._b
                if b is not None and b._mark is not mark and b.requires_grad:
                    b._mark = mark
                    keep(b)
        nodes.sort(key=_by_id, reverse=True)
        self._g = 1.0  # every _g is 0 between passes
        for node in nodes:
            upstream = node._g  # complete: every parent has been done
            node._g = 0.0
            node.grad += upstream
            a = node._a
            if a is not None:
                if a.requires_grad:
                    a._g += node._da * upstream
                b = node._b
                if b is not None and b.requires_grad:
                    b._g += node._db * upstream

    def zero_grad(self):
        """Reset ``.grad`` to 0 on this node and every node it depends on."""
        for node in topological_order(self):
            node.grad = 0.0

    def show(self, server: str | None = None, **options):
        """In a notebook, draw the animated player of this graph inline, with
        no server (engine.notebook); with `server=`, publish it there and show
        the server's embed (engine.publishing) and answer its links."""
        # Imported here and not at the top: value.py loads without documents,
        # pydantic or HTTP, and while modules load nothing imports upwards.
        if server is None:
            from engine.notebook import show_inline
            show_inline(self, **options)
            return None
        from engine.publishing import show
        return show(self, server, **options)

    def _repr_html_(self) -> str:
        """Jupyter's rich display (a cell ending in `loss`, display(loss)):
        the player inline, no server needed."""
        from engine.notebook import player_html
        return player_html(self)

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"


# The hot path of building a graph: these skip __init__, since an op's
# arguments are already floats and nodes.
_new = object.__new__


def _binary(data, a, b, op, local_a, local_b) -> Value:
    node = _new(Value)
    node.data = data
    node.grad = 0.0
    node.requires_grad = a.requires_grad or b.requires_grad
    node._op = op
    node._a = a
    node._b = b
    node._da = local_a
    node._db = local_b
    node._id = _next_id()
    node._g = 0.0
    node._mark = 0
    node._group = _open_group
    return node


def _unary(data, a, op, local_a) -> Value:
    node = _new(Value)
    node.data = data
    node.grad = 0.0
    node.requires_grad = a.requires_grad
    node._op = op
    node._a = a
    node._b = None
    node._da = local_a
    node._id = _next_id()
    node._g = 0.0
    node._mark = 0
    node._group = _open_group
    return node


def _const(number) -> Value:
    """A number mixed into an expression: a leaf that needs no gradient."""
    node = _new(Value)
    node.data = float(number)
    node.grad = 0.0
    node.requires_grad = False
    node._op = "const"
    node._a = node._b = None
    node._id = _next_id()
    node._g = 0.0
    node._mark = 0
    node._group = _open_group
    return node


def _function_method(op: ops.Op):
    """Value's method for a function of engine.ops, from the op's code: run
    with math's fast functions, and again with the IEEE-style ones of
    safe_math where those raise (as the compiled code does)."""
    code, name = op.code, op.value_method
    body = ["a = self.data", f"o = {code.forward.format(a='a')}",
            f"d = {code.local[0].format(a='a', o='o')}"]
    end = f"    return unary(o, self, {op.name!r}, d)\n"
    safe = "def safe(self):\n" + "".join(f"    {line}\n" for line in body) + end
    fast = ("def method(self):\n    try:\n" + "".join(f"        {line}\n" for line in body)
            + "    except MATH_ERRORS:\n        return safe(self)\n" + end)
    scope = {**ops.FLOAT_FUNCTIONS, "unary": _unary}
    exec(compile(safe, f"<chainrule Value.{name}>", "exec"), scope)  # our own code
    scope = {**ops.FAST_FUNCTIONS, "unary": _unary, "MATH_ERRORS": ops.MATH_ERRORS,
             "safe": scope["safe"]}
    exec(compile(fast, f"<chainrule Value.{name}>", "exec"), scope)
    method = scope["method"]
    method.__name__, method.__qualname__, method.source = name, f"Value.{name}", fast + safe
    method.__doc__ = (f"{op.name}(x) = {code.forward.format(a='x')}, with "
                      f"d/dx = {code.local[0].format(a='x', o='out')}")
    return method


for _op in ops.FUNCTIONS.values():  # abs(x) is x.abs() and also Python's abs(x)
    setattr(Value, _op.name, _function_method(_op))
    setattr(Value, _op.value_method, getattr(Value, _op.name))


def topological_order(root: Value) -> list[Value]:
    """Every node `root` depends on (itself included), inputs first."""
    nodes = [root]
    seen = {root}
    for node in nodes:  # grows while we walk it: a breadth-first search
        for child in node._prev:
            if child not in seen:
                seen.add(child)
                nodes.append(child)
    nodes.sort(key=_by_id)
    return nodes
