"""The graph document: strict JSON, deterministic, the recorded passes equal
backward()'s numbers, warnings on non-finite values, and the layout."""

import json
import math
import random
import time

import pytest

from engine import Document, Value, build_document, load_examples, parse, record, to_networkx
from engine.document import document_of_parsed
from engine.layout import Layout, count_crossings

EXAMPLES = load_examples()


def strict_loads(text: str):
    def refuse(token):
        raise ValueError(f"non-strict JSON token {token}")
    return json.loads(text, parse_constant=refuse)


def example_document(slug: str) -> Document:
    return EXAMPLES[slug].document()


def test_simple_document_shows_the_slides():
    doc = example_document("simple")
    labels = [n.label for n in doc.nodes]
    assert labels == ["w", "x", "b", "y*", "u", "v", "y", "y − y*", "ℓ"]
    assert doc.value == pytest.approx(72.04165962780478, rel=1e-15)
    assert doc.gradients == {"w": 80.5293954641633, "b": 161.0587909283266}
    forward = [s.text for s in doc.steps if s.pass_ == "forward"]
    assert forward[:2] == ["u = w·x = 0.5·0.5 = 0.25", "v = u + b = 0.25 + 2 = 2.25"]
    assert forward[-1] == "ℓ = (y − y*)² = 8.48774² = 72.0417"
    backward = [s for s in doc.steps if s.pass_ == "backward"]
    assert backward[0].text == "ℓ′ = 1"
    assert [doc.nodes[s.node].label for s in backward] == ["ℓ", "y − y*", "y", "v", "u", "b", "w"]
    local = {(doc.nodes[e.source].label, doc.nodes[e.target].label): e.local_grad_expr
             for e in doc.edges}
    assert local[("w", "u")] == "x" and local[("u", "v")] == "1" and local[("v", "y")] == "y"
    assert [n.kind for n in doc.nodes[:4]] == ["parameter", "data", "parameter", "data"]


def test_challenge_2_writes_minus_sin_on_the_cos_edge():
    doc = example_document("challenge-2")
    edge = next(e for e in doc.edges if doc.nodes[e.target].label == "t")
    assert edge.local_grad_expr == "−sin s"
    assert edge.local_grad_tex == r"-\sin s"


def test_recorded_gradients_equal_backward_to_the_last_bit():
    x, w = Value(0.7, label="x"), Value(-1.3, label="w")
    h = (w * x).tanh()
    out = h * h + (h * w).sin() / (x + 2) + w ** 3
    trace = record(out)
    out.backward()
    for i, node in enumerate(trace.nodes):
        if node.requires_grad:
            assert trace.gradients[i] == node.grad  # exact, not approx
    final = {}
    for step in trace.backward:
        for flow in step.flows:
            final[flow.child] = flow.grad_after
    assert final[trace.nodes.index(w)] == w.grad


def test_fan_out_node_receives_both_contributions():
    doc = document_of_parsed(parse("h = x*x\nh + x", {"x": 3.0}))
    step = next(s for s in doc.steps if s.pass_ == "backward" and doc.nodes[s.node].label == "x")
    assert len(step.received) == 3  # twice from h = x·x, once from h + x
    assert sum(r.contribution for r in step.received) == step.grad == 7.0
    # In the order they arrive: from the output's op first, then from h.
    assert step.text == "x′ = (h + x)′·1 + h′·x + h′·x = 1 × 1 + 1 × 3 + 1 × 3 = 1 + 3 + 3 = 7"


def test_strict_json_round_trip_with_non_finite_values():
    doc = document_of_parsed(parse("a = exp(1000*x)\nb = log(-x)\na + b", {"x": 1.0}))
    text = doc.to_json()
    data = strict_loads(text)
    node_values = {n["label"]: n["value"] for n in data["nodes"]}
    assert node_values["a"] == "Infinity" and node_values["b"] == "NaN"
    assert any("overflow" in w for w in data["nodes"][-1]["warnings"] + data["warnings"])
    b = next(n for n in data["nodes"] if n["label"] == "b")
    assert b["warnings"] == ["undefined (nan): log of a negative number is undefined"]
    again = Document.model_validate_json(text)
    assert math.isnan(again.value) and again.nodes[0].value == 1.0
    assert again.to_json() == text  # nan != nan, so compare the JSON


