"""The player in a real browser: stepping through the passes, the keys, the
URL as the state, the accumulation demo, the embed code."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from steps import backward_steps, forward_steps, frame, label_text, node_attr, shown, written_url

from engine.document_codec import expand

W_GRAD = 80.5293954641633
B_GRAD = 161.0587909283266


def caption(page):
    return page.locator("[data-testid='step-caption']")


def at(page, pass_: str, step: int):
    expect(caption(page)).to_have_attribute("data-pass", pass_)
    expect(caption(page)).to_have_attribute("data-step", str(step))


def test_pick_simple_and_step_through_both_passes(open_page, page, api, artifacts):
    doc = expand(api("/api/examples/simple"))
    open_page("/")
    page.click("[data-testid='example-link'][data-slug='simple']")
    page.wait_for_selector("body[data-ready='1']")
    assert page.url.split("?")[0].endswith("/examples/simple")
    assert frame(page) == ("forward", 0)

    # Forward step 0: the inputs alone, with their values.
    for node in doc["nodes"]:
        if node["kind"] == "op":
            assert node_attr(page, node["id"], "data-value") is None
        else:
            assert float(node_attr(page, node["id"], "data-value")) == node["value"]
            assert shown(node["value"]) in label_text(page, node["id"])
    page.screenshot(path=artifacts / "simple-forward-0.png")

    for k, step in enumerate(forward_steps(doc), start=1):
        page.click("[data-testid='step-forward']")
        at(page, "forward", k)
        assert float(node_attr(page, step["node"], "data-value")) == step["value"]
        assert "current" in node_attr(page, step["node"], "class")
        assert f"= {shown(step['value'])}" in label_text(page, step["node"])
        assert page.locator("[data-testid='step-text']").text_content() == step["text"]
        if k == 2:
            page.screenshot(path=artifacts / "simple-forward-2.png")

    page.click("[data-testid='step-forward']")
    at(page, "backward", 0)
    assert page.locator("g.node[data-grad]").count() == 0
    page.screenshot(path=artifacts / "simple-backward-0.png")

    for k, step in enumerate(backward_steps(doc), start=1):
        page.click("[data-testid='step-forward']")
        at(page, "backward", k)
        assert float(node_attr(page, step["node"], "data-grad")) == pytest.approx(step["grad"], rel=1e-12)
        assert f"= {shown(step['grad'])}" in label_text(page, step["node"], "grad")
        assert page.locator("[data-testid='step-text']").text_content() == step["text"]
        assert page.locator("[data-testid='flow']").count() == len(step["flows"])
        if k == 4:
            page.screenshot(path=artifacts / "simple-backward-4.png")

    for name, grad, text in (("w", W_GRAD, "80.53"), ("b", B_GRAD, "161.1")):
        item = page.locator(f"[data-testid='gradient'][data-name='{name}']")
        assert float(item.get_attribute("data-grad")) == pytest.approx(grad, rel=1e-12)
        assert item.text_content() == f"∂ℓ/∂{name} = {text}"
    assert "w′ = 80.53" in label_text(page, 0, "grad")
    assert "b′ = 161.1" in label_text(page, 2, "grad")
    expect(page.locator("[data-testid='step-forward']")).to_be_disabled()
    page.screenshot(path=artifacts / "simple-backward-end.png")


def test_keys_as_a_slide_clicker_sends_them(open_page, page, api):
    doc = api("/api/examples/simple")
    n, m = len(forward_steps(doc)), len(backward_steps(doc))
    open_page("/examples/simple")
    keys = page.keyboard
    keys.press("ArrowRight")
    keys.press("ArrowRight")
    at(page, "forward", 2)
    keys.press("ArrowLeft")
    at(page, "forward", 1)
    keys.press("PageDown")
    at(page, "forward", 2)
    keys.press("PageUp")
    at(page, "forward", 1)
    keys.press("End")
    at(page, "forward", n)
    keys.press("End")
    at(page, "backward", m)
    keys.press("Home")
    at(page, "backward", 0)
    keys.press("ArrowLeft")
    at(page, "forward", n)
    keys.press("Home")
    at(page, "forward", 0)
    keys.press("ArrowLeft")
    at(page, "forward", 0)

    page.select_option("[data-testid='speed']", "4")
    page.locator("body").click(position={"x": 5, "y": 5})
    keys.press("Space")
    play = page.locator("[data-testid='play']")
    expect(play).to_have_attribute("data-playing", "true")
    expect(caption(page)).not_to_have_attribute("data-step", "0", timeout=3000)
    keys.press("Space")
    expect(play).to_have_attribute("data-playing", "false")
    paused_at = frame(page)
    page.wait_for_timeout(700)
    assert frame(page) == paused_at


def test_reload_lands_on_the_same_frame(open_page, page, artifacts):
    open_page("/examples/challenge-2?speed=2&big=1")
    for key in ("End", "End", "Home", "ArrowRight", "ArrowRight", "ArrowRight"):
        page.keyboard.press(key)
    at(page, "backward", 3)
    url = written_url(page)
    assert "pass=backward" in url and "step=3" in url
    assert "speed=2" in url and "big=1" in url
    grads = page.locator("g.node[data-grad]")
    before = {g.get_attribute("data-node-id"): g.get_attribute("data-grad") for g in grads.all()}
    assert len(before) == 3

    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    at(page, "backward", 3)
    after = {g.get_attribute("data-node-id"): g.get_attribute("data-grad") for g in grads.all()}
    assert after == before
    expect(page.locator("body")).to_have_class("page player-page big")
    expect(page.locator("[data-testid='speed']")).to_have_value("2")
    page.screenshot(path=artifacts / "challenge-2-backward-3-big.png")


def test_run_backward_again_adds_the_gradients(open_page, page):
    open_page("/examples/simple?pass=backward&step=7")
    w = page.locator("[data-testid='gradient'][data-name='w']")
    assert float(w.get_attribute("data-grad")) == pytest.approx(W_GRAD)

    page.click("[data-testid='run-backward-again']")
    expect(w).to_have_text("w.grad = 2 × 80.53 = 161.1")
    assert float(w.get_attribute("data-grad")) == pytest.approx(2 * W_GRAD)
    assert float(node_attr(page, 0, "data-grad")) == pytest.approx(2 * W_GRAD)
    assert "runs=2" in written_url(page)
    page.click("[data-testid='run-backward-again']")
    assert float(w.get_attribute("data-grad")) == pytest.approx(3 * W_GRAD)

    page.click("[data-testid='zero-grads']")
    at(page, "backward", 0)
    assert w.get_attribute("data-grad") is None
    assert "runs=" not in written_url(page)


def test_embed_code_names_the_current_frame(open_page, page, server):
    open_page("/examples/simple")
    page.keyboard.press("ArrowRight")
    page.click("[data-testid='embed-code-button']")
    code = page.locator("[data-testid='embed-code']").input_value()
    assert code.startswith(f'<iframe src="{server}/embed/examples/simple?pass=forward&amp;step=1"')
    assert 'width="800" height="450"' in code


def test_zoom_buttons_move_the_view(open_page, page):
    open_page("/examples/linear-regression")
    viewport = page.locator("svg.graph g.viewport")
    before = viewport.get_attribute("transform")
    page.click("[data-testid='zoom-in']")
    expect(viewport).not_to_have_attribute("transform", before)
    page.click("[data-testid='fit']")
    expect(viewport).to_have_attribute("transform", before)
