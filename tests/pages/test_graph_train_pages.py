"""The Train view of any expression, in process: /graph/train and its embed
answer the page with a setup built from the source (its data spec from
spec_<name>), 404 with the reason for a source without data, and /graph
links to it when an input is data."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from page_data import setup_block

from app.config import Settings
from app.main import create_app

LINE = "source=" + quote("l = (a*x + c - y)^2") + "&values=a:0.5,c:2&data=x,y"
NAMED = "source=" + quote("yhat = a*x + c\nl = (y - yhat)^2") + "&values=a:0,c:0&data=x,y"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings = Settings(database=tmp_path_factory.mktemp("graph-train") / "graphs.db")
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.mark.parametrize("path", ["/graph/train", "/embed/graph/train"])
def test_a_source_with_data_has_a_train_page(client, path):
    response = client.get(f"{path}?{LINE}&spec_y=" + quote("3*x + 1"))
    assert response.status_code == 200
    assert response.template.name == "train.html"
    setup = setup_block(response.text)
    assert setup["slug"] is None
    assert setup["source"] == "l = (a*x + c - y)^2"
    assert setup["params"] == ["a", "c"]
    assert setup["start"] == {"a": 0.5, "c": 2.0}
    assert setup["data"] == ["x", "y"]
    assert setup["spec"] == {"x": "arange:0,1,0.01", "y": "3*x + 1"}
    assert (setup["optimizer"], setup["lr"], setup["steps"]) == ("sgd", 0.01, 1000)
    assert setup["landscape"] == ["a", "c"]
    assert setup["prediction"] is None          # a*x + c has no name
    assert 'data-testid="train-data"' in response.text
    assert response.text.count('data-testid="data-spec"') == 2


def test_the_prediction_is_the_named_operand_of_the_square(client):
    setup = setup_block(client.get(f"/graph/train?{NAMED}").text)
    assert setup["prediction"] == "yhat"
    assert setup["spec"]["y"] == "2*x + 1"        # the default formula


def test_the_example_train_page_has_no_data_panel(client):
    assert 'data-testid="train-data"' not in client.get("/examples/practical/train").text


@pytest.mark.parametrize("query, why", [
    ("source=" + quote("l = a*b") + "&values=a:1,b:2", "mark at least one input as data"),
    ("source=" + quote("l = (x - y)^2") + "&data=x,y", "no parameter to train"),
    ("source=" + quote("l = (a*x -") + "&data=x", ""),
    ("", "no expression"),
])
def test_a_source_that_cannot_be_trained_is_404_with_why(client, query, why):
    response = client.get(f"/graph/train?{query}")
    assert response.status_code == 404
    assert 'data-testid="not-found-why"' in response.text
    assert why in response.text


def test_the_graph_page_links_to_train_when_an_input_is_data(client):
    html = client.get(f"/graph?{LINE}").text
    link = re.search(r'<a class="train-link"[^>]*>', html).group(0)
    assert "hidden" not in link
    assert 'href="/graph/train?source=' in link
    no_data = client.get("/graph?source=" + quote("l = a*b") + "&values=a:1,b:2").text
    assert re.search(r'<a class="train-link"[^>]*hidden', no_data)
