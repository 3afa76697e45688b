"""engine.nn (micrograd's Neuron, Layer and MLP, labelled and grouped) and
the groups of a document: the same numbers as micrograd's own nn.py, labels
by place, and groups that form a tree with each node in at most one
innermost group."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import build_document, document_of_parsed, parse
from engine.groups import group
from engine.nn import MLP, Neuron
from engine.value import Value

micrograd_nn = pytest.importorskip("micrograd.nn")

XS = [[2.0, 3.0], [3.0, -1.0], [0.5, 1.0], [1.0, 1.0]]
YS = [1.0, -1.0, -1.0, 1.0]


def train(model, steps: int = 4) -> list[tuple[float, list[float]]]:
    """The course loop: squared error over four samples, SGD at 0.05."""
    history = []
    for _ in range(steps):
        loss = sum((model(x) - y) ** 2 for x, y in zip(XS, YS))
        model.zero_grad()
        loss.backward()
        history.append((loss.data, [p.grad for p in model.parameters()]))
        for p in model.parameters():
            p.data -= 0.05 * p.grad
    return history


def test_engine_nn_trains_to_micrograds_numbers():
    random.seed(11)
    ours = train(MLP(2, [4, 4, 1]))
    random.seed(11)
    theirs = train(micrograd_nn.MLP(2, [4, 4, 1]))
    for (loss, grads), (their_loss, their_grads) in zip(ours, theirs):
        assert loss == pytest.approx(their_loss, rel=1e-12)
        assert grads == pytest.approx(their_grads, rel=1e-12, abs=1e-15)


def test_parameters_are_labelled_by_their_place():
    model = MLP(2, [3, 1])
    assert model.layers[0].neurons[2].w[1].label == "w[0][2][1]"
    assert model.layers[1].neurons[0].b.label == "b[1][0]"
    assert len({p.label for p in model.parameters()}) == len(model.parameters())
    lone = Neuron(2, nonlin=False)
    assert [p.label for p in lone.parameters()] == ["w[0]", "w[1]", "b"]
    assert lone([1.0, 2.0]).data == pytest.approx(lone.w[0].data + 2 * lone.w[1].data)


def check_tree(doc) -> None:
    """Each node is in one innermost group or none; the groups form a tree."""
    groups = doc.groups
    members = [i for g in groups for i in g.members]
    assert len(members) == len(set(members))
    for node in doc.nodes:
        owner = [g.id for g in groups if node.id in g.members]
        assert owner == ([node.group] if node.group is not None else [])
    for g in groups:
        assert g.parent is None or g.parent < g.id   # parents come first: no cycle
        assert set(g.inputs).isdisjoint(g.members)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(2, 3), min_size=1, max_size=3), st.integers(1, 3))   # micrograd: a 1-neuron layer returns a Value
def test_an_mlp_document_has_a_tree_of_groups(hidden, nin):
    random.seed(1)
    model = MLP(nin, hidden + [1])
    loss = (model([0.5] * nin) - 1.0) ** 2
    doc = build_document(loss)
    check_tree(doc)
    labels = [g.label for g in doc.groups]
    assert labels[0] == "MLP" and "layer 0" in labels and "neuron 0.0" in labels
    neuron = next(g for g in doc.groups if g.label == "neuron 0.0")
    names = {doc.nodes[i].label for i in neuron.members}
    assert {f"w[0][0][{i}]" for i in range(nin)} | {"b[0][0]"} <= names
    assert len(neuron.outputs) == 1 and doc.nodes[neuron.outputs[0]].op == "relu"


def test_nested_groups_from_python():
    w, x = Value(0.5, label="w"), Value(2.0, label="x", requires_grad=False)
    with group("outer"):
        with group("inner"):
            h = (w * x).tanh()
        out = h * 3
    doc = build_document(out + 1)
    check_tree(doc)
    outer, inner = doc.groups
    assert (outer.label, inner.label, inner.parent) == ("outer", "inner", outer.id)
    assert doc.nodes[doc.output].group is None       # made outside any group


def test_a_named_intermediate_is_a_group_of_what_only_it_uses():
    source = "h1 = tanh(a1*x + c1)\nh2 = tanh(a2*x + c2)\nl = (h1 + h2 - y)^2"
    doc = document_of_parsed(parse(source, {"a1": 1, "c1": 0, "a2": 2, "c2": 1, "x": 0.5,
                                            "y": 1}, data=["x", "y"]))
    check_tree(doc)
    h1 = next(g for g in doc.groups if g.label == "h1")
    assert {doc.nodes[i].label for i in h1.members} >= {"a1", "c1", "h1"}
    assert "x" not in {doc.nodes[i].label for i in h1.members}   # used by h2 too
    assert [doc.nodes[i].label for i in h1.outputs] == ["h1"]
