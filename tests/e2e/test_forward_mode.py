"""Forward mode on the page (static/js/forward_mode.js): pass=tangent&seed=w
asks for the document with "tangent": {"w": 1}, starts from the seed
(ẇ = 1), steps the dual numbers node by node with the keyboard to the end,
where the output's tangent is ∂ℓ/∂w and the two modes' costs are compared."""

from __future__ import annotations

from playwright.sync_api import expect
from steps import frame, written_url
from test_accessibility import violations


def test_the_forward_mode_pass_stepped_to_its_end(open_page, page, api, artifacts):
    doc = api("/api/examples/simple")
    seeded = api("/api/graph", {"source": doc["source"], "values": {"w": 0.5, "x": 0.5, "b": 2, "ystar": 1},
                                "data": ["x", "ystar"], "labels": {"ystar": "y*", "l": "ℓ"},
                                "tangent": {"w": 1}})
    tangent_steps = [s for s in seeded["steps"] if s["pass"] == "tangent"]
    open_page("/examples/simple?pass=tangent&seed=w")
    assert frame(page) == ("tangent", 0)
    caption = page.locator("[data-testid='step-caption']")
    assert caption.text_content() == f"Forward mode · step 0 of {len(tangent_steps)}"
    assert page.locator("[data-testid='step-text']").text_content() == \
        "Seed the inputs' tangents: ẇ = 1, ẋ = 0, ḃ = 0, ẏ* = 0."
    w = page.locator("g.node[data-node-id='0'] text.tangent-label")
    assert w.text_content() == "ẇ = 1"
    page.locator("body").focus()
    for k, step in enumerate(tangent_steps, start=1):
        page.keyboard.press("ArrowRight")
        assert frame(page) == ("tangent", k)
        assert page.locator("[data-testid='step-text']").text_content() == step["text"]
        node = page.locator(f"g.node[data-node-id='{step['node']}']")
        assert float(node.get_attribute("data-tangent")) == step["tangent"]
    url = written_url(page)
    assert "pass=tangent" in url and "seed=w" in url and f"step={len(tangent_steps)}" in url
    output = page.locator(f"g.node[data-node-id='{doc['output']}']")
    assert abs(float(output.get_attribute("data-tangent")) - doc["gradients"]["w"]) <= 1e-12 * abs(doc["gradients"]["w"])
    summary = page.locator("[data-testid='forward-mode-summary']")
    expect(summary).to_be_visible()
    # 2 parameters × (5 value ops + 8 tangent products) against 5 value ops + 6 gradient products
    assert (summary.get_attribute("data-inputs"), summary.get_attribute("data-forward-ops"),
            summary.get_attribute("data-reverse-ops")) == ("2", "26", "11")
    assert "need 2 forward-mode passes of 13 operations: 26 operations" in summary.text_content()
    assert page.get_by_role("button", name="Forward mode").get_attribute("aria-pressed") == "true"
    page.screenshot(path=artifacts / "forward-mode-end.png")


def test_the_forward_mode_button_and_the_seed(open_page, page, api):
    doc = api("/api/examples/simple")
    open_page("/examples/simple?pass=backward&step=7")
    page.get_by_role("button", name="Forward mode").click()
    expect(page.locator("[data-testid='step-caption']")).to_have_attribute("data-pass", "tangent")
    assert "seed=w" in written_url(page)
    page.get_by_label("Seed").select_option("b")
    expect(page.locator("[data-testid='step-text']")).to_have_text(
        "Seed the inputs' tangents: ẇ = 0, ẋ = 0, ḃ = 1, ẏ* = 0.")
    assert "seed=b" in written_url(page)
    page.keyboard.press("End")
    output = page.locator(f"g.node[data-node-id='{doc['output']}']")
    expect(output).to_have_attribute("data-tangent", repr(doc["gradients"]["b"]))
    # back to the backward pass: the tangents go
    page.get_by_role("button", name="Backward", exact=True).click()
    assert page.locator("text.tangent-label").count() == 0


def test_forward_mode_passes_axe(browser, server):
    context = browser.new_context(bypass_csp=True, viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.goto(server + "/examples/simple?pass=tangent&seed=w&step=5")
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("[data-testid='step-caption']").get_attribute("data-pass") == "tangent"
    assert violations(page) == []
    context.close()
