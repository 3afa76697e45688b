"""The expression form: inputs found as you type, errors inline with a caret
at the API's line and column, the graph drawn without a reload."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from steps import node_attr

SOURCE = "l = (exp(w*x + b) - y)**2"


def error_box(page):
    return page.locator("[data-testid='form-error']")


@pytest.mark.parametrize("source", ["x +", "u = w*x\nv = u + * b", "y = foo(x)"])
def test_a_bad_expression_shows_the_api_error_with_a_caret(open_page, page, api, artifacts, source):
    expected = api("/api/graph", {"source": source, "values": {"x": 1, "w": 1, "b": 1}})["detail"]
    open_page("/")
    page.fill("[data-testid='source']", source)
    expect(error_box(page)).to_be_visible()
    expect(error_box(page)).to_have_attribute("data-column", str(expected["column"]))
    expect(error_box(page)).to_have_attribute("data-line", str(expected["line"]))
    assert expected["message"] in page.locator("[data-testid='error-message']").text_content()
    line = source.split("\n")[expected["line"] - 1]
    assert page.locator("[data-testid='error-line']").text_content() == line
    caret = page.locator("[data-testid='error-caret']").text_content()
    assert caret == " " * (expected["column"] - 1) + "^"
    if source == "x +":
        page.locator("#expression").screenshot(path=artifacts / "form-error.png")

    page.click("[data-testid='draw']")
    expect(error_box(page)).to_be_visible()
    assert page.url.split("?")[0].endswith("/")


def test_the_form_finds_the_inputs_and_draws_the_graph(open_page, page, api):
    open_page("/")
    page.fill("[data-testid='source']", SOURCE)
    rows = page.locator("tr[data-input]")
    expect(rows).to_have_count(4)
    assert [r.get_attribute("data-input") for r in rows.all()] == ["w", "x", "b", "y"]
    for name, value in (("w", "0.5"), ("x", "0.5"), ("b", "2"), ("y", "1")):
        page.fill(f"[data-testid='value-input'][data-name='{name}']", value)
    page.check("[data-testid='data-checkbox'][data-name='x']")
    page.check("[data-testid='data-checkbox'][data-name='y']")
    expect(page).to_have_url(re.compile(r"values=w:0\.5,x:0\.5,b:2,y:1&data=x,y"))

    page.click("[data-testid='draw']")
    page.wait_for_url("**/graph?**")
    page.wait_for_selector("body[data-ready='1']")
    doc = api("/api/graph", {"source": SOURCE, "values": {"w": 0.5, "x": 0.5, "b": 2, "y": 1},
                             "data": ["x", "y"]})
    page.keyboard.press("End")
    page.keyboard.press("End")
    w = page.locator("[data-testid='gradient'][data-name='w']")
    assert float(w.get_attribute("data-grad")) == pytest.approx(doc["gradients"]["w"])
    assert w.text_content().endswith("= 80.53")
    assert sorted(doc["gradients"]) == ["b", "w"]


def test_the_graph_page_redraws_in_place(open_page, page):
    open_page("/graph?source=y%20%3D%20w*x&values=w:2,x:3&data=x")
    assert float(node_attr(page, 2, "data-value") or "nan") != 6   # forward step 0: not yet
    page.evaluate("window.stillTheSamePage = true")
    page.locator("[data-testid='form-box'] > summary").click()
    page.fill("[data-testid='value-input'][data-name='w']", "5")
    with page.expect_response(lambda r: r.url.endswith("/api/graph")
                              and '"w":5' in (r.request.post_data or "")):
        page.click("[data-testid='draw']")
    expect(page).to_have_url(re.compile(r"values=w:5,x:3.*pass=forward&step=0"))
    # The new document is drawn just after its response: press End until the
    # frame shows it (a press that lands on the old document is harmless).
    for _ in range(50):
        page.keyboard.press("End")
        if node_attr(page, 2, "data-value") == "15":
            break
        page.wait_for_timeout(100)
    assert float(node_attr(page, 2, "data-value")) == 15
    assert page.evaluate("window.stillTheSamePage") is True


def test_the_home_page_keeps_the_form_in_its_url(open_page, page):
    open_page("/")
    page.fill("[data-testid='source']", "y = 3*x")
    expect(page.locator("tr[data-input='x']")).to_have_count(1)
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    expect(page.locator("[data-testid='source']")).to_have_value("y = 3*x")
    expect(page.locator("tr[data-input='x']")).to_have_count(1)
