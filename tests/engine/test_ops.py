"""The op registry (engine/ops.py): every table of the engine, the app and the
README derives from it, and the two ops added through it, softplus and
log1p, work everywhere an op is used."""

import math
import re
from pathlib import Path

import numpy as np
import pytest
from svg_texts import drawn_texts

from app.svg_export import render_svg
from engine import Value, build_document, parse
from engine import notation, ops
from engine.compile import compile_graph, forward_array, value_and_grad, value_and_grad_array
from engine.compiled import ARRAY_FUNCTIONS, FAST_FUNCTIONS, FLOAT_FUNCTIONS
from engine.language import BINARY_OPS, FUNCTIONS as PARSER_FUNCTIONS
from engine.schema import Node
from finite_differences import assert_close, central_difference

ROOT = Path(__file__).resolve().parents[2]
NEW = ["softplus", "log1p"]
# Operands as the slides name them: one atomic, one not.
OPERANDS = [notation.Math("x", "x"), notation.Math("u + v", "u + v", atomic=False)]


# --- every table derives from the registry -----------------------------------------

def test_every_function_is_in_the_language_and_is_a_value_method_made_from_its_code():
    assert set(PARSER_FUNCTIONS) == set(ops.FUNCTIONS)
    for name, op in ops.FUNCTIONS.items():
        assert op.arity == 1
        graph = parse(f"x = 0.5\ny = {name}(x)")
        assert graph.output._op == name
        method = getattr(Value, op.value_method)
        assert PARSER_FUNCTIONS[name] is method
        assert getattr(Value, name) is method
        assert op.code.forward.format(a="a") in method.source  # generated from the table


def test_every_operator_of_the_language_is_a_registry_operator():
    texts = {"+": "__add__", "-": "__sub__", "*": "__mul__", "/": "__truediv__",
             "**": "__pow__"}
    assert set(ops.BINARY_OPERATORS) == set(texts)
    assert {method.__name__ for method in BINARY_OPS.values()} == set(texts.values())
    assert ops.UNARY_OPERATORS["-"].name == "neg"


@pytest.mark.parametrize("name", list(ops.OPS))
def test_every_op_has_symbol_notation_derivatives_and_compiled_code(name):
    op = ops.OPS[name]
    arg = 3.0 if name == "**" else None
    operands = OPERANDS[:1] if op.arity == 1 else OPERANDS
    out = notation.Math("y", "y")
    assert notation.symbol_of(name, arg) and "$" not in notation.symbol_of(name, arg)
    written = notation.expression(name, operands, arg)
    assert written.text and written.tex and "$" not in written.text + written.tex
    derivatives = notation.local_derivatives(name, operands, out, arg)
    assert len(derivatives) == op.arity
    assert all(d.text and d.tex and "$" not in d.text + d.tex for d in derivatives)
    for numpy, namespaces in ((False, (FLOAT_FUNCTIONS, FAST_FUNCTIONS)),
                              (True, (ARRAY_FUNCTIONS,))):
        code = op.code_for(arg, numpy=numpy)
        assert len(code.local) == op.arity
        for line in (code.forward, *code.local):
            text = line.format(a="a", b="b", o="o", k="3.0")
            used = set(compile(text, "<test>", "eval").co_names) - {"a", "b", "o"}
            for namespace in namespaces:
                assert used <= set(namespace), (name, text, used - set(namespace))


@pytest.mark.parametrize("name", [n for n, op in ops.OPS.items() if not op.function])
def test_value_s_explicit_operator_methods_compute_what_the_registry_code_says(name):
    """+ - * / ** pow neg stay explicit methods on Value (the hot paths): they
    must give the same numbers as the op's code, value and local derivatives."""
    op = ops.OPS[name]
    for a, b in [(0.5, 2.0), (-1.5, 3.0), (2.0, -0.5), (3.0, 2.0), (0.0, 1.0)]:
        x, y = Value(a), Value(b)
        node = {"+": x + y, "-": x - y, "*": x * y, "/": x / y, "pow": x ** y,
                "neg": -x, "**": x ** b}[name]
        assert node._op == name
        code = op.code_for(node.arg)
        scope = {**FLOAT_FUNCTIONS, "a": a, "b": b, "k": b}
        expected = eval(code.forward.format(a="a", b="b", k="k"), scope)
        scope["o"] = expected
        locals_ = [eval(text.format(a="a", b="b", o="o", k="k"), scope) for text in code.local]
        assert node.data == expected or (math.isnan(node.data) and math.isnan(expected))
        assert list(node._local) == pytest.approx(locals_, rel=0, abs=0, nan_ok=True)


