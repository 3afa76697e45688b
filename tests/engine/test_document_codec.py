"""Version 3 documents leave out what one rule derives (engine/schema.py):
engine/document_codec.py and the page's static/js/document_codec.js derive
it alike (Node runs the page's own module on the same documents), and what
they derive is what the engine recorded: the steps' order, numbers and
texts of the recorded passes."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from page_module import run_page_module
from random_expressions import NAMES, expressions
from random_graphs import fanned_out_graphs, value_graphs

from engine import Value, build_document, nn, parse
from engine.document import document_of_parsed
from engine.document_codec import expand
from engine.examples import load_examples
from engine.schema import Document, decode_number
from engine.trace import record

SOURCES = [
    "w = 0.5\nb = 2\nx = 0.5\nystar = 1\nl = (exp(w*x + b) - ystar)^2",
    "x = 1.5\ny = x*x*x + x^-1 + x**0.5 + 2**x - x/3 + (-x)",
    "x = -1\ny = log(x) + sqrt(x) + exp(1000*x) + abs(x - 2) + relu(-x) + exp(-1000*x)",
    "x = 0.3\ny = sin(x)*cos(x) + tan(x) + tanh(x)*sigmoid(x) + x**2.0000001 + x**12",
    "x = 0.25\nw = -2\nh = x*w + 1e-7\nh*h + 3e9*x",
    "x = 1\ny = 2*3 + 4*x",                                   # x is data: no backward pass
]


def documents():
    for source in SOURCES:
        yield document_of_parsed(parse(source, data=["x"] if "2*3" in source else None),
                                 labels={"ystar": "y*"})
    for example in load_examples().values():
        yield example.document()
    model = nn.MLP(2, [4, 3, 1])
    yield build_document(model([Value(0.5), Value(-1.0)]))


def js_decode(docs: list[str]) -> list[dict]:
    return run_page_module("document_codec.js", "decodeDocument", "input.map(decodeDocument)",
                           "[" + ",".join(docs) + "]")


def test_the_page_and_python_derive_the_same_full_document():
    docs = [d.to_json() for d in documents()]
    assert all(json.loads(d)["version"] == 3 for d in docs)
    for sent, decoded in zip(docs, js_decode(docs)):
        assert decoded == expand(json.loads(sent))


def random_source(body: str, point: tuple[float, ...], shared: bool) -> str:
    values = "\n".join(f"{name} = {x!r}" for name, x in zip(NAMES, point))
    return f"{values}\nh = {body}\nh * h + a" if shared else f"{values}\n{body} + a"


POINT = st.tuples(*[st.floats(-3, 3) for _ in NAMES])


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases=st.lists(st.tuples(expressions(), POINT, st.booleans()), min_size=20, max_size=20))
def test_the_page_and_python_derive_random_documents_alike(cases):
    docs = [document_of_parsed(parse(random_source(*case), data=["c"])).to_json()
            for case in cases]
    for sent, decoded in zip(docs, js_decode(docs)):
        assert decoded == expand(json.loads(sent))


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(outputs=st.lists(value_graphs(groups=True), min_size=20, max_size=20))
def test_the_page_and_python_derive_random_grouped_documents_alike(outputs):
    """Nested engine.group(...)s, inf and nan: members and group steps too."""
    docs = [build_document(out).to_json() for out in outputs]
    for sent, decoded in zip(docs, js_decode(docs)):
        assert decoded == expand(json.loads(sent))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=expressions(), point=POINT, shared=st.booleans())
def test_random_documents_derive_the_recorded_passes(body, point, shared):
    check_recorded(random_source(body, point, shared))


def test_the_derived_steps_are_the_recorded_passes():
    for source in SOURCES:
        check_recorded(source)


def check_recorded(source: str):
    """The derived steps are the passes engine.trace recorded."""
    graph = parse(source)
    trace = record(graph.output)
    full = expand(json.loads(document_of_parsed(parse(source)).to_json()))
    forward = [s for s in full["steps"] if s["pass"] == "forward"]
    backward = [s for s in full["steps"] if s["pass"] == "backward"]
    assert [(s["node"], s["inputs"]) for s in forward] == \
        [(r.node, r.inputs) for r in trace.forward]
    assert [s["node"] for s in backward] == [r.node for r in trace.backward]
    for step, recorded in zip(backward, trace.backward):
        assert [(f["edge"], f["child"]) for f in step["flows"]] == \
            [(f.edge, f.child) for f in recorded.flows]
        # Bit for bit: the same floats, summed in the same order.
        assert [_bits(decode_number(f["grad_after"])) for f in step["flows"]] == \
            [_bits(f.grad_after) for f in recorded.flows]
        assert [(r["edge"], _bits(decode_number(r["contribution"]))) for r in step["received"]] == \
            [(e, _bits(c)) for e, c in recorded.received]


def _bits(x: float) -> str:
    return "nan" if math.isnan(x) else x.hex()


def test_the_course_example_reads_as_the_slides_write_it():
    full = expand(json.loads(load_examples()["simple"].document().to_json()))
    texts = [s["text"] for s in full["steps"]]
    assert "v = u + b = 0.25 + 2 = 2.25" in texts
    assert "v′ = y′·y = 16.9755 × 9.48774 = 161.059" in texts


SUMMED = {   # a node's gradient summed from four arrows, and from five
    "x = 0.5\ny = x*2 - x*3 + x*4 + x*5":
        "x′ = (x·5)′·5 + (x·4)′·4 + (x·3)′·3 + (x·2)′·2 = 1 × 5 + 1 × 4 + (−1) × 3 + 1 × 2"
        " = 5 + 4 + (−3) + 2 = 8",
    "x = 0.5\ny = x*2 - x*3 + x*4 + x*5 + x*6":
        "x′ = (x·6)′·6 + (x·5)′·5 + ⋯ 2 more ⋯ + (x·2)′·2 = 6 + 5 + ⋯ 2 more ⋯ + 2 = 14",
}


def test_a_long_sum_is_written_short_on_the_page_as_in_python():
    """Up to four arrows, every term and its numbers; more (a neuron's output
    feeds a layer of 16), the first two terms and the last around a count,
    then what each brought and the sum (each arrow's number is on the arrow).
    A negative number after the first term is in parentheses."""
    docs = [document_of_parsed(parse(source)).to_json() for source in SUMMED]
    for (source, text), sent, decoded in zip(SUMMED.items(), docs, js_decode(docs)):
        summed = [s for s in expand(json.loads(sent))["steps"] if len(s.get("received", [])) > 1]
        assert [s["text"] for s in summed] == [text], source
        assert [s["text"] for s in decoded["steps"] if len(s.get("received", [])) > 1] == [text]
    # The short form is TeX KaTeX reads: the count is text, the dots \cdots.
    texes = [s["tex"] for s in expand(json.loads(docs[1]))["steps"]]
    assert any(r"+ \cdots\ \text{2 more}\ \cdots +" in tex for tex in texes)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(outputs=st.lists(fanned_out_graphs(), min_size=10, max_size=10))
def test_the_page_and_python_write_sums_of_many_arrows_alike(outputs):
    """Nodes used up to 13 times: the page derives what Python derives, and a
    gradient summed from more than four arrows is written short, the rest not."""
    docs = [build_document(out).to_json() for out in outputs]
    for sent, decoded in zip(docs, js_decode(docs)):
        full = expand(json.loads(sent))
        assert decoded == full
        for step in full["steps"]:
            received = len(step.get("received", []))
            assert (f"⋯ {received - 3} more ⋯" in step["text"]) == (received > 4), step["text"]


def test_a_version_3_document_reads_back_as_it_was_sent():
    for document in documents():
        sent = document.to_json()
        again = Document.model_validate_json(sent)
        assert again.to_json() == sent
        full = expand(json.loads(sent))
        assert again.pass_length("forward") == sum(s["pass"] == "forward" for s in full["steps"])
        assert again.pass_length("backward") == sum(s["pass"] == "backward" for s in full["steps"])


def test_python_reads_the_nodes_and_edges_of_version_3_as_version_2_wrote_them():
    """A Document object has every node and edge field (engine.check and
    notebooks read them), though its JSON leaves them out."""
    for document in documents():
        full = expand(json.loads(document.to_json()))
        for node, expanded in zip(document.nodes, full["nodes"]):
            assert {k: getattr(node, k) for k in expanded if k not in ("check", "value", "grad")} \
                == {k: v for k, v in expanded.items() if k not in ("check", "value", "grad")}
        for edge, expanded in zip(document.edges, full["edges"]):
            assert {k: getattr(edge, k) for k in expanded if k != "local_grad"} == \
                {k: v for k, v in expanded.items() if k != "local_grad"}


def _simple() -> dict:
    return json.loads(load_examples()["simple"].document().to_json())


def _broken_edge(doc):
    doc["edges"][0]["target"] = len(doc["nodes"])


def _no_template(doc):
    doc["written"].pop("*")


def _no_contribution(doc):
    doc["edges"][0].pop("contribution")


def _other_placeholder(doc):
    doc["written"]["*"]["text"] = "$A·$k"


@pytest.mark.parametrize("spoil,message", [
    (_broken_edge, "edge 0 joins"),
    (_no_template, "no `written` template"),
    (_no_contribution, "has no contribution"),
    (_other_placeholder, "names only its operands"),
])
def test_a_version_3_document_the_rules_cannot_read_is_refused(spoil, message):
    doc = _simple()
    spoil(doc)
    with pytest.raises(ValueError, match=message):
        Document.model_validate(doc)
