"""POST /api/train: the contract other parts rely on, every course run, and
the one error body."""

import json

import pytest

TRAINED = ["add-bias", "practical", "challenge-1", "challenge-2", "linear-regression",
           "challenge-2-solution"]


def strict(text: str):
    def refuse(token):
        raise AssertionError(f"non-strict JSON token {token}")
    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("slug", TRAINED)
def test_every_course_run_answers_the_contract(client, slug):
    response = client.post("/api/train", json={"example": slug, "steps": 200})
    assert response.status_code == 200
    run = strict(response.text)
    assert {"final", "final_loss", "loss", "params", "diverged"} <= set(run)
    assert set(run["final"]) == set(run["params"])
    assert len(run["loss"]) == len(run["steps"]) == len(next(iter(run["params"].values())))
    assert run["diverged"] is False and run["steps_done"] == 200


def test_add_bias_finds_b_star_5(client):
    run = client.post("/api/train", json={"example": "add-bias"}).json()
    assert run["final"]["b"] == pytest.approx(5.0, abs=1e-3)


def test_practical_recovers_w_and_b(client):
    run = client.post("/api/train", json={"example": "practical"}).json()
    assert run["final"]["w"] == pytest.approx(0.5, abs=0.05)
    assert run["final"]["b"] == pytest.approx(2.0, abs=0.05)
    assert run["fit"]["feature"] == "x" and run["fit"]["target"] == "ystar"
    assert len(run["fit"]["xs"]) == len(run["fit"]["predictions"]) == 100


def test_long_runs_are_thinned_but_keep_exact_final_values(client):
    run = client.post("/api/train", json={"example": "challenge-2-solution",
                                          "max_points": 100}).json()
    assert run["steps_done"] == 50_000
    assert len(run["loss"]) == 100 and run["steps"][1] == 500
    assert run["final"] != {k: v[-1] for k, v in run["params"].items()}


def test_overrides_order_seed_lr_params(client):
    body = {"example": "practical", "steps": 50, "order": "cyclic", "lr": 1e-3,
            "params": {"w": 0.0}}
    run = client.post("/api/train", json=body).json()
    assert run["order"] == "cyclic" and run["lr"] == 1e-3
    assert run["params"]["w"][0] == 0.0 and run["params"]["b"][0] == 1.0
    again = client.post("/api/train", json=body).json()
    assert again == run


def test_the_300_point_exercise_reports_divergence(client):
    run = strict(client.post("/api/train", json={"example": "linear-regression",
                                                 "points": 300, "steps": 400}).text)
    assert run["diverged"] is True and run["warnings"]
    assert run["final_loss"] in ("Infinity", "NaN")
    fixed = client.post("/api/train", json={"example": "linear-regression", "points": 300,
                                            "lr": 1e-3}).json()
    assert fixed["diverged"] is False


def test_step_document_and_update(client):
    run = client.post("/api/train", json={"example": "practical", "steps": 20,
                                          "document_step": 5}).json()
    doc, update = run["document"], run["update"]
    assert doc["title"] == "step 5"
    assert update["w"]["before"] == run["params"]["w"][5]
    assert update["w"]["after"] == run["params"]["w"][6]
    assert update["w"]["grad"] == pytest.approx(doc["gradients"]["w"], rel=1e-12)
    assert {n["name"]: n["value"] for n in doc["nodes"] if n["name"] == "x"}["x"] == \
        run["sample"]["x"]


def test_landscape_over_two_parameters(client):
    run = client.post("/api/train", json={
        "example": "challenge-2-solution", "steps": 10,
        "landscape": {"x": "p", "y": "w", "x_range": [-0.5, 1.5, 0.1],
                      "y_range": [-0.5, 1.5, 0.2]}}).json()
    grid = run["landscape"]
    assert len(grid["xs"]) == 20 and len(grid["ys"]) == 10
    assert len(grid["loss"]) == 10 and len(grid["loss"][0]) == 20


def test_any_expression_with_a_data_spec_or_a_csv(client):
    body = {"source": "l = (a*x + c - y)^2", "params": {"a": 0, "c": 0}, "steps": 2000,
            "lr": 0.05, "optimizer": "sgd", "order": "cyclic"}
    generated = client.post("/api/train", json={**body, "data": {
        "x": {"arange": [0, 2, 0.5]}, "y": "3*x + 1"}}).json()
    uploaded = client.post("/api/train", json={**body, "csv": "x,y\n0,1\n0.5,2.5\n1,4\n1.5,5.5\n"}
                           ).json()
    for run in (generated, uploaded):
        assert run["final"]["a"] == pytest.approx(3.0, abs=1e-6)
        assert run["final"]["c"] == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("body,message", [
    ({"example": "nope"}, "no example named 'nope'"),
    ({"example": "simple"}, "no training set-up"),
    ({"example": "practical", "params": {"q": 1}}, "'q' is not an input"),
    ({"example": "practical", "lr": 0}, "lr"),
    ({"example": "practical", "steps": 10_000_000}, "steps"),
    ({"example": "practical", "document_step": 10, "steps": 5}, "step must be 0 to 4"),
    ({"example": "practical", "landscape": {"x": "w", "y": "x", "x_range": [0, 1, 0.1],
                                            "y_range": [0, 1, 0.1]}}, "not a trained"),
    ({"example": "practical", "landscape": {"x": "w", "y": "b", "x_range": [0, 1, 0.001],
                                            "y_range": [0, 1, 0.1]}}, "at most 300"),
    ({"source": "x"}, "give the data"),
    ({"example": "practical", "source": "x"}, "either an example or a source"),
    ({"source": "(a*x - y)^2", "csv": "x,y\n1,oops\n", "params": {"a": 1}}, "not a number"),
    ({"source": "(a*x - y)^2", "data": {"x": {"arange": [0, 1, 0.1]}, "y": "foo(x)"},
      "params": {"a": 1}}, "unknown function"),
])
def test_bad_training_requests_answer_422_or_404(client, body, message):
    response = client.post("/api/train", json=body)
    assert response.status_code in (404, 422)
    assert message in response.json()["detail"]["message"]


def test_a_run_of_no_steps_answers_the_start(client):
    run = client.post("/api/train", json={"example": "practical", "steps": 0}).json()
    assert run["final"] == {"w": 1.0, "b": 1.0} and run["steps_done"] == 0
    assert run["loss"] == [] and run["fit"]["predictions"]
    started = client.post("/api/train", json={"example": "practical", "steps": 1}).json()
    assert run["final_loss"] != started["final_loss"]


def test_a_step_document_past_where_a_run_stopped_is_its_last_step(client):
    run = client.post("/api/train", json={"example": "linear-regression", "points": 300,
                                          "steps": 1000, "document_step": 900}).json()
    last = run["steps_done"] - 1
    assert run["document"]["title"] == f"step {last}"
    assert run["update"]["b"]["after"] == run["final"]["b"]
    assert any("the run stopped after" in w for w in run["warnings"])
