"""The engine's public accessors, and the app's use of nothing else: what the
app reads of a graph or a run goes through names without an underscore."""

import ast
from pathlib import Path

import numpy as np

from engine import Value
from engine.training import TrainingSpec

APP = Path(__file__).resolve().parents[2] / "app"


def test_op_and_inputs_describe_how_a_node_was_made():
    w, x, b = Value(0.5, label="w"), Value(0.5, label="x"), Value(2.0, label="b")
    u = w * x
    v = u + b
    l = (v - 1.0) ** 2
    assert (w.op, w.inputs) == ("", ())
    assert (u.op, u.inputs) == ("*", (w, x))
    assert v.inputs == (u, b)
    assert l.op == "**" and l.arg == 2 and l.inputs[0].op == "-"
    assert l.inputs[0].inputs[0] is v and l.inputs[0].inputs[1].data == 1.0
    assert (-w).op == "neg" and (-w).inputs == (w,)


def test_rows_of_a_spec_is_the_length_of_its_data():
    spec = TrainingSpec(start={"b": 1.0}, columns={"x": np.arange(0, 1, 0.01)})
    assert spec.rows == 100
    assert TrainingSpec(start={"b": 1.0}, columns={}).rows == 1


# The standard library's own: os._exit is documented; a process pool keeps no
# public list of its worker processes (app/process_pool.py, for tests).
STANDARD_LIBRARY = {"os._exit", "pool._processes"}


def _private_reads(tree: ast.AST):
    """`obj._name` (obj not self or cls) and `getattr(obj, "_name")`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                and not node.attr.startswith("__") \
                and ast.unparse(node.value) not in ("self", "cls") \
                and ast.unparse(node) not in STANDARD_LIBRARY:
            yield node
        elif isinstance(node, ast.Call) and ast.unparse(node.func) == "getattr" \
                and len(node.args) > 1 and isinstance(node.args[1], ast.Constant) \
                and str(node.args[1].value).startswith("_"):
            yield node


def test_the_app_reads_no_underscored_attribute_of_another_object():
    found = [f"{path.relative_to(APP.parent)}:{node.lineno} {ast.unparse(node)}"
             for path in sorted(APP.rglob("*.py"))
             for node in _private_reads(ast.parse(path.read_text(encoding="utf-8")))]
    assert found == []
