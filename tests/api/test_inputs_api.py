"""POST /api/inputs: what the expression form asks for as a source is typed."""


def test_inputs_in_order_with_the_values_the_source_gives(client):
    response = client.post("/api/inputs", json={
        "source": "u = w*x\nv = u + b\nw = 0.5\ny = exp(v)\nl = (y - ystar)^2"})
    assert response.status_code == 200
    assert response.json() == {
        "inputs": [{"name": "w", "value": 0.5, "line": 1, "column": 5},
                   {"name": "x", "value": None, "line": 1, "column": 7},
                   {"name": "b", "value": None, "line": 2, "column": 9},
                   {"name": "ystar", "value": None, "line": 5, "column": 10}],
        "intermediates": ["u", "v", "y", "l"]}


def test_a_rejected_source_answers_the_error_body(client):
    response = client.post("/api/inputs", json={"source": "u = w*\n"})
    assert response.status_code == 422
    assert response.json()["detail"]["line"] == 1


def test_static_modules_are_revalidated(client):
    response = client.get("/static/js/main.js")
    assert response.headers["cache-control"] == "no-cache"
