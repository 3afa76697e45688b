"""The Train view's pages, in process: /examples/{slug}/train and its embed
for every trainable example, 404 for the others, the links to it, and the
page rules (no inline script, the player kept apart from main.js)."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from page_data import setup_block

from app.config import Settings
from app.main import create_app

TRAINABLE = ["add-bias", "practical", "challenge-1", "challenge-2", "linear-regression",
             "challenge-2-solution"]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings = Settings(database=tmp_path_factory.mktemp("train") / "graphs.db")
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_the_trainable_examples_are_those_of_the_api(client):
    listed = [e["slug"] for e in client.get("/api/examples").json() if e["training"]]
    assert sorted(listed) == sorted(TRAINABLE)


@pytest.mark.parametrize("slug", TRAINABLE)
def test_each_trainable_example_has_a_train_page(client, slug):
    response = client.get(f"/examples/{slug}/train")
    assert response.status_code == 200
    assert response.template.name == "train.html"
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    context = response.context
    assert context["example"].slug == slug
    assert context["embed"] is False
    summary = next(e for e in client.get("/api/examples").json() if e["slug"] == slug)
    setup = context["setup"]
    for key, value in summary["training"].items():
        assert setup[key] == value, key
    assert setup["slug"] == slug
    assert setup["params"] == list(summary["training"]["start"])   # in the example's order
    assert setup_block(response.text) == json.loads(json.dumps(setup))
    assert 'class="site-header"' in response.text
    assert f'href="/examples/{slug}"' in response.text   # back to the player


def test_the_setup_of_practical_and_of_linear_regression(client):
    practical = client.get("/examples/practical/train").context["setup"]
    assert (practical["params"], practical["lr"], practical["steps"], practical["optimizer"],
            practical["seed"], practical["points"]) == (["w", "b"], 1e-4, 5000, "sgd", 0, None)
    assert practical["labels"] == {"ystar": "y*", "l": "ℓ"}
    regression = client.get("/examples/linear-regression/train").context["setup"]
    assert (regression["params"], regression["optimizer"], regression["points"],
            regression["landscape"]) == (["w1", "w2", "b"], "gd", 30, ["w1", "w2"])
    solution = client.get("/examples/challenge-2-solution/train").context["setup"]
    assert solution["landscape_range"] == [-0.5, 1.5, 0.01]


def test_the_train_page_has_its_controls_and_charts(client):
    html = client.get("/examples/practical/train").text
    for testid in ("train-step", "train-run", "train-n", "train-pause", "train-reset", "train-lr",
                   "train-order", "train-seed", "train-progress", "train-banner", "update-panel",
                   "train-readout", "chart-loss", "param-charts", "chart-fit", "chart-landscape"):
        assert f'data-testid="{testid}"' in html, testid
    assert 'data-testid="train-points"' not in html   # practical has no random data
    assert 'data-testid="train-points"' in client.get("/examples/linear-regression/train").text
    # Gradient descent has no order nor seed.
    regression = client.get("/examples/linear-regression/train").text
    assert 'data-testid="train-order"' not in regression
    assert 'data-testid="optimizer-note"' in regression


def test_the_page_runs_its_own_player_not_main_js(client):
    """The train page replaces the page's entry script (main.js, which would
    start a second player on #player) with its own."""
    html = client.get("/examples/practical/train").text
    assert re.search(r'\sid="player"', html) and 'data-testid="player"' in html
    # Its modules are one bundle whose entries are named in its URL: train/main, not main.
    bundle = re.search(r'<script type="module" src="/static/bundle/([^"?]+)\.js\?v=\w+"></script>', html)
    assert bundle and "train~main" in bundle.group(1).split("+")
    assert "main" not in bundle.group(1).split("+") and '"/static/js/main.js' not in html
    assert re.search(r'<script defer src="/static/vendor/uPlot-1\.6\.32\.iife\.min\.js\?v=\w+"></script>', html)
    # its stylesheets, uPlot's among them, as one (app/static_files.py)
    assert re.search(r'<link rel="stylesheet" href="/static/bundle/[^"]*vendor~uPlot-1\.6\.32\.min'
                     r'[+.][^"]*\?v=\w+">', html)


def test_no_inline_script_and_no_inline_handler(client):
    html = client.get("/examples/challenge-2-solution/train").text
    for attributes, text in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
        if text.strip():
            assert 'type="application/json"' in attributes
    assert not re.search(r"<[^>]+\son[a-z]+=", html)


@pytest.mark.parametrize("slug", TRAINABLE)
def test_each_train_embed_has_no_chrome_and_may_be_framed(client, slug):
    response = client.get(f"/embed/examples/{slug}/train")
    assert response.status_code == 200
    assert response.template.name == "train.html"
    assert response.context["embed"] is True
    assert 'class="site-header"' not in response.text
    assert 'data-testid="title"' not in response.text
    assert 'class="embed train-page' in response.text
    assert "x-frame-options" not in response.headers
    assert "frame-ancestors * file: data: blob:" in response.headers["content-security-policy"]
    assert setup_block(response.text)["slug"] == slug


@pytest.mark.parametrize("path", ["/examples/simple/train", "/embed/examples/simple/train",
                                  "/examples/nope/train", "/embed/examples/nope/train"])
def test_untrainable_and_unknown_examples_get_the_404_page(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.template.name == "404.html"
    assert response.context["what"] == "trainable example"
    assert 'data-testid="not-found"' in response.text
    assert response.context["embed"] is path.startswith("/embed/")


def test_the_example_pages_and_the_gallery_link_to_the_train_view(client):
    for slug in TRAINABLE:
        html = client.get(f"/examples/{slug}").text
        assert f'data-testid="train-link" href="/examples/{slug}/train"' in html
    assert 'data-testid="train-link"' not in client.get("/examples/simple").text
    home = client.get("/").text
    linked = re.findall(r'href="/examples/([\w-]+)/train" data-testid="train-link"', home)
    assert sorted(linked) == sorted(TRAINABLE)


def test_a_slug_is_escaped_on_the_404_page(client):
    response = client.get("/examples/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E/train")
    assert response.status_code == 404
    assert "<img src=x" not in response.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.text


def test_uplot_is_vendored_with_its_licence_and_listed(client):
    for path in ("/static/vendor/uPlot-1.6.32.iife.min.js", "/static/vendor/uPlot-1.6.32.min.css",
                 "/static/vendor/LICENSE-uPlot-1.6.32.txt"):
        assert client.get(path).status_code == 200, path
    assert "MIT License" in client.get("/static/vendor/LICENSE-uPlot-1.6.32.txt").text
    readme = client.get("/static/vendor/README.md").text
    assert "| uPlot | 1.6.32 | MIT" in readme
