"""Forward mode beside reverse mode (issue 14): the tangent pass of a seed
equals the reverse-mode gradient to 1e-12 on random expressions, its steps
are one per op node in forward order with the slides' text, and every
consumer of documents accepts one that carries it."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import build_document, load_examples, parse
from engine.notation import format_number
from engine.schema import Document
from engine.tangent import TangentError
from random_expressions import NAMES, expressions

EXAMPLES = load_examples()


def tangent_steps(document):
    return [s for s in document.as_version_2().steps if s.pass_ == "tangent"]


def close(a: float, b: float) -> bool:
    """The issue's bound: 1e-12, relative to max(1, |b|)."""
    return abs(a - b) <= 1e-12 * max(1.0, abs(b))


def test_the_slides_example_reads_as_the_product_rule():
    example = EXAMPLES["simple"]
    document = build_document(example.parse().output, labels=example.labels,
                              tangent={"w": 1})
    assert [s.text for s in tangent_steps(document)] == [
        "u̇ = ẇ·x + w·ẋ = 1 × 0.5 + 0.5 × 0 = 0.5",
        "v̇ = u̇·1 + 1·ḃ = 0.5 × 1 + 1 × 0 = 0.5",
        "ẏ = v̇·y = 0.5 × 9.48774 = 4.74387",
        "(y − y*)˙ = ẏ·1 + (−1)·ẏ* = 4.74387 × 1 + (−1) × 0 = 4.74387",
        "ℓ̇ = (y − y*)˙·(2(y − y*)) = 4.74387 × 16.9755 = 80.5294"]
    assert tangent_steps(document)[0].tex == (
        r"\dot{u} = \dot{w} \cdot x + w \cdot \dot{x} = 1 \times 0.5 + 0.5 \times 0 = 0.5")
    assert document.tangent == document.gradients["w"]
    assert document.tangent_seed == {"w": 1.0, "x": 0.0, "b": 0.0, "ystar": 0.0}


@pytest.mark.parametrize("slug", list(EXAMPLES))
def test_one_step_per_op_node_in_forward_order(slug):
    example = EXAMPLES[slug]
    first = next(n for n in example.parse().inputs)
    document = build_document(example.parse().output, labels=example.labels,
                              tangent={first: 1})
    forward = [s for s in document.as_version_2().steps if s.pass_ == "forward"]
    tangents = tangent_steps(document)
    assert [s.node for s in tangents] == [s.node for s in forward]
    assert [s.index for s in tangents] == list(range(len(forward)))
    assert document.as_version_2().steps[-len(tangents):] == tangents  # after both other passes
    assert tangents[-1].tangent == document.tangent
    for step in tangents:  # ṅ = terms in names = terms in numbers = the tangent
        assert step.text.endswith(f" = {format_number(step.tangent)}"), step.text
        assert len(step.text.split(" = ")) == 4 or step.text.endswith(" = 0"), step.text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions(), st.lists(st.floats(-2, 2), min_size=3, max_size=3))
def test_each_input_s_tangent_is_its_reverse_mode_gradient(body, direction):
    used = [n for n in NAMES if re.search(rf"\b{n}\b", body)]
    values = {n: 0.3 + 0.2 * i for i, n in enumerate(used)}
    gradients = build_document(parse(body, values).output).gradients
    for name in used:
        seeded = build_document(parse(body, values).output, tangent={name: 1.0})
        assert close(seeded.tangent, gradients[name]), (body, name)
    # any direction: the directional derivative ∑ seed · gradient
    seed = dict(zip(used, direction))
    mixed = build_document(parse(body, values).output, tangent=seed).tangent
    expected = sum(seed[n] * gradients[n] for n in used)
    scale = max(1.0, sum(abs(seed[n] * gradients[n]) for n in used))
    assert abs(mixed - expected) <= 1e-12 * scale, body


def test_a_seed_that_is_not_an_input_is_refused():
    graph = parse("w = 1\nu = w*2\nl = u + w")
    with pytest.raises(TangentError, match="'u', which is not an input of the graph "
                                           r"\(its inputs: w\)"):
        build_document(graph.output, tangent={"u": 1})


def test_the_api_answers_the_tangent_pass_and_every_consumer_takes_it(client):
    body = {"source": "u = w*x\nv = u + b\ny = exp(v)\nl = (y - ystar)^2",
            "values": {"w": 0.5, "b": 2, "x": 0.5, "ystar": 1}, "data": ["x", "ystar"],
            "labels": {"ystar": "y*", "l": "ℓ"}, "tangent": {"w": 1}}
    document = client.post("/api/graph", json=body).json()
    assert document["tangent"] == document["gradients"]["w"]
    assert document["tangent_seed"] == {"w": 1.0, "x": 0.0, "b": 0.0, "ystar": 0.0}
    steps = [s for s in document["steps"] if s["pass"] == "tangent"]
    assert steps[0] == {"pass": "tangent", "index": 0, "node": 4, "tangent": 0.5,
                        "text": "u̇ = ẇ·x + w·ẋ = 1 × 0.5 + 0.5 × 0 = 0.5",
                        "tex": steps[0]["tex"]}
    plain = client.post("/api/graph", json={**body, "tangent": None}).json()
    assert "tangent" not in plain and "tangent_seed" not in plain
    assert all(s["pass"] != "tangent" for s in plain["steps"])
    # POST /api/graphs accepts its own output; the SVG, the offline HTML and
    # the page, which replay forward and backward only, still draw it
    Document.model_validate(document)
    saved = client.post("/api/graphs", json=document)
    assert saved.status_code in (200, 201), saved.text
    graph_id = saved.json()["id"]
    assert client.get(f"/api/graphs/{graph_id}").json() == document
    for frame in ("pass=forward&step=2", "pass=backward"):
        svg = client.get(f"/api/graphs/{graph_id}.svg?{frame}")
        assert svg.status_code == 200 and "<svg" in svg.text[:200]
    assert client.get(f"/api/graphs/{graph_id}.html").status_code == 200
    assert client.get(f"/graphs/{graph_id}?pass=backward&step=99").status_code == 200


def test_bad_seeds_get_the_one_error_body(client):
    unknown = client.post("/api/graph", json={"source": "w*x", "values": {"w": 1, "x": 2},
                                              "tangent": {"q": 1}})
    assert unknown.status_code == 422
    assert unknown.json()["detail"]["message"].startswith("the tangent seed gives 'q'")
    infinite = client.post("/api/graph", content='{"source": "w", "values": {"w": 1}, '
                                                 '"tangent": {"w": 1e999}}',
                           headers={"content-type": "application/json"})
    assert infinite.status_code == 422 and "finite" in infinite.json()["detail"]["message"]