def test_no_other_module_lists_the_ops():
    """A table of op names anywhere else would be a copy that can disagree.
    safe_math holds the IEEE-style functions themselves, not a list of ops."""
    distinctive = ["sigmoid", "relu", "tanh", "softplus", "log1p", "sqrt"]
    allowed = {ROOT / "engine/ops.py", ROOT / "engine/safe_math.py"}
    files = [p for folder in ("engine", "app", "templates", "static/js")
             for p in (ROOT / folder).rglob("*") if p.suffix in (".py", ".html", ".js")]
    assert len(files) > 20
    for path in files:
        if path in allowed:
            continue
        text = path.read_text(encoding="utf-8")
        named = [w for w in distinctive if re.search(rf"\b{w}\b", text)]
        assert len(named) < 2, f"{path.relative_to(ROOT)} names the ops {named}"


def test_schema_form_and_readme_list_every_op():
    assert Node.model_fields["op"].description == " ".join(ops.OPS) + "; null for inputs"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.search(r"^- functions `([^`]*)`", readme, re.M).group(1)
    assert listed == ops.function_list()
    methods = re.search(r"plus `([^`]*)`,\s*`x \*\* y`", readme).group(1).split()
    assert set(methods) | {"relu", "tanh", "exp"} == set(ops.FUNCTIONS)
    form = (ROOT / "templates/_form.html").read_text(encoding="utf-8")
    assert "{{ FUNCTIONS }}" in form


def test_the_form_on_the_page_lists_every_function(client):
    page = client.get("/")
    assert page.status_code == 200
    assert f"<code>{ops.function_list()}</code>" in page.text
    assert "softplus log1p" in page.text


# --- softplus and log1p ------------------------------------------------------------

@pytest.mark.parametrize("x", [-30.0, -3.0, -0.5, 0.0, 0.25, 2.0, 30.0])
def test_softplus_and_log1p_values_and_local_derivatives(x):
    s = Value(x).softplus()
    assert s.data == pytest.approx(math.log1p(math.exp(x)), rel=1e-15, abs=1e-300)
    assert s._local[0] == pytest.approx(1 / (1 + math.exp(-x)), rel=1e-15)
    if x > -1:
        lp = Value(x).log1p()
        assert lp.data == math.log1p(x)
        assert lp._local[0] == pytest.approx(1 / (1 + x), rel=1e-15)


def test_softplus_and_log1p_at_the_edges_give_inf_and_nan_not_errors():
    assert Value(1000.0).softplus().data == 1000.0  # e^1000 would overflow
    assert Value(-1000.0).softplus().data == 0.0
    assert Value(math.inf).softplus().data == math.inf
    assert math.isnan(Value(math.nan).softplus().data)
    at_minus_one = Value(-1.0).log1p()
    assert at_minus_one.data == -math.inf and at_minus_one._local[0] == math.inf
    assert math.isnan(Value(-2.0).log1p().data)
    document = build_document(parse("x = -2\ny = log1p(x)").output)
    assert document.nodes[-1].warnings == [
        "undefined (nan): log1p of a number below −1 is undefined"]


@pytest.mark.parametrize("source", [
    "softplus(w*x + b)", "log1p(w*w) * softplus(-b)", "log1p(softplus(w) - b*x)",
    "softplus(log1p(x*x) - w)^2"])
def test_gradients_of_softplus_and_log1p_match_finite_differences(source):
    names = ["w", "b", "x"]
    point = [0.7, -0.3, 1.2]
    used = [n for n in names if re.search(rf"\b{n}\b", source)]

    def f(p):
        return parse(source, {n: v for n, v in zip(names, p) if n in used}).output.data

    graph = parse(source, {n: v for n, v in zip(names, point) if n in used})
    graph.output.backward()
    for i, name in enumerate(names):
        if name in used:
            # h = 1e-6: truncation ~ h² f''' ≈ 1e-12, rounding ~ 1e-16 / h ≈ 1e-10.
            assert_close(graph.inputs[name].grad, central_difference(f, point, i),
                         rel=1e-7, abs_=1e-8, what=f"{source} d/d{name}")


