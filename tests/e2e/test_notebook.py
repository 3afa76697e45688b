"""chainrule in a notebook with no server (issue 10): the HTML that
`loss.show()` and `display(loss)` emit plays in Chromium with the network
blocked, and a real notebook run by nbclient carries it in its outputs."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from engine import Value
from engine.notebook import player_html


def simple_loss() -> Value:
    w, b = Value(0.5, label="w"), Value(2.0, label="b")
    x, ystar = Value(0.5, label="x", requires_grad=False), Value(1.0, label="ystar",
                                                                 requires_grad=False)
    return ((w * x + b).exp() - ystar) ** 2


def test_the_inline_player_steps_through_both_passes_with_no_network(browser, tmp_path):
    cell = tmp_path / "cell.html"
    cell.write_text("<!doctype html><title>A notebook cell</title>"
                    + player_html(simple_loss(), labels={"ystar": "y*"}))
    context = browser.new_context()
    asked = []

    def no_network(route):
        asked.append(route.request.url)
        route.abort()

    context.route("http*://**/*", no_network)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(cell.as_uri())
    frame = page.frame_locator("iframe")
    caption = frame.locator("[data-testid='step-caption']")
    expect(caption).to_have_attribute("data-step", "0")
    frame.locator("[data-testid='to-end']").click()   # forward pass done
    expect(caption).to_have_attribute("data-step", "5")
    frame.locator("[data-testid='step-forward']").click()   # on into the backward pass
    frame.locator("[data-testid='to-end']").click()
    expect(caption).to_have_attribute("data-pass", "backward")
    expect(caption).to_have_attribute("data-step", "7")
    expect(frame.locator("[data-testid='gradient'][data-name='w']")).to_have_attribute(
        "data-grad", str(simple_loss_gradient("w")))
    assert asked == [] and errors == []
    context.close()


def simple_loss_gradient(name: str) -> float:
    loss = simple_loss()
    loss.backward()
    inputs = {}
    stack = [loss]
    while stack:
        node = stack.pop()
        if node.label:
            inputs[node.label] = node
        stack.extend(node.inputs)
    return inputs[name].grad


def test_a_notebook_shows_the_player_inline(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("from engine import Value\n"
                                  "w = Value(0.5, label='w')\n"
                                  "loss = (w * 3 - 1) ** 2\n"
                                  "loss"),
        nbformat.v4.new_code_cell("loss.show()"),
    ])
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    shown_by_repr = notebook.cells[0].outputs[0]["data"]
    assert shown_by_repr["text/plain"].startswith("Value(data=0.25")
    assert shown_by_repr["text/html"].startswith("<iframe srcdoc=")
    shown_by_show = [o for o in notebook.cells[1].outputs if o["output_type"] == "display_data"]
    assert len(shown_by_show) == 1
    html = shown_by_show[0]["data"]["text/html"]
    assert html.startswith("<iframe srcdoc=") and "graph-document" in html
