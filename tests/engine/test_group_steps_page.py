"""The page derives each group's steps (static/js/group_steps.js, called by
decodeDocument) as engine/group_steps.py writes them on the engine's own
Document: texts exactly, contributions to 1e-12 relative, on micrograd's
MLPs (engine.nn), the course's neuron, layer and moons-mlp examples and an
expression with named intermediates (one overflowing). Node runs the page's own module."""

from __future__ import annotations

import json
import math
import random

from page_module import run_page_module

from engine import Value, build_document, document_of_parsed, parse
from engine.examples import load_examples
from engine.nn import MLP
from engine.schema import decode_number

TOLERANCE = 1e-12   # relative, on each flow's contribution


def mlp(sizes: list[int], seed: int, loss: bool = True):
    """As tests/js/group_fixtures.py and tests/js/fixtures.py make them."""
    random.seed(seed)
    model = MLP(2, sizes)
    out = model([Value(0.5, label="x0"), Value(-1.5, label="x1")])
    return build_document((out - 1.0) ** 2 if loss else out)


def documents() -> dict:
    examples = load_examples()
    return {
        "mlp-16-16-1": mlp([16, 16, 1], 1),
        "mlp-3-2-1": mlp([3, 2, 1], 2),
        "mlp-2-4-4-1": mlp([4, 4, 1], 3, loss=False),
        **{slug: examples[slug].document() for slug in ("neuron", "layer", "moons-mlp",
                                                        "challenge-2")},
        "named": document_of_parsed(parse(
            "h3 = tanh(a3*x + c3)\nh4 = relu(a4*x - c3)\ns = h3*h4 + h3\no = v3*s + b",
            {"a3": 0.5, "x": 2, "c3": -0.3, "a4": -1.5, "v3": 1.5, "b": 0.1})),
        # inf and nan going through a group: Python's `grad or 0.0` keeps a nan
        "overflow": document_of_parsed(parse("h = exp(w*x)\nk = h*log(x)\nl = k*k - h",
                                             {"w": 1000, "x": -1})),
    }


def page_group_steps(sent: list[str]) -> list[list[dict]]:
    """Each document's groups' steps as the page decodes them."""
    return run_page_module("document_codec.js", "decodeDocument",
                           "input.map((d) => decodeDocument(d).groups.map((g) => g.steps))",
                           "[" + ",".join(sent) + "]")


def close(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= TOLERANCE * max(abs(a), abs(b))


def test_the_page_derives_the_group_steps_the_engine_writes():
    built = documents()
    sent = {name: doc.to_json() for name, doc in built.items()}
    for name, text in sent.items():
        groups = json.loads(text).get("groups", [])
        assert groups, f"{name} has no groups"
        assert all("steps" not in g and "members" not in g for g in groups), name
    for (name, doc), page in zip(built.items(), page_group_steps(list(sent.values()))):
        reference = doc.with_group_steps()   # the Python rule on the engine's Document
        assert len(page) == len(reference.groups), name
        for group, steps in zip(reference.groups, page):
            where = f"{name}, group {group.id} ({group.label})"
            assert steps["forward_text"] == group.steps.forward_text, where
            assert steps["forward_tex"] == group.steps.forward_tex, where
            assert [f["child"] for f in steps["flows"]] == [f.child for f in group.steps.flows], where
            for flow, expected in zip(steps["flows"], group.steps.flows):
                assert (flow["text"], flow["tex"]) == (expected.text, expected.tex), where
                assert close(decode_number(flow["contribution"]), expected.contribution), where


def test_the_fixtures_write_chains_through_groups_and_sums_over_edges():
    """The parity above covers both forms of a flow and counted inputs."""
    texts = [f.text for doc in documents().values() for g in doc.with_group_steps().groups
             for f in g.steps.flows]
    forwards = [g.steps.forward_text for g in documents()["mlp-16-16-1"].with_group_steps().groups]
    assert any(" × " in t for t in texts)              # one path: its numbers written out
    assert any(t.count("·") > 1 and " + " in t for t in texts)   # several paths or edges
    assert any(" += " in t for t in texts)             # an input used outside too
    assert any("values)" in t for t in forwards)       # more than MAX_GIVEN values going in
