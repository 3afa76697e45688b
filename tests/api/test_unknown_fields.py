"""A field a request does not know is refused with the one error body, named,
instead of being dropped: `"samples": 300` for `"points": 300` used to train
on the example's 30 points and say nothing."""

import pytest

SOURCE = "l = (w*x - y)^2"


def refused(client, path: str, body: dict) -> str:
    response = client.post(path, json=body)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert set(detail) == {"message", "line", "column"}
    assert (detail["line"], detail["column"]) == (0, 0)  # not a place in a source
    return detail["message"]


def test_samples_for_points_is_named(client):
    message = refused(client, "/api/train", {"example": "linear-regression", "samples": 300})
    assert message == "samples: Extra inputs are not permitted"


def test_the_same_request_with_points_trains_on_them(client):
    run = client.post("/api/train", json={"example": "linear-regression", "points": 300,
                                          "steps": 1})
    assert run.status_code == 200 and run.json()["rows"] == 300


@pytest.mark.parametrize("path, body, field", [
    ("/api/graph", {"source": "x*y", "values": {"x": 1, "y": 2}, "label": {"x": "X"}}, "label"),
    ("/api/inputs", {"source": "x*y", "text": "x"}, "text"),
    ("/api/train", {"example": "challenge-1", "steps": 1,
                    "landscape": {"x": "w", "y": "b", "x_range": [0, 1, 0.5],
                                  "y_range": [0, 1, 0.5], "z_range": [0, 1, 0.5]}},
     "landscape.z_range"),
])
def test_every_request_body_names_its_unknown_field(client, path, body, field):
    assert refused(client, path, body).startswith(f"{field}: Extra inputs are not permitted")


def test_an_unknown_field_of_a_data_column_is_named(client):
    body = {"source": SOURCE, "values": {"w": 1}, "steps": 1,
            "data": {"x": {"arange": [0, 1, 0.1], "rows": 3}, "y": "2*x"}}
    assert "data.x.Column.rows: Extra inputs are not permitted" in \
        refused(client, "/api/train", body)


def test_several_unknown_fields_are_all_named(client):
    message = refused(client, "/api/graph", {"source": "x", "values": {"x": 1},
                                             "lables": {}, "titel": "t"})
    assert "lables:" in message and "titel:" in message
