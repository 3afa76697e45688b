"""The Train view of any expression in a real browser: /graph/train on a line
fit, its target given in the data panel as a formula (a bad one first, shown
inline), 200 steps run, and the parameters shown as the API answers them."""

from __future__ import annotations

from urllib.parse import quote

from playwright.sync_api import expect
from steps import shown

TIMEOUT = 15_000
SOURCE = "l = (a*x + c - y)^2"
PATH = "/graph/train?source=" + quote(SOURCE) + "&values=a:0,c:0&data=x,y"


def by_testid(page, name: str):
    return page.locator(f"[data-testid='{name}']")


def ready(page):
    page.wait_for_selector("body[data-train-ready='1']", timeout=TIMEOUT)
    page.wait_for_selector("[data-testid='train'][data-busy='0'][data-running='0']", timeout=TIMEOUT)


def test_train_an_expression_on_a_formula_target(open_page, page, api, artifacts):
    open_page(PATH)
    ready(page)
    target = page.locator("[data-testid='data-spec'][data-column='y']")
    target.fill("3*x +")
    by_testid(page, "data-apply").click()
    expect(by_testid(page, "data-error")).to_be_visible(timeout=TIMEOUT)
    expect(by_testid(page, "data-error")).to_contain_text("column 'y'")

    target.fill("3*x + 1")
    by_testid(page, "data-apply").click()
    page.wait_for_url("**spec_y=3*x*", timeout=TIMEOUT)
    page.wait_for_selector("body[data-ready='1']")
    ready(page)
    expect(page.locator("[data-testid='data-spec'][data-column='y']")).to_have_value("3*x + 1")

    by_testid(page, "train-n").fill("200")
    by_testid(page, "train-run").click()
    expect(by_testid(page, "readout-step")).to_have_attribute("data-step", "200", timeout=TIMEOUT)
    ready(page)
    answer = api("/api/train", {"source": SOURCE, "params": {"a": 0, "c": 0}, "steps": 200,
                                "data": {"x": {"arange": [0, 1, 0.01]}, "y": "3*x + 1"}})
    for name in ("a", "c"):
        value = answer["final"][name]
        expect(page.locator(f"[data-testid='readout-param'][data-param='{name}']")).to_have_text(shown(value))
        chart = page.locator(f"[data-chart='param'][data-param='{name}']")
        expect(chart).to_have_attribute("data-current-step", "200")
        assert f"{float(chart.get_attribute('data-current-value')):.4g}" == f"{value:.4g}"
        assert chart.locator("canvas").count() == 1
    expect(page.locator("[data-chart='loss']")).to_have_attribute("data-drawn", "1")
    page.screenshot(path=str(artifacts / "train-source.png"))
