"""The URL-state table (app/url_state.py): each page carries its own, with
the limits of the engine and the API; the page routes read and write their
query keys with it. The codec itself is tested on both sides in
tests/js/state.test.mjs (which also checks the server decodes as the page)."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.routers.page_forms import graph_query
from app.routers.training import TrainRequest
from app.url_state import FORM, PLAYER_TABLE, decode, encode, number_text, page_table, player_keys
from engine.datasets import MAX_ROWS
from engine.training import MAX_STEPS


@pytest.fixture
def client(tmp_path):
    with TestClient(create_app(Settings(database=tmp_path / "graphs.db"))) as test_client:
        yield test_client


def table_of(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="url-state">(.*?)</script>', html, re.S)
    assert match, "no url-state data block"
    return json.loads(match.group(1))


def api_limit(field: str) -> int:
    """The largest value POST /api/train accepts for a field."""
    return next(m.le for m in TrainRequest.model_fields[field].metadata if hasattr(m, "le"))


def keys_of(html: str) -> list[str]:
    return [key["key"] for key in table_of(html)["keys"]]


FORM_KEYS = ["source", "values", "data", "labels", "title"]
PLAYER_KEYS = ["pass", "step", "speed", "big", "runs", "quiz", "score", "seed", "open", "heat"]
EMBED_KEYS = ["autoplay", "controls", "fit", "theme"]


@pytest.mark.parametrize(("path", "keys"), [
    ("/", FORM_KEYS),
    ("/examples/simple", PLAYER_KEYS + EMBED_KEYS),
    ("/embed/examples/simple", PLAYER_KEYS + EMBED_KEYS),
    ("/graph?source=y%20%3D%202*x&values=x:1", FORM_KEYS + PLAYER_KEYS + EMBED_KEYS),
    ("/embed/graph?source=y%20%3D%202*x&values=x:1", FORM_KEYS + PLAYER_KEYS + EMBED_KEYS),
])
def test_each_player_page_carries_the_keys_it_has(client, path, keys):
    html = client.get(path).text
    assert keys_of(html) == keys
    assert table_of(html) == json.loads(json.dumps(page_table(k for k in PLAYER_TABLE if k.key in keys)))


def test_the_train_tables_take_the_examples_defaults_and_the_servers_limits(client):
    practical = {k["key"]: k for k in table_of(client.get("/examples/practical/train").text)["keys"]}
    assert list(practical) == ["step", "lr", "order", "seed", "steps", "landscape", "pass", "pass_step",
                               "speed", "big", "controls"]
    assert (practical["lr"]["default"], practical["steps"]["default"]) == (1e-4, 5000)
    assert practical["step"]["max"] == practical["steps"]["max"] == MAX_STEPS
    assert MAX_STEPS == api_limit("steps")
    assert practical["landscape"]["choices"] == ["w", "b"]
    assert practical["pass_step"]["aliases"] == ["node"]
    regression = {k["key"]: k for k in table_of(client.get("/examples/linear-regression/train").text)["keys"]}
    assert "order" not in regression and "seed" not in regression    # full-batch GD
    assert regression["points"]["max"] == MAX_ROWS == api_limit("points")
    source = keys_of(client.get("/graph/train?source=l%20%3D%20(a*x%20-%20y)%5E2&values=a:1&data=x,y").text)
    assert source[-7:] == FORM_KEYS + ["csv", "spec_"]


def test_the_templates_list_the_tables_choices(client):
    html = client.get("/examples/simple").text
    assert re.findall(r'<option value="([\d.]+)"', html) == ["0.5", "1", "2", "4"]
    assert '<option value="1" selected>' in html
    train = client.get("/examples/linear-regression/train").text
    assert f'max="{MAX_ROWS}"' in train and 'data-testid="train-points"' in train
    orders = re.findall(r'<option value="(\w+)"( selected)?>\w+</option>', client.get("/examples/practical/train").text)
    assert ("random", " selected") in orders and ("cyclic", "") in orders


def test_the_routes_read_the_form_and_the_data_specs_through_the_table(client):
    response = client.get("/graph/train?source=l%20%3D%20(a*x%20-%20y)%5E2&values=a:1&data=x,y"
                          "&spec_x=arange:0,2,0.5&csv=&big=1")
    setup = response.context["setup"]
    assert setup["spec"] == {"x": "arange:0,2,0.5", "y": "2*x + 1"}
    assert setup["csv"] is None
    assert response.context["big"] is True
    assert client.get("/examples/simple?big=0").context["big"] is False


def test_the_server_writes_links_as_the_page_does():
    query = graph_query("u = w*x\nl = (u - y)^2 ", {"w": 0.5, "y": 2.0, "x": 1e-7}, ["y"], {"y": "y*"})
    assert query == ("source=u%20%3D%20w*x%0Al%20%3D%20(u%20-%20y)%5E2&values=w:0.5,y:2,x:1e-7"
                     "&data=y&labels=y:y*")
    form = decode(FORM, dict(part.split("=", 1) for part in query.split("&")) | {"source": "x"})
    assert form["values"] == {"w": "0.5", "y": "2", "x": "1e-7"}
    assert [number_text(x) for x in (0.1, 2.0, -3.5, 1e21, 12345.678)] == ["0.1", "2", "-3.5", "1e+21", "12345.678"]


def test_decoding_clamps_and_falls_back_to_the_defaults():
    keys = player_keys("player", "embed")
    state = decode(keys, {"pass": "sideways", "step": "7.9", "speed": "3", "runs": "500", "big": "1",
                          "controls": "0", "fit": "1", "theme": "neon", "quiz": "sometimes", "heat": "2"})
    assert state == {"pass": "forward", "step": 7, "speed": 1, "big": True, "runs": 99,
                     "quiz": None, "score": {}, "seed": "", "open": None, "heat": False,
                     "autoplay": False, "controls": False, "fit": 1, "theme": None}
    assert encode(keys, state) == "pass=forward&step=7&big=1&runs=99&controls=0&fit=1"
    teaching = decode(keys, {"pass": "tangent", "seed": "w", "quiz": "1", "score": "forward:1-0"})
    assert (teaching["pass"], teaching["seed"], teaching["quiz"]) == ("tangent", "w", "1")
    assert teaching["score"] == {"forward": "1-0"}
    assert encode(keys, teaching).startswith("pass=tangent&step=0&quiz=1&score=forward:1-0&seed=w")
