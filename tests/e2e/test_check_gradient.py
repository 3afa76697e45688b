"""“Check this gradient” in a real browser (static/js/check_gradient.js):
one request with "check": true; on w of `simple` the central difference
agrees to 1e-6, with its h shown; at relu's kink the error is flagged and
explained."""

from __future__ import annotations

from playwright.sync_api import expect
from test_accessibility import violations


def result_of(page) -> dict[str, str]:
    result = page.locator("[data-testid='check-result']")
    expect(result).to_be_visible()
    terms = result.locator("dt").all_text_contents()
    values = [dd.get_attribute("data-value") for dd in result.locator("dd").all()]
    return dict(zip(terms, values))


def test_check_this_gradient_on_w(open_page, page, api):
    doc = api("/api/examples/simple")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.post_data or "") if r.url.endswith("/api/graph") else None)
    open_page("/examples/simple?pass=backward&step=7")   # w's step: w is offered first
    page.get_by_role("tab", name="Check gradients").click()
    assert page.get_by_label("Node", exact=True).input_value() == "0"
    page.get_by_role("button", name="Check this gradient").click()
    found = result_of(page)
    grad = doc["gradients"]["w"]
    assert float(found["gradient (backward)"]) == grad
    assert abs(float(found["numeric (central difference)"]) - grad) <= 1e-6 * abs(grad)
    assert 0 < float(found["h"]) < 1e-4
    assert float(found["relative error"]) <= 1e-6
    flag = page.locator("[data-testid='check-flag']")
    assert flag.get_attribute("data-flagged") == "false"
    # another node, from the same answer: one request in all
    page.get_by_label("Node", exact=True).select_option(label="v = u + b")
    page.get_by_role("button", name="Check this gradient").click()
    expect(page.locator("[data-testid='check-status']")).to_have_text("Checked v.")
    assert len([body for body in asked if '"check":true' in body]) == 1


def test_a_kink_is_flagged_and_explained(open_page, page):
    open_page("/graph?source=l%20%3D%20relu(w%20-%201)%20%2B%20abs(b)&values=w:1,b:2")
    page.get_by_role("tab", name="Check gradients").click()
    page.get_by_label("Node", exact=True).select_option(label="w")
    page.get_by_role("button", name="Check this gradient").click()
    result_of(page)
    flag = page.locator("[data-testid='check-flag']")
    assert flag.get_attribute("data-flagged") == "true"
    assert flag.text_content().startswith("⚠ Over 1e−5: a kink: the input of")
    assert "relu has no derivative" in flag.text_content()


def test_the_check_tab_passes_axe(browser, server):
    context = browser.new_context(bypass_csp=True, viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.goto(server + "/examples/simple?pass=backward&step=7")
    page.wait_for_selector("body[data-ready='1']")
    page.get_by_role("tab", name="Check gradients").click()
    page.get_by_role("button", name="Check this gradient").click()
    expect(page.locator("[data-testid='check-result']")).to_be_visible()
    assert violations(page) == []
    context.close()
