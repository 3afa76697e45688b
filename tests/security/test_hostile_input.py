"""Hostile input through the API: each kind refused cleanly or computed
safely, never a 500, and the security headers on every response."""

import json

import pytest

ATTACKS = [
    "__import__('os').system('id')",
    "exp.__globals__",
    "().__class__.__bases__[0].__subclasses__()",
    "__builtins__",
    "lambda: 0",
    "f'{__import__(\"os\")}'",
    "[x for x in range(10**9)]",
    "open('/etc/passwd')",
    "x.__dict__",
    "import os",
    "globals()",
    "exp(x)(1)",
]


def strict(text):
    def refuse(token):
        raise AssertionError(token)
    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("source", ATTACKS)
def test_code_execution_attempts_are_refused_with_a_position(client, source):
    response = client.post("/api/graph", json={"source": source, "values": {"x": 1}})
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert detail["line"] >= 1 and detail["column"] >= 1 and detail["message"]


@pytest.mark.parametrize("source,value", [
    ("9**9**9", "Infinity"),
    ("1e308*10", "Infinity"),
    ("-1e308*10", "-Infinity"),
    ("exp(1e10)", "Infinity"),
    ("log(0)", "-Infinity"),
    ("sqrt(-1)", "NaN"),
    ("1" + "0" * 1000, "Infinity"),
    ("(0 - 8)^(1/3)", "NaN"),
])
def test_huge_and_undefined_numbers_are_computed_as_strict_json(client, source, value):
    response = client.post("/api/graph", json={"source": source})
    assert response.status_code == 200
    doc = strict(response.text)
    assert doc["value"] == value and doc["nodes"][doc["output"]]["warnings"]


@pytest.mark.parametrize("source,message", [
    ("(" * 250 + "x" + ")" * 250, "too many nested parentheses"),
    ("- " * 300 + "x", "nested too deeply"),
    ("x + " * 6000 + "x", "characters long"),
    ("+".join(["x"] * 15000), "characters long"),
])
def test_deep_and_long_sources_are_refused(client, source, message):
    response = client.post("/api/graph", json={"source": source, "values": {"x": 1}})
    assert response.status_code == 422 and message in response.json()["detail"]["message"]


def test_a_body_over_the_limit_is_413_not_memory(client):
    response = client.post("/api/graph", content=b'{"source": "' + b"x" * 6_000_000 + b'"}',
                           headers={"content-type": "application/json"})
    assert response.status_code == 413


@pytest.mark.parametrize("raw", ['{"source": "x", "values": {"x": NaN}}',
                                 '{"source": "x", "values": {"x": Infinity}}',
                                 '{"source": "x", "values": {"x": -1e999}}'])
def test_non_finite_input_values_are_refused(client, raw):
    response = client.post("/api/graph", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422


def test_unicode_names_work(client):
    response = client.post("/api/graph", json={"source": "ŷ = wé*x\nℓ = (ŷ - 1)^2",
                                               "values": {"wé": 2, "x": 3}})
    assert response.status_code == 200
    labels = [n["label"] for n in response.json()["nodes"]]
    assert "ŷ" in labels and "wé" in labels


@pytest.mark.parametrize("path", ["/api/examples", "/api/examples/simple", "/healthz",
                                  "/api/examples/nope", "/openapi.json", "/"])
def test_security_headers_on_every_response(client, path):
    headers = client.get(path).headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1] \
        .split(";")[0]
    assert "frame-ancestors 'self'" in csp and headers["x-frame-options"] == "SAMEORIGIN"
