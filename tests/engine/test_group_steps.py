"""A collapsed group as one step (engine/group_steps.py): what leaves on each
input is the engine's gradient, split over the groups that use it, to 1e-12;
the chain rule through a group is written as on the slides. Version 3
documents leave the steps (and members) out: they are read here as
`as_version_2` derives them (engine/document_codec.py)."""

from __future__ import annotations

import json
import random

import pytest

from engine import build_document, document_of_parsed, parse
from engine.nn import MLP
from engine.grouping import group_graph
from engine.schema import Document
from engine.trace import record
from engine.value import Value

TOLERANCE = 1e-12


def mlp_document(sizes=(3, 2, 1), seed=5):
    random.seed(seed)
    model = MLP(2, list(sizes))
    xs = [Value(0.5, label="x0"), Value(-1.5, label="x1")]
    loss = (model(xs) - 1.0) ** 2
    doc = build_document(loss).as_version_2()
    loss.backward()   # the engine's own gradients, on the Values themselves
    return doc, model, xs


def by_label(doc, label):
    return next(g for g in doc.groups if g.label == label)


def flows_to(group, node):
    return [f for f in group.steps.flows if f.child == node]


def test_a_neurons_parameters_get_their_engine_gradients():
    doc, model, _ = mlp_document()
    label = {n.label: n.id for n in doc.nodes}
    for k, layer in enumerate(model.layers):
        for j, neuron in enumerate(layer.neurons):
            group = by_label(doc, f"neuron {k}.{j}")
            for i, w in enumerate(neuron.w + [neuron.b]):
                name = f"w[{k}][{j}][{i}]" if i < len(neuron.w) else f"b[{k}][{j}]"
                (flow,) = flows_to(group, label[name])
                assert abs(flow.contribution - w.grad) <= TOLERANCE * max(1, abs(w.grad))
                assert flow.text.startswith(f"{name}′ = ")   # its one use is inside


def test_an_input_gets_its_gradient_summed_over_the_neurons_that_use_it():
    doc, model, xs = mlp_document()
    label = {n.label: n.id for n in doc.nodes}
    for x in xs:
        neurons = [g for g in doc.groups if g.label.startswith("neuron 0.")]
        parts = [f.contribution for g in neurons for f in flows_to(g, label[x.label])]
        assert len(parts) == len(neurons)
        assert abs(sum(parts) - x.grad) <= TOLERANCE * max(1, abs(x.grad))
        assert all(f.text.startswith(f"{x.label}′ += ") for g in neurons for f in flows_to(g, label[x.label]))
    # A hidden neuron's output, into the next layer: its gradient, in parts.
    for j in range(3):
        out = by_label(doc, f"neuron 0.{j}").outputs[0]
        parts = [f.contribution for g in doc.groups if g.label.startswith("neuron 1.")
                 for f in flows_to(g, out)]
        assert abs(sum(parts) - doc.nodes[out].grad) <= TOLERANCE * max(1, abs(doc.nodes[out].grad))


def test_a_layer_with_several_outputs_steps_as_one():
    doc, model, _ = mlp_document()
    layer = by_label(doc, "layer 0")
    assert len(layer.outputs) == 3
    label = {n.label: n.id for n in doc.nodes}
    for j, neuron in enumerate(model.layers[0].neurons):
        (flow,) = flows_to(layer, label[f"b[0][{j}]"])
        assert abs(flow.contribution - neuron.b.grad) <= TOLERANCE * max(1, abs(neuron.b.grad))


def test_the_chain_rule_through_a_named_intermediate_reads_as_on_the_slides():
    doc = document_of_parsed(parse("h3 = tanh(a3*x + c3)\no = v3*h3 + b",
                                   {"a3": 0.5, "x": 2, "c3": -0.3, "v3": 1.5, "b": 0.1})
                             ).as_version_2()
    h3, o = by_label(doc, "h3"), by_label(doc, "o")
    node = {n.label: n for n in doc.nodes}
    assert h3.steps.forward_text == "a3 = 0.5, x = 2, c3 = −0.3 ↦ h3 = tanh(a3·x + c3) = 0.604368"
    text = {doc.nodes[f.child].label: f.text for f in h3.steps.flows}
    assert text["a3"].startswith("a3′ = h3′·(1 − h3²)·x = 1.5 × 0.63474 × 2 = ")
    assert text["c3"].startswith("c3′ = h3′·(1 − h3²) = ")
    for f in h3.steps.flows + o.steps.flows:
        grad = doc.nodes[f.child].grad
        if doc.nodes[f.child].kind != "op":
            assert abs(f.contribution - grad) <= TOLERANCE
    (into_o,) = flows_to(o, node["h3"].id)
    assert into_o.text == "h3′ = o′·v3 = 1 × 1.5 = 1.5"
    assert "\\cdot" in into_o.tex


def test_version_3_leaves_group_steps_and_members_out_and_reading_derives_them():
    random.seed(5)
    model = MLP(2, [2, 1])
    loss = (model([Value(0.5, label="x0"), Value(-1.5, label="x1")]) - 1.0) ** 2
    doc = build_document(loss)
    sent = json.loads(doc.to_json())
    assert sent["groups"] and all("steps" not in g and "members" not in g for g in sent["groups"])
    again = Document.model_validate_json(doc.to_json())
    assert again.to_json() == doc.to_json()
    assert [g.members for g in again.groups] == [g.members for g in doc.groups]
    # The rules on a Document (with_group_steps) and on its JSON (expand) agree exactly.
    reference = again.model_copy(deep=True).with_group_steps()
    derived = again.as_version_2()
    assert [g.steps for g in derived.groups] == [g.steps for g in reference.groups]
    assert all(g.steps.flows for g in derived.groups)
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    plain = build_document(a * b + a)
    assert plain.groups == [] and '"steps": {' not in plain.to_json()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_flow_is_the_sum_of_member_gradient_times_local_derivative(seed):
    doc, _, _ = mlp_document((4, 3, 1), seed)
    inside = {g.id: set(g.members) for g in doc.groups}
    for g in reversed(doc.groups):
        if g.parent is not None:
            inside[g.parent] |= inside[g.id]
    for g in doc.groups:
        for f in g.steps.flows:
            edges = [e for e in doc.edges if e.source == f.child and e.target in inside[g.id]]
            expected = sum(doc.nodes[e.target].grad * e.local_grad for e in edges)
            assert abs(f.contribution - expected) <= TOLERANCE * max(1, abs(expected))


@pytest.mark.parametrize("sizes", [(3, 2, 1), (4, 4, 1)])
def test_members_read_from_the_nodes_are_the_groupings(sizes):
    """Version 3 leaves members out: each node's innermost `group` gives them."""
    random.seed(11)
    model = MLP(2, list(sizes))
    loss = (model([Value(0.5), Value(-1.5)]) - 1.0) ** 2
    trace = record(loss)
    _, records = group_graph(trace.nodes, [(e.child, e.parent) for e in trace.edges])
    doc = build_document(loss)
    assert [g.members for g in doc.groups] == [r.members for r in records]
