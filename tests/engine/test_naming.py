"""Names on screen for nodes nobody named (engine/naming.py): short, unique,
never an internal id, with the full expression kept for hover and the panel."""

import re

from hypothesis import given, settings
from random_expressions import expressions

from engine.notation import name
from engine import Value, build_document, document_of_parsed, parse

INTERNAL_ID = re.compile(r"\bn\d+\b")


def doc_of(source, **values):
    return document_of_parsed(parse(source, values=values))


def test_an_unnamed_neuron_gets_short_names_and_keeps_its_full_expression():
    doc = doc_of("tanh(w1*x1 + w2*x2 + b)", w1=-3, x1=2, w2=1, x2=0, b=6.88)
    out = doc.nodes[doc.output]
    assert out.label == "u3" and out.name is None
    assert out.expression == "tanh(w1·x1 + w2·x2 + b)"
    # tanh′ in the node's own name, as the slides write 1 − o².
    assert doc.edges[-1].local_grad_expr == "1 − u3²"
    forward = [s.text for s in doc.as_version_2().steps if s.pass_ == "forward"]
    assert forward[-1] == "u3 = tanh(u2) = tanh(0.88) = 0.706419"


def test_a_short_expression_in_named_operands_is_its_own_name():
    doc = doc_of("l = (y - ystar)^2", y=2, ystar=1)
    assert [n.label for n in doc.nodes if n.kind == "op"] == ["y − y*", "l"]


def test_an_expression_computed_twice_names_neither_node():
    doc = doc_of("p = exp(a)/(exp(a) + exp(b))", a=1, b=2)
    ops = [n for n in doc.nodes if n.kind == "op"]
    assert [n.label for n in ops] == ["u1", "u2", "exp(b)", "u3", "p"]
    assert ops[0].expression == ops[1].expression == "exp(a)"


def test_automatic_names_avoid_the_names_in_use():
    doc = doc_of("u1 = a*b + c*d*e\nv = u1*u1*a*e", a=1, b=2, c=3, d=4, e=5)
    labels = [n.label for n in doc.nodes]
    assert len(labels) == len(set(labels))


def test_unlabelled_values_from_python_get_letters_by_kind():
    w = Value(0.5)
    x = Value(2.0, requires_grad=False)
    out = (w * x + Value(1.0, label="b")).tanh()
    doc = build_document(out)
    assert [n.label for n in doc.nodes] == ["p1", "d1", "u1", "b", "u2", "u3"]
    assert set(doc.gradients) == {"p1", "b"}


@settings(max_examples=60, deadline=None)
@given(expressions())
def test_no_drawn_name_is_an_internal_id_and_names_are_unique(source):
    point = {"a": 0.3, "b": -0.7, "c": 1.1}
    parsed = parse(source, values={k: v for k, v in point.items()
                                   if re.search(rf"\b{k}\b", source)})
    doc = document_of_parsed(parsed)
    texts = [n.label for n in doc.nodes if n.kind != "constant"]
    texts += [e.label for e in doc.edges] + [e.local_grad_expr for e in doc.edges]
    texts += [s.text for s in doc.as_version_2().steps]
    assert not any(INTERNAL_ID.search(t) for t in texts)
    named = [n.label for n in doc.nodes if n.kind != "constant"]
    assert len(named) == len(set(named))
    assert all(len(n.label) <= 9 for n in doc.nodes if n.kind == "op")


def test_indexed_labels_keep_their_indices_in_tex():
    # engine.nn labels its parameters w[k][j][i] and b[k][j]: the indices are the name.
    assert name("w[1][0][2]").tex == "w_{[1][0][2]}"
    assert name("b[0][3]").tex == "b_{[0][3]}"
    assert name("alpha[1]").tex == r"\alpha_{[1]}"
