"""Value: every op's derivative against finite differences, and PyTorch-like
accumulation, fan-out, data inputs, deep graphs and non-finite values."""

import math

import pytest

from engine import Value
from finite_differences import assert_close, central_difference

# Each op with a point inside its domain. Tolerance: central differences with
# h = 1e-6 are good to about 1e-7 relative on these smooth functions.
REL, ABS = 1e-6, 1e-8
UNARY = [
    ("exp", lambda v: v.exp(), math.exp, 0.7),
    ("log", lambda v: v.log(), math.log, 1.3),
    ("sin", lambda v: v.sin(), math.sin, 0.4),
    ("cos", lambda v: v.cos(), math.cos, 0.4),
    ("tan", lambda v: v.tan(), math.tan, 0.4),
    ("tanh", lambda v: v.tanh(), math.tanh, 0.3),
    ("sigmoid", lambda v: v.sigmoid(), lambda x: 1 / (1 + math.exp(-x)), -0.8),
    ("relu+", lambda v: v.relu(), lambda x: max(x, 0.0), 0.9),
    ("relu-", lambda v: v.relu(), lambda x: max(x, 0.0), -0.9),
    ("sqrt", lambda v: v.sqrt(), math.sqrt, 2.2),
    ("abs+", lambda v: abs(v), abs, 1.5),
    ("abs-", lambda v: abs(v), abs, -1.5),
    ("neg", lambda v: -v, lambda x: -x, 1.5),
    ("pow3", lambda v: v ** 3, lambda x: x ** 3, -1.2),
    ("pow-half", lambda v: v ** -0.5, lambda x: x ** -0.5, 1.7),
    ("rpow", lambda v: 2 ** v, lambda x: 2 ** x, 0.6),
    ("rsub", lambda v: 3 - v, lambda x: 3 - x, 0.6),
    ("rdiv", lambda v: 3 / v, lambda x: 3 / x, 0.6),
    ("radd", lambda v: 3 + v, lambda x: 3 + x, 0.6),
    ("rmul", lambda v: 3 * v, lambda x: 3 * x, 0.6),
]
BINARY = [
    ("add", lambda a, b: a + b, (1.5, -0.5)),
    ("sub", lambda a, b: a - b, (1.5, -0.5)),
    ("mul", lambda a, b: a * b, (1.5, -0.5)),
    ("div", lambda a, b: a / b, (1.5, -0.5)),
    ("pow", lambda a, b: a ** b, (1.5, 0.7)),
]


@pytest.mark.parametrize("name,op,reference,x", UNARY, ids=[u[0] for u in UNARY])
def test_unary_op_value_and_derivative(name, op, reference, x):
    v = Value(x)
    out = op(v)
    out.backward()
    assert out.data == pytest.approx(reference(x), rel=1e-12)
    expected = central_difference(lambda p: reference(p[0]), [x], 0)
    assert_close(v.grad, expected, REL, ABS, name)


@pytest.mark.parametrize("name,op,point", BINARY, ids=[b[0] for b in BINARY])
def test_binary_op_derivatives_in_both_operands(name, op, point):
    a, b = Value(point[0]), Value(point[1])
    op(a, b).backward()
    for i, node in enumerate((a, b)):
        expected = central_difference(lambda p: op(p[0], p[1]), list(point), i)
        assert_close(node.grad, expected, REL, ABS, f"{name} operand {i}")


def test_micrograd_sanity_check():
    """micrograd's own test_sanity_check, values from PyTorch (its reference)."""
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    assert y.data == pytest.approx(-20.0, abs=1e-6)
    assert x.grad == pytest.approx(46.0, abs=1e-6)


def test_micrograd_more_ops():
    """micrograd's test_more_ops, values from PyTorch (its reference)."""
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b ** 3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e ** 2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    assert g.data == pytest.approx(24.70408163265306, abs=1e-6)
    assert a.grad == pytest.approx(138.83381924198252, abs=1e-6)
    assert b.grad == pytest.approx(645.5772594752186, abs=1e-6)


def test_backward_twice_accumulates_like_pytorch():
    w, x = Value(3.0), Value(2.0)
    loss = (w * x).tanh() * w
    loss.backward()
    first = (w.grad, x.grad)
    loss.backward()
    assert (w.grad, x.grad) == (2 * first[0], 2 * first[1])
    loss.zero_grad()
    assert (w.grad, x.grad, loss.grad) == (0.0, 0.0, 0.0)
    loss.backward()
    assert (w.grad, x.grad) == first


def test_fan_out_sums_both_contributions():
    x = Value(3.0)
    y = x * x + x  # dy/dx = 2x + 1
    y.backward()
    assert x.grad == 7.0


def test_data_inputs_get_no_gradient_and_are_skipped():
    w = Value(0.5)
    x = Value(2.0, requires_grad=False)
    c = x.exp() * 3  # leads only to data: the backward pass skips it
    loss = (w * x + c) ** 2
    loss.backward()
    assert x.grad == 0.0 and c.grad == 0.0
    assert w.grad == pytest.approx(2 * (w.data * 2.0 + c.data) * 2.0, rel=1e-15)
    assert not c.requires_grad and loss.requires_grad


def test_chain_of_100000_nodes_needs_no_recursion():
    x = Value(0.5)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0


def test_in_place_add_builds_a_new_node():
    a = Value(1.0)
    b = a
    b += 2
    assert a.data == 1.0 and b.data == 3.0


@pytest.mark.parametrize("make,value,grad", [
    (lambda x: (x * 1000).exp(), math.inf, math.inf),
    (lambda x: (-x).log(), math.nan, 1.0),  # d log(u)/du = 1/u is finite at u = -1
    (lambda x: x / (x - 1.0), math.inf, None),
    (lambda x: (x - 1.0) / (x - 1.0), math.nan, None),
    (lambda x: (-x) ** 0.5, math.nan, None),
    (lambda x: (x * 1e200) ** 9, math.inf, None),
    (lambda x: (x * 100) ** (x * 900), math.inf, None),
    (lambda x: (x - 1.0) ** -1, math.inf, None),
    (lambda x: (x * math.inf).sin(), math.nan, None),
    (lambda x: (-x * 1000).sigmoid(), 0.0, 0.0),
])
def test_overflow_and_undefined_give_inf_and_nan_not_exceptions(make, value, grad):
    x = Value(1.0)
    out = make(x)
    out.backward()
    if math.isnan(value):
        assert math.isnan(out.data)
    else:
        assert out.data == value
    if grad is not None:
        assert (math.isnan(x.grad) and math.isnan(grad)) or x.grad == grad


def test_labels_and_repr():
    a = Value(2.0, label="a")
    assert a.label == "a"
    assert repr(a) == "Value(data=2.0, grad=0.0)"
    assert (a * 2)._prev[0] is a and (a * 2)._op == "*"


def test_children_keep_argument_order():
    a, b = Value(1.0), Value(2.0)
    assert (a - b)._prev == (a, b)
    assert (b - a)._prev == (b, a)
