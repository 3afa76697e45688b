"""Every document the engine can make is accepted by everything that consumes
one (issue 9): generated expressions and Python-made Value graphs go through
build → save → read back identical → the server SVG, the offline HTML and the
page, against the real server."""

from __future__ import annotations

import json
import random
import re
import types
import urllib.request
import xml.etree.ElementTree as ElementTree
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from random_expressions import NAMES, expressions
from random_graphs import fanned_out_graphs, value_graphs
from steps import board_caught_up
from svg_texts import drawn_arrows

from engine import build_document, publish
from engine.nn import MLP

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                      HealthCheck.too_slow])


def get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.headers.get("content-type", ""), response.read()


def post(url: str, body: bytes) -> dict:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def check_consumers(server: str, document_json: str, svg: bool = True) -> str:
    """Save the document, read it back, render it on the server (the SVG is
    the page's own picture drawn in Chromium, 1–2 s, so `svg` may skip it);
    answer its id."""
    saved = post(f"{server}/api/graphs", document_json.encode())
    status, _, body = get(f"{server}/api/graphs/{saved['id']}")
    assert status == 200
    assert json.loads(body) == json.loads(document_json)
    if svg:
        status, kind, picture = get(f"{server}/api/graphs/{saved['id']}.svg?pass=backward")
        assert (status, kind.split(";")[0]) == (200, "image/svg+xml")
        ElementTree.fromstring(picture)   # well-formed
    status, kind, html = get(f"{server}/api/graphs/{saved['id']}.html")
    assert status == 200 and b"graph-document" in html
    return saved["id"]


def sources():
    """A random body, sometimes named and used twice (fan-out of a subgraph),
    with some inputs marked as data."""
    return st.tuples(expressions(), st.booleans(), st.sets(st.sampled_from(NAMES)))


STEP_ALL = """async (steps) => {
  for (let k = 0; k < steps; k += 1) {
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
    await new Promise((done) => requestAnimationFrame(() => done()));
  }
}"""


# The examples are drawn afresh on every run (not derandomized): a run tries
# fewer, the runs together many; these two were the suite's slowest tests.
@settings(max_examples=15, **SETTINGS)
@given(value_graphs())
def test_python_value_graphs_save_read_back_and_render(server, output):
    document = build_document(output)
    text = document.to_json()
    # The server's SVG is the page's picture drawn in Chromium (1–2 s): a third
    # of the graphs, chosen by their text; the grouped ones below, every one.
    check_consumers(server, text, svg=zlib.crc32(text.encode()) % 3 == 0)
    assert publish(output, server)["id"]


@settings(max_examples=8, **SETTINGS)
@given(value_graphs(groups=True))
def test_grouped_value_graphs_save_read_back_render_and_draw(server, open_page, output):
    """Nested engine.group(...)s: version 3 leaves members and group steps
    to the readers, and each of them reads the document."""
    document = build_document(output)
    saved_id = check_consumers(server, document.to_json())
    page = open_page(f"/graphs/{saved_id}?pass=backward&step=999")
    assert page.locator("svg.graph [data-node-id]").count() == len(document.nodes)
    # Every group collapsed: each steps as one, its chain rule derived on the page.
    for pass_ in ("forward", "backward"):
        page = open_page(f"/graphs/{saved_id}?open=&pass={pass_}&step=0")
        if any(len(g.members) > 1 for g in document.groups):
            assert page.locator("svg.graph [data-node-id]").count() < len(document.nodes)
        # Every step in turn, each key handled (and painted) before the next,
        # in one call: a page error at any step fails the test (open_page).
        page.evaluate(STEP_ALL, len(document.nodes))
        board_caught_up(page)
        assert page.locator('[data-testid="step-text"]').inner_text().strip()


@settings(max_examples=4, **SETTINGS)
@given(fanned_out_graphs())
def test_graphs_with_many_uses_of_a_node_save_render_and_step(server, open_page, output):
    """A node whose gradient sums many arrows (its chain rule and the sum under
    the graph written short): saved, read back, drawn by the server and on the
    page, every backward step in turn with no page error (open_page)."""
    document = build_document(output)
    saved_id = check_consumers(server, document.to_json())
    page = open_page(f"/graphs/{saved_id}?pass=backward&step=0")
    page.evaluate(STEP_ALL, len(document.nodes))
    board_caught_up(page)
    assert page.locator('[data-testid="step-text"]').inner_text().strip()