@pytest.mark.parametrize("slug", list(EXAMPLES))
def test_examples_are_deterministic_and_round_trip(slug):
    first, second = example_document(slug).to_json(), example_document(slug).to_json()
    assert first == second
    assert Document.model_validate_json(first).to_json() == first


# The slides' graphs and the neuron; a layer feeds each input to every neuron
# (and an MLP each neuron to the next layer's), where arrows must cross.
SLIDES = ["simple", "add-bias", "practical", "challenge-1", "challenge-2", "linear-regression",
          "challenge-2-solution", "neuron"]


@pytest.mark.parametrize("slug", SLIDES)
def test_course_examples_have_no_crossing_edges(slug):
    doc = example_document(slug)
    edges = [(e.source, e.target) for e in doc.edges]
    lay = Layout([n.x for n in doc.nodes], [n.y for n in doc.nodes], doc.width, doc.height,
                 {(e.source, e.target): [tuple(b) for b in e.bends] for e in doc.edges})
    assert count_crossings(lay, edges) == 0
    output = doc.nodes[doc.output]
    assert all(n.x < output.x for n in doc.nodes if n.id != doc.output)  # loss on the right
    for node in doc.nodes:
        if node.kind == "parameter":  # parameters enter from above the op they feed
            target = doc.nodes[next(e.target for e in doc.edges if e.source == node.id)]
            assert node.y < target.y


def test_crossing_counter_sees_a_crossing():
    lay = Layout([0, 0, 100, 100], [0, 100, 0, 100], 100, 100)
    assert count_crossings(lay, [(0, 3), (1, 2)]) == 1
    assert count_crossings(lay, [(0, 2), (1, 3)]) == 0


def test_layout_of_2000_nodes_is_quick_and_inside_the_canvas():
    rng = random.Random(7)
    nodes = [Value(rng.random(), label=f"x{i}") for i in range(40)]
    while len(nodes) < 2000:
        a, b = rng.sample(nodes[-50:], 2)
        nodes.append(rng.choice([a * b, a + b, (a - b).tanh()]))
    start = time.perf_counter()
    doc = build_document(nodes[-1])
    elapsed = time.perf_counter() - start
    assert len(doc.nodes) >= 1000
    assert all(0 <= n.x <= doc.width and 0 <= n.y <= doc.height for n in doc.nodes)
    # Not a timing assertion (machines are noisy): a generous sanity bound only.
    assert elapsed < 30, elapsed


def test_networkx_export_has_ops_values_grads_and_local_derivatives():
    graph = to_networkx(parse("h = x*x\nh + w", {"x": 3.0, "w": 1.0}).output)
    x = next(n for n, d in graph.nodes(data=True) if d["label"] == "x")
    h = next(n for n, d in graph.nodes(data=True) if d["label"] == "h")
    assert graph.edges[x, h]["local_grad"] == 6.0 and graph.edges[x, h]["indices"] == [0, 1]
    assert graph.nodes[x]["grad"] == 6.0 and graph.nodes[h]["op"] == "*"
    assert graph.nodes[graph.graph["output"]]["value"] == 10.0


def test_document_of_a_micrograd_style_graph():
    a = Value(2.0, label="a")
    b = Value(-3.0)
    out = (a * b + 1).relu() + a.exp()
    doc = build_document(out)
    assert doc.gradients["a"] == pytest.approx(math.exp(2.0))
    # The unlabelled parameter gets a short automatic name, never an internal id.
    assert [n.label for n in doc.nodes if n.kind == "parameter"] == ["a", "p1"]
    assert doc.gradients["p1"] == 0.0  # relu(a·p1 + 1) = relu(−5): no gradient flows
    assert any(n.kind == "constant" and n.label == "1" for n in doc.nodes)