def test_softplus_and_log1p_in_documents_as_the_slides_write_them():
    document = build_document(parse("x = 0.5\ns = softplus(x)\nl = log1p(s)").output)
    s, l = document.nodes[1], document.nodes[2]
    assert (s.symbol, s.expression) == ("ζ", "softplus(x)")
    forward = [step.tex for step in document.as_version_2().steps if step.pass_ == "forward"]
    assert forward[0].startswith(r"s = \operatorname{softplus}\left(x\right) = "), forward
    assert (l.symbol, l.expression) == ("log1p", "log1p(s)")
    edges = {document.nodes[e.target].op: e for e in document.edges}
    assert (edges["softplus"].local_grad_expr, edges["softplus"].local_grad_tex) == (
        "σ(x)", r"\sigma\left(x\right)")
    assert (edges["log1p"].local_grad_expr, edges["log1p"].local_grad_tex) == (
        "1/(1 + s)", r"\frac{1}{1 + s}")
    assert edges["softplus"].local_grad == pytest.approx(1 / (1 + math.exp(-0.5)), rel=1e-15)
    backward = [step.text for step in document.as_version_2().steps if step.pass_ == "backward"]
    assert backward[-1].startswith("x′ = s′·") and "σ(x)" in backward[-1], backward


def test_softplus_and_log1p_in_the_server_svg():
    document = build_document(parse("w = 0.5\nx = 2\ns = softplus(w*x)\nl = log1p(s)").output)
    texts = drawn_texts(render_svg(document, "backward"))
    assert "ζ" in texts and "log1p" in texts
    assert "*σ(w·x)" in texts and "*1/(1 + s)" in texts


def test_softplus_and_log1p_compiled_on_floats_and_arrays_equal_the_value_graph():
    source = "p = softplus(w*x + b)\nl = log1p((p - y)^2)"
    columns = {"x": np.array([-2.0, -0.5, 0.0, 1.5, 40.0]),
               "y": np.array([0.1, 0.3, 0.7, 1.9, 39.0])}
    w, b = 0.8, -0.2
    graph = parse(source, {"w": w, "b": b, "x": 0.0, "y": 0.0}, data=["x", "y"])
    program = compile_graph(graph.output, ["w", "b"], ["x", "y"])
    float_code = value_and_grad(program)
    losses, grads = value_and_grad_array(program)(w, b, columns["x"], columns["y"])
    np.testing.assert_allclose(forward_array(program)(w, b, columns["x"], columns["y"]),
                               losses, rtol=0, atol=0)
    for j, (x, y) in enumerate(zip(columns["x"], columns["y"])):
        one = parse(source, {"w": w, "b": b, "x": x, "y": y}, data=["x", "y"])
        one.output.backward()
        loss, (gw, gb) = float_code(w, b, x, y)
        # floats: the same code as Value's methods, so the same numbers
        assert (loss, gw, gb) == (one.output.data, one.inputs["w"].grad, one.inputs["b"].grad)
        # numpy: numpy's exp and log1p may differ from libm's in the last bit
        assert losses[j] == pytest.approx(loss, rel=1e-14)
        assert grads[0][j] == pytest.approx(gw, rel=1e-12, abs=1e-300)
        assert grads[1][j] == pytest.approx(gb, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("w", [-1.0, -2.0, 1000.0, -1000.0, math.inf])
def test_compiled_softplus_and_log1p_give_what_value_gives_where_math_would_raise(w):
    """math.log1p raises at −1 and below: the compiled code falls back to
    safe_math, as Value does, and gives −inf or nan."""
    for source in ("l = log1p(w)", "l = softplus(w)", "l = log1p(softplus(w) - 1)"):
        graph = parse(source, {"w": w})
        graph.output.backward()
        loss, (grad,) = value_and_grad(compile_graph(graph.output, ["w"], []))(w)
        assert repr((loss, grad)) == repr((graph.output.data, graph.inputs["w"].grad)), source