@settings(max_examples=40, **SETTINGS)
@given(sources())
def test_expressions_save_read_back_and_render(server, api, drawn):
    body, shared, data = drawn
    source = f"h = {body}\nh * h + a" if shared else body
    used = [n for n in NAMES if re.search(rf"\b{n}\b", source)]
    values = {n: 0.25 * (i + 1) for i, n in enumerate(used)}
    document = api("/api/graph", {"source": source, "values": values,
                                  "data": [n for n in used if n in data]})
    assert "nodes" in document, document
    check_consumers(server, json.dumps(document), svg=False)   # drawn below and in test_readable


@settings(max_examples=12, **SETTINGS)
@given(value_graphs())
def test_saved_graphs_draw_on_the_page(server, open_page, output):
    saved_id = check_consumers(server, build_document(output).to_json(), svg=False)
    page = open_page(f"/graphs/{saved_id}?pass=backward&step=999")
    drawn = page.locator("svg.graph [data-node-id]").count()
    assert drawn == len(build_document(output).nodes)


def mlps():
    """A random MLP: its inputs, two hidden layers of 6–10 neurons and its
    weights' seed, made by `mlp_output`. Its graph (about 500–1,500 nodes and
    arrows) opens collapsed and is big enough that the page makes an
    arrow's elements only when its view first comes near it (render.js)."""
    return st.tuples(st.integers(2, 4), st.lists(st.integers(6, 10), min_size=2, max_size=2),
                     st.integers(0, 2 ** 16))


def mlp_output(inputs: int, sizes: list[int], seed: int):
    random.seed(seed)   # engine.nn draws its weights as micrograd does
    model = MLP(inputs, [*sizes, 1])
    return model([round(random.uniform(-2, 2), 3) for _ in range(inputs)])


def exported_arrows(page, tmp_path) -> list[str]:
    """The arrows of the page's SVG download, by id, in the file's order."""
    with page.expect_download() as info:
        page.click("[data-export='download-svg']")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return drawn_arrows(path.read_text(encoding="utf-8"))


_ARROWS_ON_PAGE = """() => [...document.querySelectorAll('svg.graph .edges path.edge-line:not(.stub)')]
  .map((path) => path.dataset.edgeId)"""


@settings(max_examples=3, **SETTINGS)
@given(mlps())
def test_an_export_holds_every_arrow_of_a_big_drawing_once_in_order(server, open_page, tmp_path, mlp):
    """Whatever the view reached first, collapsed or every group open, the
    SVG download has every drawn arrow once, in the document's order, as
    the page's layers then have them."""
    saved_id = check_consumers(server, build_document(mlp_output(*mlp)).to_json(), svg=False)
    page = open_page(f"/graphs/{saved_id}?pass=backward&step=3")
    for opened in (False, True):
        if opened:
            page.click('[data-testid="expand-all"]')
            page.wait_for_function("() => !document.querySelector('svg.graph [data-group-id]')")
        made = page.evaluate(_ARROWS_ON_PAGE)
        exported = exported_arrows(page, tmp_path)
        assert exported == [str(k) for k in range(len(exported))] and len(exported) >= len(made)
        assert page.evaluate(_ARROWS_ON_PAGE) == exported


def test_micrograd_mlp_from_its_own_nn_py_publishes_and_draws(server, open_page):
    """Issue 9's first report: micrograd's nn.MLP(2, [4, 4, 1]) on engine.Value."""
    micrograd = pytest.importorskip("micrograd")
    path = Path(micrograd.__file__).parent / "nn.py"
    nn = types.ModuleType("micrograd_nn_on_engine")
    source = path.read_text().replace("from micrograd.engine import Value",
                                      "from engine import Value")
    exec(compile(source, str(path), "exec"), nn.__dict__)
    random.seed(3)
    model = nn.MLP(2, [4, 4, 1])
    loss = (model([0.5, -1.5]) - 1.0) ** 2
    saved = publish(loss, server)
    document = json.loads(get(f"{server}/api/graphs/{saved['id']}")[2])
    labels = [n["label"] for n in document["nodes"]]
    assert not any(re.fullmatch(r"n\d+", label) for label in labels)
    assert len(document["gradients"]) == len(model.parameters())
    page = open_page(f"/graphs/{saved['id']}?pass=backward&step=999")
    assert page.locator("svg.graph [data-node-id]").count() == len(document["nodes"])
