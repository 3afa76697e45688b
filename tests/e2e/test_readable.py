"""The picture is readable on any graph, at every step (issue 9): no text
overlaps another text and no text covers a node it does not belong to,
measured in Chromium from the drawn elements' bounding boxes, at 1024×768;
no drawn text is an internal id; nothing in the panel is cut off."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from overlaps import every_frame_overlaps, overlaps
from playwright.sync_api import expect
from random_expressions import NAMES, expressions

from engine import load_examples

EXAMPLES = list(load_examples())   # their slugs
INTERNAL_ID = re.compile(r"\bn\d+\b")
# Graphs lecturers type after the slides (issue 9's own list).
NEURON = "tanh(w1*x1 + w2*x2 + b)", "w1:-3,x1:2,w2:1,x2:0,b:6.88"
SOFTMAX = "p = exp(a)/(exp(a) + exp(b))", "a:1,b:2"
CROSS_ENTROPY = "-(y*log(sigmoid(z)) + (1-y)*log(1-sigmoid(z)))", "y:1,z:0.5"
NETWORK = ("h1 = tanh(a1*x + c1)\nh2 = tanh(a2*x + c2)\nh3 = tanh(a3*x + c3)\n"
           "h4 = tanh(a4*x + c4)\no = v1*h1 + v2*h2 + v3*h3 + v4*h4 + d\nl = (o - y)^2",
           "a1:0.5,a2:-0.3,a3:0.8,a4:0.1,c1:0.1,c2:0.2,c3:-0.1,c4:0.3,"
           "v1:0.4,v2:-0.6,v3:0.2,v4:0.9,d:0.05,x:0.5,y:1")


def graph_path(source: str, values: str, data: str = "") -> str:
    query = {"source": source, "values": values}
    if data:
        query["data"] = data
    return "/graph?" + urllib.parse.urlencode(query)


def open_measured(page, server, path: str):
    """Open a page and wait until its labels were placed with their fonts."""
    page.goto(server + path)
    page.wait_for_selector("body[data-ready='1']")
    page.wait_for_selector("svg.graph[data-measured='1']", state="attached")


def every_frame_problems(page, server, path: str) -> list[str]:
    """Step from forward step 0 to the last backward step; the overlaps of each frame."""
    open_measured(page, server, path + ("&" if "?" in path else "?") + "pass=forward&step=0")
    return every_frame_overlaps(page, INTERNAL_ID.pattern)


@pytest.fixture
def projector(page):
    page.set_viewport_size({"width": 1024, "height": 768})
    return page


BIG_GRAPH = 200   # nodes, as static/js/zoom.js: past it, the ends of each pass are read


@pytest.mark.parametrize("slug", EXAMPLES)
def test_course_examples_read_clearly_at_every_step(projector, server, slug):
    if len(load_examples()[slug].document().nodes) > BIG_GRAPH:
        # micrograd's MLP has some 1,600 frames: its passes' ends stand for them.
        problems = []
        for frame in ("pass=forward&step=0", "pass=forward&step=9999",
                      "pass=backward&step=1", "pass=backward&step=9999"):
            open_measured(projector, server, f"/examples/{slug}?{frame}")
            problems += [f"{frame}: {p}" for p in overlaps(projector)]
        assert problems == []
        return
    assert every_frame_problems(projector, server, f"/examples/{slug}") == []


@pytest.mark.parametrize("source,values,data", [
    (*NEURON, ""), (*SOFTMAX, ""), (*CROSS_ENTROPY, "y"), (*NETWORK, "x,y")],
    ids=["neuron", "softmax", "cross-entropy", "network"])
def test_graphs_lecturers_type_read_clearly_at_every_step(projector, server, source, values,
                                                          data):
    assert every_frame_problems(projector, server, graph_path(source, values, data)) == []


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(expressions())
def test_generated_expressions_read_clearly_at_their_last_backward_step(projector, server, body):
    used = [n for n in NAMES if re.search(rf"\b{n}\b", body)]
    values = ",".join(f"{n}:{0.3 * (i + 1)}" for i, n in enumerate(used))
    open_measured(projector, server, graph_path(body, values) + "&pass=backward&step=999")
    assert overlaps(projector) == []


def test_the_panel_wraps_the_chain_rule_instead_of_cutting_it(projector, server):
    for path in ("/examples/linear-regression?pass=forward&step=0",
                 "/examples/challenge-2?pass=backward&step=7"):
        open_measured(projector, server, path)
        rule = projector.locator("[data-testid='chain-rule']")
        expect(rule.locator(".katex")).to_have_count(1)
        overflow = rule.evaluate("(el) => el.scrollWidth - el.clientWidth")
        assert overflow <= 1, path
    # The last number of challenge-2's step 7 is on screen in full.
    assert "12.7551" in projector.locator("[data-testid='step-text']").text_content()


def test_the_gradients_box_lists_every_gradient_with_a_count(projector, server):
    open_measured(projector, server, graph_path(*NEURON) + "&pass=backward&step=999")
    rows = projector.locator("[data-testid='gradient']")
    expect(rows).to_have_count(5)
    expect(projector.locator("[data-testid='grads-count']")).to_have_text("5")
    assert rows.nth(0).get_attribute("title").startswith("∂u3/∂w1 = ")
    # The list scrolls to its last row.
    rows.nth(4).scroll_into_view_if_needed()
    expect(rows.nth(4)).to_be_in_viewport()


def test_a_node_shows_its_full_expression_and_numbers_on_hover_and_focus(projector, server):
    open_measured(projector, server, graph_path(*NEURON) + "&pass=backward&step=999")
    card = projector.locator("[data-testid='node-card']")
    output = projector.locator("g.node[data-kind='op']").last
    output.hover()
    expect(card).to_be_visible()
    expect(card).to_contain_text("u3 = tanh(w1·x1 + w2·x2 + b)")
    expect(card).to_contain_text(f"value {output.get_attribute('data-value')}")
    projector.mouse.move(0, 0)
    expect(card).to_be_hidden()
    projector.locator("g.node[data-kind='parameter']").first.focus()
    expect(card).to_contain_text("gradient ")
    # The panel says what an automatic name stands for.
    projector.keyboard.press("Home")
    expect(projector.locator("[data-testid='where']")).to_be_hidden()


def test_large_text_is_placed_anew_without_overlaps(projector, server):
    open_measured(projector, server, graph_path(*NEURON) + "&pass=backward&step=999")
    projector.locator("[data-testid='big-text']").click()
    expect(projector.locator("body.big")).to_have_count(1)
    assert overlaps(projector) == []
