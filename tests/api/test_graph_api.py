"""POST /api/graph and the examples API: documents, and one error shape."""

import json
import math

import pytest

from app.config import Settings
from engine import load_examples
from engine.document_codec import expand

SIMPLE = "u = w*x\nv = u + b\ny = exp(v)\nl = (y - ystar)^2"
SIMPLE_VALUES = {"w": 0.5, "b": 2, "x": 0.5, "ystar": 1}


def strict(text: str):
    def refuse(token):
        raise AssertionError(f"non-strict JSON token {token}")
    return json.loads(text, parse_constant=refuse)


def test_graph_answers_value_gradients_nodes_edges_steps(client):
    response = client.post("/api/graph", json={"source": SIMPLE, "values": SIMPLE_VALUES})
    assert response.status_code == 200
    doc = strict(response.text)
    assert doc["version"] == 3   # 3: what a rule derives is left out
    assert doc["value"] == pytest.approx((math.exp(2.25) - 1) ** 2, rel=1e-15)
    # Every input requires a gradient unless marked as data.
    assert set(doc["gradients"]) == {"w", "x", "b", "ystar"}
    assert doc["gradients"]["w"] == pytest.approx(80.5293954641633, rel=1e-15)
    assert len(doc["nodes"]) == 9 and len(doc["edges"]) == 8
    passes = [s["pass"] for s in expand(doc)["steps"]]
    assert passes == ["forward"] * 5 + ["backward"] * 9


def test_data_inputs_get_no_gradient(client):
    response = client.post("/api/graph", json={"source": SIMPLE, "values": SIMPLE_VALUES,
                                               "data": ["x", "ystar"]})
    doc = response.json()
    assert set(doc["gradients"]) == {"w", "b"}
    assert [n["kind"] for n in doc["nodes"][:4]] == ["parameter", "data", "parameter", "data"]


def test_labels_and_title_reach_the_document(client):
    doc = client.post("/api/graph", json={"source": SIMPLE, "values": SIMPLE_VALUES,
                                          "labels": {"l": "ℓ"}, "title": "mine"}).json()
    assert doc["title"] == "mine" and doc["nodes"][-1]["label"] == "ℓ"


def test_non_finite_values_are_strings_in_strict_json(client):
    response = client.post("/api/graph", json={"source": "exp(1000*x) + log(-x)",
                                               "values": {"x": 1}})
    doc = strict(response.text)
    assert doc["value"] == "NaN"
    assert doc["gradients"]["x"] in ("NaN", "Infinity", "-Infinity")
    assert doc["warnings"]


@pytest.mark.parametrize("body,message,line,column", [
    ({"source": "x +", "values": {"x": 1}}, "syntax error: invalid syntax", 1, 4),
    ({"source": "u = w*x\nv = foo(u)", "values": {"w": 1, "x": 2}},
     "unknown function 'foo'", 2, 5),
    ({"source": "x.__class__", "values": {"x": 1}}, "attribute access", 1, 1),
    ({"source": "y = 2*q"}, "'q' has no value", 1, 7),
    ({"source": "x*2", "values": {"x": 1, "z": 2}}, "does not use", 0, 0),
    ({"source": "x*2", "values": {"x": 1}, "data": ["q"]}, "marked as data", 0, 0),
])
def test_bad_sources_answer_422_with_message_line_and_column(client, body, message, line,
                                                               column):
    response = client.post("/api/graph", json=body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert set(detail) == {"message", "line", "column"}
    assert message in detail["message"]
    assert (detail["line"], detail["column"]) == (line, column)


@pytest.mark.parametrize("body,message", [
    ({}, "source: Field required"),
    ({"source": 3}, "source: Input should be a valid string"),
    ({"source": "x", "values": {"x": "a lot"}}, "values.x"),
    ('{"source": "x", "values": {"x": 1e400}}', "must be a finite number"),
    ('{"source": "x", "values": {"x": NaN}}', "must be a finite number"),
    ('{"source": "x", "values": {"x": "Infinity"}}', "must be a finite number"),
])
def test_malformed_requests_answer_the_same_error_shape(client, body, message):
    if isinstance(body, str):  # JSON that json.dumps would not write
        response = client.post("/api/graph", content=body.encode(),
                               headers={"content-type": "application/json"})
    else:
        response = client.post("/api/graph", json=body)
    assert response.status_code == 422
    assert response.json()["detail"]["line"] == 0
    assert message in response.json()["detail"]["message"]


def test_invalid_json_body(client):
    response = client.post("/api/graph", content=b"{not json",
                           headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"]["line"] == 0


def test_limits_come_from_the_settings():
    from fastapi.testclient import TestClient
    from app.main import create_app
    with TestClient(create_app(Settings(max_nodes=10))) as small:
        response = small.post("/api/graph", json={"source": "+".join(["x"] * 20),
                                                  "values": {"x": 1}})
    assert response.status_code == 422
    assert "more than 10 nodes" in response.json()["detail"]["message"]


def test_examples_list_in_course_order(client):
    listed = client.get("/api/examples").json()
    assert [e["slug"] for e in listed] == ["simple", "add-bias", "practical", "challenge-1",
                                          "challenge-2", "linear-regression",
                                          "challenge-2-solution", "neuron", "layer",
                                          "moons-mlp"]
    assert listed[0]["values"] == {"w": 0.5, "b": 2.0, "x": 0.5, "ystar": 1.0}
    assert listed[0]["data"] == ["x", "ystar"]


@pytest.mark.parametrize("slug", list(load_examples()))
def test_every_example_document_equals_posting_its_source(client, slug):
    listed = {e["slug"]: e for e in client.get("/api/examples").json()}[slug]
    by_slug = client.get(f"/api/examples/{slug}")
    assert by_slug.status_code == 200
    posted = client.post("/api/graph", json={
        "source": listed["source"], "values": listed["values"], "data": listed["data"],
        "labels": listed["labels"], "title": listed["title"]})
    assert strict(by_slug.text) == strict(posted.text)


def test_unknown_example_is_a_404_with_the_error_shape(client):
    response = client.get("/api/examples/nope")
    assert response.status_code == 404
    assert response.json() == {"detail": {"message": "no example named 'nope'",
                                          "line": 0, "column": 0}}


def test_healthz_and_openapi(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/graph", "/api/examples", "/api/examples/{slug}", "/healthz"} <= set(paths)


def test_security_headers_on_api_responses(client):
    response = client.get("/api/examples")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
